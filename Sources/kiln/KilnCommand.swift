import ArgumentParser
import Foundation

struct KilnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "An orchestration engine compatible with OpenStack Heat.",
        version: "kiln 0.1.0",
        subcommands: [StackCommand.self, TemplateCommand.self, ServeCommand.self, IdentityCommand.self]
    )
}

/// Writes a line to standard error.
func standardError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// Reads a whole file, or explains why not in the words of the system (`strerror`).
func readFile(_ path: String) -> Result<[UInt8], FileReadError> {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return .failure(FileReadError(path: path, errno: errno)) }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            return .failure(FileReadError(path: path, errno: errno))
        }
        if count == 0 { return .success(bytes) }
        bytes.append(contentsOf: chunk[0..<count])
    }
}

struct FileReadError: Error, CustomStringConvertible {
    var path: String
    var errno: Int32
    var description: String { "kiln: cannot read \(path): \(String(cString: strerror(errno)))" }
}
