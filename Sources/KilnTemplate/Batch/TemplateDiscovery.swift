import Foundation

/// Finds the templates under the paths given to a multi-file validate: a file is taken as it
/// is; a folder is searched recursively for YAML files (`*.yaml`, `*.yml`) whose top level
/// has `heat_template_version`, so environment files, role data and other YAML beside the
/// templates are left out. Hidden entries (`.git`, `.tox`) are skipped.
public enum TemplateDiscovery {
    /// A path that could not be searched, in words that name it.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "cannot read \(path): \(reason)" }
    }

    /// The files to validate, in path order without repeats. Files under a folder are named
    /// as the folder was written joined with their path inside it (`DIR/sub/x.yaml`).
    public static func templates(in paths: [String]) throws(Failure) -> [String] {
        var found = Set<String>()
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw Failure(path: path, reason: String(cString: strerror(errno)))
            }
            if info.st_mode & S_IFMT == S_IFDIR {
                var visited = Set<DirectoryID>()
                try search(path, into: &found, visited: &visited)
            } else {
                found.insert(path)
            }
        }
        return found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Whether a file's name says YAML.
    public static func isYAMLName(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml")
    }

    /// Whether the text has a `heat_template_version` key at its top level: a line starting
    /// with the key (bare or quoted) followed by a colon. A line scan rather than a parse,
    /// because a folder holds many more YAML files than templates.
    public static func isHOT(_ bytes: [UInt8]) -> Bool {
        let keys: [[UInt8]] = [Array("heat_template_version".utf8), Array("\"heat_template_version\"".utf8),
                               Array("'heat_template_version'".utf8)]
        return bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            // Skip a byte-order mark.
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
            while start < buffer.count {
                if buffer[start] == UInt8(ascii: "h") || buffer[start] == UInt8(ascii: "\"")
                    || buffer[start] == UInt8(ascii: "'") {
                    for key in keys where hasKey(key, in: buffer, at: start) { return true }
                }
                guard let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) else { return false }
                start = newline + 1
            }
            return false
        }
    }

    private static func hasKey(_ key: [UInt8], in buffer: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard buffer.count - start > key.count else { return false }
        for (offset, byte) in key.enumerated() where buffer[start + offset] != byte { return false }
        var index = start + key.count
        while index < buffer.count, buffer[index] == UInt8(ascii: " ") || buffer[index] == UInt8(ascii: "\t") {
            index += 1
        }
        return index < buffer.count && buffer[index] == UInt8(ascii: ":")
    }

    /// A directory by device and inode: a link back up the tree is searched once, not forever.
    private struct DirectoryID: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    private static func search(
        _ directory: String, into found: inout Set<String>, visited: inout Set<DirectoryID>
    ) throws(Failure) {
        var info = stat()
        guard stat(directory, &info) == 0,
              visited.insert(DirectoryID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))).inserted
        else { return }
        guard let handle = opendir(directory) else {
            throw Failure(path: directory, reason: String(cString: strerror(errno)))
        }
        defer { closedir(handle) }
        var subdirectories: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard !name.hasPrefix(".") else { continue }
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var kind = entry.pointee.d_type
            if kind == UInt8(DT_UNKNOWN) || kind == UInt8(DT_LNK) {
                // Follow links and ask file systems that do not report types.
                var info = stat()
                guard stat(path, &info) == 0 else { continue }
                kind = info.st_mode & S_IFMT == S_IFDIR ? UInt8(DT_DIR) : info.st_mode & S_IFMT == S_IFREG ? UInt8(DT_REG) : 0
            }
            if kind == UInt8(DT_DIR) {
                subdirectories.append(path)
            } else if kind == UInt8(DT_REG), isYAMLName(name),
                      case .success(let bytes) = BoundedFile.read(path), isHOT(bytes) {
                found.insert(path)
            }
        }
        for subdirectory in subdirectories { try search(subdirectory, into: &found, visited: &visited) }
    }
}
