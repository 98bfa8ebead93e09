import Foundation
import KilnModel

/// yaql's math functions and type checks. Integer results that leave 64 bits are errors
/// (Python's integers are unbounded; Kiln refuses rather than wraps).
extension YaqlLibrary {
    static let mathFunctions: [String: Function] = [
        "abs": { call in
            switch try call.subject() {
            case .int(let i):
                guard i != .min else { throw overflowError("abs(\(i))") }
                return .int(Swift.abs(i))
            case .double(let d): return .double(Swift.abs(d))
            case let other: throw YaqlRuntimeError("abs() needs a number, found \(other.kindName)")
            }
        },
        "pow": { call in
            let base = try call.subject(), exponent = try call.requiredArgument(0)
            if let modulus = try call.argument(1) {
                guard case .int(var b) = base, case .int(var e) = exponent, case .int(let m) = modulus, m != 0, e >= 0 else {
                    throw YaqlRuntimeError("pow() with a modulus needs integers and a non-negative exponent")
                }
                var result = 1 % m
                b = ((b % m) + m) % m
                while e > 0 {
                    if e & 1 == 1 { result = mulMod(result, b, m) }
                    b = mulMod(b, b, m)
                    e >>= 1
                }
                return .int(result)
            }
            if case .int(let b) = base, case .int(let e) = exponent, e >= 0 {
                var result = 1
                for _ in 0..<min(e, 64) where result != 0 {
                    let (r, overflow) = result.multipliedReportingOverflow(by: b)
                    guard !overflow else { throw overflowError("pow(\(b), \(e))") }
                    result = r
                }
                // Past 64 multiplications only 0, 1 and -1 stay in range.
                if e > 64, Swift.abs(b) > 1 { throw overflowError("pow(\(b), \(e))") }
                if e > 64, b == -1 { return .int(e % 2 == 0 ? 1 : -1) }
                return .int(result)
            }
            guard let b = base.yaqlNumber, let e = exponent.yaqlNumber else { throw YaqlRuntimeError("pow() needs numbers") }
            let r = Foundation.pow(b, e)
            guard r.isFinite else { throw YaqlRuntimeError("pow(): result out of range") }
            return .double(r)
        },
        // yaql's round() is a float, halves to even (measured with heat-oracle: round(2.5) = 2.0).
        "round": { call in
            let value = try call.subject()
            guard let d = value.yaqlNumber, value.isYaqlNumber else {
                throw YaqlRuntimeError("round() needs a number, found \(value.kindName)")
            }
            let scale = Foundation.pow(10.0, Double(try call.intArgument(0) ?? 0))
            return .double((d * scale).rounded(.toNearestOrEven) / scale)
        },
        "sign": { call in
            guard let d = try call.subject().yaqlNumber else { throw YaqlRuntimeError("sign() needs a number") }
            return .int(d > 0 ? 1 : (d < 0 ? -1 : 0))
        },
        "bitwiseAnd": { call in try bitwise(call) { $0 & $1 } },
        "bitwiseOr": { call in try bitwise(call) { $0 | $1 } },
        "bitwiseXor": { call in try bitwise(call) { $0 ^ $1 } },
        "bitwiseNot": { call in
            guard case .int(let i) = try call.subject() else { throw YaqlRuntimeError("bitwiseNot() needs an integer") }
            return .int(~i)
        },
        "shiftBitsLeft": { call in
            try bitwise(call) { value, by in
                guard by >= 0 else { throw YaqlRuntimeError("negative shift count") }
                guard by < 63, value == (value << by) >> by else { throw overflowError("\(value) << \(by)") }
                return value << by
            }
        },
        "shiftBitsRight": { call in
            try bitwise(call) { value, by in
                guard by >= 0 else { throw YaqlRuntimeError("negative shift count") }
                return value >> min(by, 63)
            }
        },
        "isInteger": { call in
            if case .int = try call.subject() { return true }
            return false
        },
        "isNumber": { call in
            switch try call.subject() {
            case .int, .double: return true
            default: return false
            }
        },
        "isBoolean": { call in
            if case .bool = try call.subject() { return true }
            return false
        },
        "isString": { call in
            if case .string = try call.subject() { return true }
            return false
        },
        "isList": { call in
            if case .list = try call.subject() { return true }
            return false
        },
    ]

    static func bitwise(_ call: YaqlCall, _ op: (Int, Int) throws -> Int) throws -> Value {
        guard case .int(let a) = try call.subject(), case .int(let b) = try call.requiredArgument(0) else {
            throw YaqlRuntimeError("\(call.name)() needs integers")
        }
        return .int(try op(a, b))
    }

    static func mulMod(_ a: Int, _ b: Int, _ m: Int) -> Int {
        let (high, low) = a.multipliedFullWidth(by: b)
        let r = m.dividingFullWidth((high, low)).remainder
        return r < 0 && m > 0 || r > 0 && m < 0 ? r + m : r
    }
}
