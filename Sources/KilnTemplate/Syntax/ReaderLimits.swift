import Foundation
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// Bounds that keep hostile or accidental input from exhausting the machine.
public struct ReaderLimits: Sendable {
    /// Heat's `max_template_size` default is 512 KiB.
    public var maxBytes: Int = 512 * 1024
    /// Deepest nesting of mappings and lists.
    public var maxDepth: Int = 100
    /// Nodes in the document counting each alias as the size of what it expands to:
    /// stops "billion laughs" alias bombs while allowing any honest template.
    public var maxNodes: Int = 5_000_000

    public init(maxBytes: Int = 512 * 1024, maxDepth: Int = 100, maxNodes: Int = 5_000_000) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    public static let `default` = ReaderLimits()
}

/// Bounds on what evaluating intrinsic functions may build. Heat has none beyond its request
/// size and yaql's quotas, so a few lines of template can ask for gigabytes: `repeat` over
/// three 300-item lists (27 million items), `str_replace` of a long value into a template
/// that names it thousands of times, a `list_join` whose delimiter is itself long. Results
/// are measured before they are built where the size can be known first, and refused with
/// an error at the function's location.
public enum EvaluationLimits {
    /// Items of one function result: list items and map entries, nested ones included.
    public static let maxResultItems = 100_000
    /// UTF-8 bytes of one function result's strings and map keys, nested ones included:
    /// 1 MiB, Heat's `max_json_body_size` (no result bigger could have been sent to Heat).
    public static let maxResultBytes = 1 << 20
    /// Items that all the function results of one template build together (one validation,
    /// or one `EvaluationScope` in the engine): many calls each within the single-result limit
    /// must not add up to an exhausted machine.
    public static let maxTotalItems = 2_000_000
    /// Bytes that all the function results of one template build together: 256 MiB.
    public static let maxTotalBytes = 256 << 20
    /// Levels of lists and maps in one function result: what Kiln's own JSON reader accepts
    /// (results are walked by recursive code: equality, JSON and YAML writers).
    public static let maxResultDepth = 512
    /// Places where str_replace's params may match the text, per byte of text (plus 4096):
    /// more only when many params are suffixes of one another and all match everywhere.
    public static let maxPlaceholderMatchesPerByte = 8
    /// Nesting of a yaql expression (brackets, calls, operators, chained `.member`s): the
    /// parser and evaluator recurse once per level. Heat's yaql stops near 200 chained operators.
    public static let maxYaqlDepth = 200
}

/// Reads the files users and templates name (`-t`, `-e`, get_file, provider templates) with
/// one rule: regular files only, and never more than a limit. A device such as `/dev/zero`
/// would otherwise be read until memory runs out, and a FIFO with no writer blocks forever;
/// `kiln serve` reads templates in the process that runs every operation.
public enum BoundedFile {
    /// The limit for files with no limit of their own (get_file targets, environment files of
    /// stack commands, adopt files): far above any honest template, far below exhaustion.
    public static let defaultLimit = 16 << 20

    /// At most `limit` bytes of `path`, or why not.
    public static func read(_ path: String, limit: Int = defaultLimit) -> Result<[UInt8], FileReadFailure> {
        // Non-blocking, so that opening a FIFO does not wait for a writer.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .failure(FileReadFailure(path: path, reason: .system(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(FileReadFailure(path: path, reason: .system(errno))) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .failure(FileReadFailure(path: path, reason: .system(EISDIR)))
        case S_IFIFO: return .failure(FileReadFailure(path: path, reason: .notRegular("a FIFO or pipe")))
        case S_IFCHR: return .failure(FileReadFailure(path: path, reason: .notRegular("a character device")))
        case S_IFBLK: return .failure(FileReadFailure(path: path, reason: .notRegular("a block device")))
        case S_IFSOCK: return .failure(FileReadFailure(path: path, reason: .notRegular("a socket")))
        default: return .failure(FileReadFailure(path: path, reason: .notRegular("not a regular file")))
        }
        if Int(info.st_size) > limit {
            return .failure(FileReadFailure(path: path, reason: .tooLarge(limit: limit, size: Int(info.st_size))))
        }
        // Read to at most one byte past the limit: the file may have grown since fstat.
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count <= limit {
            let wanted = min(chunk.count, limit + 1 - bytes.count)
            let count = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, wanted) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(FileReadFailure(path: path, reason: .system(errno)))
            }
            if count == 0 { return .success(bytes) }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return .failure(FileReadFailure(path: path, reason: .tooLarge(limit: limit, size: nil)))
    }
}

/// Why a file could not be read, in words that name the file.
public struct FileReadFailure: Error, CustomStringConvertible, Sendable {
    public enum Reason: Sendable, Equatable {
        /// The system's error (`strerror`): missing, unreadable, a directory...
        case system(Int32)
        /// A FIFO, device or socket: what kind it is.
        case notRegular(String)
        /// More than `limit` bytes (`size` when known).
        case tooLarge(limit: Int, size: Int?)
    }

    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// The reason alone: "No such file or directory", "it is a FIFO or pipe, not a regular file".
    public var reasonText: String {
        switch reason {
        case .system(let code): return String(cString: strerror(code))
        case .notRegular(let kind): return "it is \(kind), not a regular file"
        case .tooLarge(let limit, _): return "it is larger than \(limit) bytes"
        }
    }

    public var description: String { "cannot read \(path): \(reasonText)" }
}
