/// Resolves plain scalars the way PyYAML's SafeLoader (YAML 1.1) does, since Heat
/// reads templates with it: `yes`/`on` are booleans, `0x1F` an integer, and
/// timestamps stay strings (Heat's loader removes the timestamp constructor).
enum ScalarResolver {
    static func resolvePlain(_ text: String) -> Scalar {
        let utf8 = text.utf8
        guard let first = utf8.first else { return .null }
        // Dispatch on the first byte: most scalars are words that can be nothing but strings.
        switch first {
        case UInt8(ascii: "~"):
            return text == "~" ? .null : .string(text)
        case UInt8(ascii: "n"), UInt8(ascii: "N"):
            switch text {
            case "null", "Null", "NULL": return .null
            case "no", "No", "NO": return .bool(false)
            default: return .string(text)
            }
        case UInt8(ascii: "y"), UInt8(ascii: "Y"):
            switch text {
            case "yes", "Yes", "YES": return .bool(true)
            default: return .string(text)
            }
        case UInt8(ascii: "t"), UInt8(ascii: "T"):
            switch text {
            case "true", "True", "TRUE": return .bool(true)
            default: return .string(text)
            }
        case UInt8(ascii: "f"), UInt8(ascii: "F"):
            switch text {
            case "false", "False", "FALSE": return .bool(false)
            default: return .string(text)
            }
        case UInt8(ascii: "o"), UInt8(ascii: "O"):
            switch text {
            case "on", "On", "ON": return .bool(true)
            case "off", "Off", "OFF": return .bool(false)
            default: return .string(text)
            }
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."):
            if let int = plainDecimal(utf8) { return .int(int) }
            // Only text made of number characters can be a number (dates have more than one '-').
            let numeric = utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                    || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                    || byte == UInt8(ascii: "x") || byte == UInt8(ascii: "b") || byte == UInt8(ascii: "o")
                    || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
                    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
                    || byte == UInt8(ascii: "i") || byte == UInt8(ascii: "n") || byte == UInt8(ascii: "I")
                    || byte == UInt8(ascii: "N")
            }
            guard numeric else { return .string(text) }
            if let int = integer(text) { return .int(int) }
            if let double = float(text) { return .double(double) }
            return .string(text)
        default:
            return .string(text)
        }
    }

    /// The common case of `integer` without building substrings: `[-+]?(0|[1-9][0-9]*)` that
    /// fits an Int. Anything else (including overflow) is nil and goes the general way.
    private static func plainDecimal(_ utf8: String.UTF8View) -> Int? {
        var iterator = utf8.makeIterator()
        guard var byte = iterator.next() else { return nil }
        var negative = false
        if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
            negative = byte == UInt8(ascii: "-")
            guard let next = iterator.next() else { return nil }
            byte = next
        }
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        var value = Int(byte - UInt8(ascii: "0"))
        let leadingZero = value == 0
        while let next = iterator.next() {
            guard !leadingZero, next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(next - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return negative ? -value : value
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
                // Past Int's range it is no integer here (a string, as other huge numbers are).
                let (shifted, overflow1) = total.multipliedReportingOverflow(by: 60)
                let (sum, overflow2) = shifted.addingReportingOverflow(n)
                guard !overflow1, !overflow2 else { return nil }
                total = sum
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
