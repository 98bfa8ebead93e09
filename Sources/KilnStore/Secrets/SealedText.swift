/// Finds the sealed values (`SecretSealer`) inside stored text: a whole column that is one, or
/// JSON with them as strings (a `\/` escape of the JSON text is understood and kept). What a
/// key rotation rewrites, whichever table and column holds it.
enum SealedText {
    private static let marker = Array(SecretSealer.marker.utf8)

    /// `text` with each sealed value in it replaced by `reseal`'s answer (nil: kept as it is),
    /// and how many were replaced; nil when nothing was.
    static func rewrite(_ text: String, _ reseal: (String) throws -> String?) rethrows -> (text: String, replaced: Int)? {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var replaced = 0, index = 0
        while index < bytes.count {
            guard bytes[index] == marker[0], bytes[index...].starts(with: marker) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            var end = index + marker.count, escaped = false
            while end < bytes.count {
                if isValueByte(bytes[end]) {
                    end += 1
                } else if bytes[end] == UInt8(ascii: "\\"), end + 1 < bytes.count, bytes[end + 1] == UInt8(ascii: "/") {
                    escaped = true
                    end += 2
                } else {
                    break
                }
            }
            var value = String(decoding: bytes[index..<end], as: UTF8.self)
            if escaped { value = value.replacing("\\/", with: "/") }
            if var new = try reseal(value) {
                if escaped { new = new.replacing("/", with: "\\/") }
                output.append(contentsOf: new.utf8)
                replaced += 1
            } else {
                output.append(contentsOf: bytes[index..<end])
            }
            index = end
        }
        return replaced == 0 ? nil : (String(decoding: output, as: UTF8.self), replaced)
    }

    /// What a sealed value is made of after its marker: version, key id, base64, colons.
    private static func isValueByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }
}
