import Foundation

/// A `multipart/mixed` message of text parts, written as Python's `email` package writes
/// `MIMEMultipart(_subparts=[MIMEText(...), ...]).as_string()` (Heat's MultipartMime output),
/// and the reverse for nesting one such message in another.
struct MIMEMultipart: Equatable {
    struct Part: Equatable {
        var text: String
        /// `text/<subtype>`; `plain` when nil.
        var subtype: String?
        var filename: String?
    }

    var parts: [Part]

    /// The message, with a fresh boundary of Python's shape: 15 `=`, 19 digits, `==`.
    func text(boundary: String = MIMEMultipart.makeBoundary()) -> String {
        var out = "Content-Type: multipart/mixed; boundary=\"\(boundary)\"\nMIME-Version: 1.0\n\n--\(boundary)\n"
        out += parts.map(Self.render).joined(separator: "\n--\(boundary)\n")
        out += "\n--\(boundary)--\n"
        return out
    }

    static func makeBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        let token = UInt64.random(in: 0..<UInt64(Int.max), using: &generator)
        let digits = String(token)
        return String(repeating: "=", count: 15) + String(repeating: "0", count: 19 - digits.count) + digits + "=="
    }

    /// A text part: ASCII text as it is (7bit), anything else as UTF-8 in base64.
    private static func render(_ part: Part) -> String {
        let ascii = part.text.allSatisfy(\.isASCII)
        var out = "Content-Type: text/\(part.subtype ?? "plain"); charset=\"\(ascii ? "us-ascii" : "utf-8")\"\n"
        out += "MIME-Version: 1.0\nContent-Transfer-Encoding: \(ascii ? "7bit" : "base64")\n"
        if let filename = part.filename, !filename.isEmpty {
            out += "Content-Disposition: attachment; filename=\"\(filename)\"\n"
        }
        out += "\n"
        if ascii {
            out += part.text
        } else {
            out += Data(part.text.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed]) + "\n"
        }
        return out
    }

    /// The parts of a multipart message's text; nil when the text is not one.
    /// Base64 parts are decoded (Heat passes their encoded text on as if it were the content).
    static func parse(_ text: String) -> MIMEMultipart? {
        let (headers, body) = split(text)
        guard let contentType = headers["content-type"], contentType.lowercased().hasPrefix("multipart/"),
              let boundary = parameter("boundary", in: contentType) else { return nil }
        let lines = body.components(separatedBy: "\n")
        var chunks: [[String]] = []
        var current: [String]?
        for line in lines {
            let trimmed = line.hasSuffix("\r") ? String(line.dropLast()) : line
            if trimmed == "--\(boundary)--" { break }
            if trimmed == "--\(boundary)" {
                if let current { chunks.append(current) }
                current = []
            } else {
                current?.append(line)
            }
        }
        if let current { chunks.append(current) }
        return MIMEMultipart(parts: chunks.map { part(from: $0.joined(separator: "\n")) })
    }

    private static func part(from text: String) -> Part {
        let (headers, body) = split(text)
        let contentType = headers["content-type"] ?? "text/plain"
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let subtype = mediaType.split(separator: "/").dropFirst().first.map(String.init) ?? "plain"
        var content = body
        if headers["content-transfer-encoding"]?.lowercased() == "base64",
           let data = Data(base64Encoded: body, options: .ignoreUnknownCharacters),
           let decoded = String(data: data, encoding: .utf8) {
            content = decoded
        }
        let filename = headers["content-disposition"].flatMap { parameter("filename", in: $0) }
        return Part(text: content, subtype: subtype, filename: filename)
    }

    /// Headers (lowercased names, folded lines joined) and the body after the first blank line.
    private static func split(_ text: String) -> (headers: [String: String], body: String) {
        var headers: [String: String] = [:]
        var lastName: String?
        var lines = text.components(separatedBy: "\n")[...]
        while let line = lines.popFirst() {
            let trimmed = line.hasSuffix("\r") ? String(line.dropLast()) : line
            if trimmed.isEmpty { break }
            if let first = trimmed.first, first == " " || first == "\t", let name = lastName {
                headers[name, default: ""] += " " + trimmed.trimmingCharacters(in: .whitespaces)
            } else if let colon = trimmed.firstIndex(of: ":") {
                let name = trimmed[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                headers[name] = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                lastName = name
            }
        }
        return (headers, lines.joined(separator: "\n"))
    }

    /// A `name=value` or `name="value"` parameter of a header value.
    private static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            var value = pair[1]
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}
