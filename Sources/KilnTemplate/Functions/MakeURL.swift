import Foundation
import KilnModel

/// `make_url: {scheme, username, password, host, port, path, query, fragment}`: a URL with each
/// part escaped as Heat does (Python's `urllib.parse.quote`, `urlencode` and `urlunsplit`).
public struct MakeURL: TemplateFunction {
    let site: FunctionSite
    let parts: [ExpressionEntry]

    static let keys = ["scheme", "username", "password", "host", "port", "path", "query", "fragment"]

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> MakeURL? {
        guard let entries = site.arguments.mapping else {
            return site.reject(&parser, "invalid arguments", expected: "a map of URL parts (\(keys.joined(separator: ", ")))")
        }
        var valid = true
        for entry in entries {
            let node = entry.value
            let isCall = site.isCall(node, parser)
            switch entry.key {
            case _ where !keys.contains(entry.key):
                parser.diagnostics.error(
                    entry.keyLocation, "\(site.name): unknown URL part '\(entry.key)'",
                    expected: "one of \(keys.joined(separator: ", "))")
                valid = false
            case "query" where node.mapping == nil && !isCall:
                let _: MakeURL? = site.reject(&parser, "the query must be a map", expected: "a map", at: node)
                valid = false
            case "port" where !isCall:
                let number: Int?
                switch node.kind {
                case .scalar(.int(let i)): number = i
                case .scalar(.string(let text)): number = Int(text.trimmingCharacters(in: .whitespaces))
                default: number = nil
                }
                if !(number.map { (1...65535).contains($0) } ?? false) {
                    let _: MakeURL? = site.reject(&parser, "invalid port", expected: "an integer in 1-65535", at: node)
                    valid = false
                }
            case "query", "port": break
            default:
                if node.string == nil && !isCall {
                    let _: MakeURL? = site.reject(&parser, "the \(entry.key) must be a string", expected: "a string", at: node)
                    valid = false
                }
            }
        }
        guard valid else { return nil }
        return MakeURL(
            site: site,
            parts: entries.map { ExpressionEntry(key: $0.key, keyLocation: $0.keyLocation, value: parser.parse($0.value)) })
    }

    public var children: [Expression] { parts.map(\.value) }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        var text: [String: String] = [:]
        var port = ""
        var query = ""
        for part in parts {
            switch part.key {
            case "query": query = try queryText(part.value, scope)
            case "port": port = try portText(try scope.value(of: part.value))
            default:
                guard case .string(let s) = try scope.value(of: part.value) else {
                    throw site.evaluationError("the \(part.key) must be a string")
                }
                text[part.key] = s
            }
        }
        let scheme = text["scheme"] ?? ""
        if scheme.contains(":") { throw site.evaluationError("the scheme must not contain ':'") }

        var netloc = ""
        let username = URLEscaping.quote(text["username"] ?? "", safe: "")
        let password = URLEscaping.quote(text["password"] ?? "", safe: "")
        if !username.isEmpty || !password.isEmpty {
            netloc += username
            if !password.isEmpty { netloc += ":" + password }
            netloc += "@"
        }
        var host = text["host"] ?? ""
        if host.hasPrefix("["), host.hasSuffix("]"), host.count >= 2 { host = String(host.dropFirst().dropLast()) }
        host = URLEscaping.quote(host, safe: ":")
        netloc += host.contains(":") ? "[\(host)]" : host
        if !port.isEmpty { netloc += ":" + port }

        return .string(URLEscaping.unsplit(
            scheme: scheme, netloc: netloc, path: URLEscaping.quote(text["path"] ?? "", safe: "/"),
            query: query, fragment: URLEscaping.quote(text["fragment"] ?? "", safe: "/")))
    }

    private func portText(_ value: Value) throws -> String {
        let number: Int?
        switch value {
        case .int(let i): number = i
        case .string(let s): number = Int(s.trimmingCharacters(in: .whitespaces))
        default: number = nil
        }
        guard let number else { throw site.evaluationError("invalid URL port \(value.pythonRepr)") }
        guard (1...65535).contains(number) else {
            throw site.evaluationError("invalid URL port \(number), must be in range 1-65535")
        }
        // Heat writes the port as given: a string port keeps its text.
        if case .string(let s) = value { return s }
        return String(number)
    }

    /// `urlencode(query)` with "/" left readable; a literal map keeps its written order.
    private func queryText(_ expression: Expression, _ scope: EvaluationScope) throws -> String {
        var pairs: [(String, Value)] = []
        if let entries = expression.mapEntries {
            for entry in entries { if let v = try scope.evaluate(entry.value) { pairs.append((entry.key, v)) } }
        } else {
            guard case .map(let map) = try scope.value(of: expression) else {
                throw site.evaluationError("the query must be a map")
            }
            pairs = map.keys.sorted(by: PythonString.less).compactMap { key in map[key].map { (key, $0) } }
        }
        return pairs
            .map { URLEscaping.quotePlus($0.0) + "=" + URLEscaping.quotePlus($0.1.pythonText) }
            .joined(separator: "&")
            .replacingOccurrences(of: "%2F", with: "/")
    }
}

/// Python's `urllib.parse` escaping, byte for byte.
enum URLEscaping {
    /// Schemes for which `urlunsplit` writes "//" even without a network location.
    static let netlocSchemes: Set<String> = [
        "", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https", "shttp", "snews",
        "prospero", "rtsp", "rtsps", "rtspu", "rsync", "svn", "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws",
        "wss", "itms-services",
    ]

    /// `quote(s, safe)`: UTF-8 bytes outside letters, digits, `_.-~` and `safe` become %XX.
    static func quote(_ s: String, safe: String) -> String {
        let safeBytes = Set(safe.utf8)
        var out = ""
        for byte in s.utf8 {
            let isUnreserved = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || (byte >= 0x30 && byte <= 0x39) || "_.-~".utf8.contains(byte)
            if isUnreserved || safeBytes.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// `quote_plus(s, safe='')`: as quote, with spaces written as "+".
    static func quotePlus(_ s: String) -> String {
        quote(s, safe: " ").replacingOccurrences(of: " ", with: "+")
    }

    static func unsplit(scheme: String, netloc: String, path: String, query: String, fragment: String) -> String {
        var url = path
        if !netloc.isEmpty || (!scheme.isEmpty && netlocSchemes.contains(scheme) && !url.hasPrefix("//")) {
            if !url.isEmpty && !url.hasPrefix("/") { url = "/" + url }
            url = "//" + netloc + url
        }
        if !scheme.isEmpty { url = scheme + ":" + url }
        if !query.isEmpty { url += "?" + query }
        if !fragment.isEmpty { url += "#" + fragment }
        return url
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
