import Foundation
import KilnModel
import KilnTemplate
#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking HTTP/1.1 client on one kept-alive loopback connection: measures the
/// server, not a client stack (URLSession on Linux goes through libcurl and its own thread).
/// One per thread; never shared. Reconnects when the server closed the connection.
final class LoopbackClient {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]

        var json: Value { (try? Value.parseJSON(String(decoding: body, as: UTF8.self))) ?? .null }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    var token: String?
    private var socket: Int32 = -1
    private var pending: [UInt8] = []

    init(port: Int, token: String? = nil) {
        self.port = port
        self.token = token
    }

    deinit { if socket >= 0 { close(socket) } }

    /// One request; retried once on a fresh connection when the kept-alive one was closed.
    func call(_ method: String, _ path: String, body: String? = nil) throws -> Reply {
        do {
            return try exchange(method, path, body: body)
        } catch let failure as Failure where failure.description == Self.closed {
            disconnect()
            return try exchange(method, path, body: body)
        }
    }

    private static let closed = "connection closed by the server"

    private func exchange(_ method: String, _ path: String, body: String?) throws -> Reply {
        if socket < 0 { try connect() }
        let payload = Array((body ?? "").utf8)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: application/json\r\n"
        if body != nil { head += "Content-Type: application/json\r\n" }
        if let token { head += "X-Auth-Token: \(token)\r\n" }
        head += "Content-Length: \(payload.count)\r\n\r\n"
        try send(Array(head.utf8) + payload)
        return try readReply(method: method)
    }

    private func connect() throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        // A reply that never comes is an error after 60 s, not a hang.
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port): \(message)")
        }
        socket = fd
        pending = []
    }

    private func disconnect() {
        if socket >= 0 { close(socket) }
        socket = -1
        pending = []
    }

    private func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else {
                throw Failure(description: errno == EPIPE || errno == ECONNRESET ? Self.closed : "send: \(String(cString: strerror(errno)))")
            }
            offset += sent
        }
    }

    /// Reads more bytes into `pending`; false at the end of the stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            if errno == ECONNRESET { return false }
            throw Failure(description: "recv: \(String(cString: strerror(errno)))")
        }
        pending += chunk[0..<count]
        return count > 0
    }

    private func readLine() throws -> String {
        while true {
            if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<end], as: UTF8.self).trimmingCharacters(in: .newlines)
                pending.removeSubrange(...end)
                return line
            }
            guard try fill() else { throw Failure(description: Self.closed) }
        }
    }

    private func readBytes(_ count: Int) throws -> [UInt8] {
        while pending.count < count {
            guard try fill() else { throw Failure(description: "connection closed in the middle of a body") }
        }
        let bytes = Array(pending[..<count])
        pending.removeSubrange(..<count)
        return bytes
    }

    private func readReply(method: String) throws -> Reply {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line: \(statusLine)") }
        var headers: [String: String] = [:]
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body: [UInt8] = []
        if method == "HEAD" || status == 204 || status == 304 {
            body = []
        } else if let length = headers["content-length"].flatMap({ Int($0) }) {
            body = try readBytes(length)
        } else if headers["transfer-encoding"]?.lowercased() == "chunked" {
            while true {
                let sizeLine = try readLine()
                guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) else {
                    throw Failure(description: "bad chunk size: \(sizeLine)")
                }
                if size == 0 {
                    while try !readLine().isEmpty {}
                    break
                }
                body += try readBytes(size)
                _ = try readLine()
            }
        } else {
            while try fill() {}
            body = pending
            pending = []
            disconnect()
        }
        if headers["connection"]?.lowercased() == "close" { disconnect() }
        return Reply(status: status, headers: headers, body: body)
    }
}
