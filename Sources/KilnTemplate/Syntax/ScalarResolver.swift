/// Resolves plain scalars the way PyYAML's SafeLoader (YAML 1.1) does, since Heat
/// reads templates with it: `yes`/`on` are booleans, `0x1F` an integer, and
/// timestamps stay strings (Heat's loader removes the timestamp constructor).
enum ScalarResolver {
    static func resolvePlain(_ text: String) -> Scalar {
        guard let first = text.utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"):
            if text == "~" || text == "null" || text == "Null" || text == "NULL" { return .null }
        default: break
        }
        switch text {
        case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return .bool(true)
        case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return .bool(false)
        default: break
        }
        // Only text that starts like a number can be one.
        let isNumberStart = (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
            || first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
        guard isNumberStart else { return .string(text) }
        if let int = integer(text) { return .int(int) }
        if let double = float(text) { return .double(double) }
        return .string(text)
    }

    /// `[-+]?(0b[01_]+ | 0x[0-9a-fA-F_]+ | 0[0-7_]+ | 0 | [1-9][0-9_]* | [1-9][0-9_]*(:[0-5]?[0-9])+)`
    static func integer(_ text: String) -> Int? {
        var body = Substring(text)
        var negative = false
        if body.first == "-" || body.first == "+" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        let magnitude: Int?
        if body.hasPrefix("0b") {
            magnitude = digits(body.dropFirst(2), radix: 2)
        } else if body.hasPrefix("0x") {
            magnitude = digits(body.dropFirst(2), radix: 16)
        } else if body == "0" {
            magnitude = 0
        } else if body.first == "0" {
            magnitude = digits(body.dropFirst(), radix: 8)
        } else if body.contains(":") {
            // Sexagesimal: 1:30 == 90.
            var total = 0
            for part in body.split(separator: ":", omittingEmptySubsequences: false) {
                guard let n = digits(part, radix: 10) else { return nil }
                total = total * 60 + n
            }
            magnitude = total
        } else {
            magnitude = digits(body, radix: 10)
        }
        guard let magnitude else { return nil }
        return negative ? -magnitude : magnitude
    }

    private static func digits(_ text: Substring, radix: Int) -> Int? {
        let cleaned = text.filter { $0 != "_" }
        guard !cleaned.isEmpty, cleaned.first != "_" else { return nil }
        return Int(cleaned, radix: radix)
    }

    /// `[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?`, `[-+]?\.inf`, `\.nan`.
    static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard text.contains(".") else { return nil }
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        let parts = body.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
        let mantissa = parts[0].split(separator: "E", maxSplits: 1, omittingEmptySubsequences: false)
        let numberPart = mantissa[0]
        let exponent = parts.count > 1 ? parts[1] : (mantissa.count > 1 ? mantissa[1] : nil)
        let dotted = numberPart.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard dotted.count == 2,
              dotted[0].allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }),
              dotted[1].allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }),
              !(dotted[0].isEmpty && dotted[1].isEmpty)
        else { return nil }
        if let exponent {
            guard let sign = exponent.first, sign == "-" || sign == "+",
                  exponent.count > 1, exponent.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber })
            else { return nil }
        }
        return Double(text.filter { $0 != "_" })
    }
}
