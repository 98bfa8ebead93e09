import Foundation
import KilnModel

/// yaql's dates and times, in UTC (Heat's yaql makes `datetime(...)` UTC unless given an
/// offset; offsets other than zero are not supported here). A datetime and a timespan are
/// tagged values (`YaqlObject`) holding microseconds, since the epoch or in the span.
/// Measured with heat-oracle: `str()` prints Python's forms (`2020-01-02 03:04:05+00:00`,
/// `1 day, 0:00:00`) and a datetime leaves yaql as that text.
extension YaqlLibrary {
    static let dateFunctions: [String: Function] = [
        "datetime": { call in
            let values = try call.allArguments()
            if values.count == 1 {
                switch values[0] {
                case .int(let seconds): return datetime(microseconds: seconds.multipliedSaturated(by: 1_000_000))
                case .double(let seconds) where seconds.isFinite && abs(seconds) < 9e12:
                    return datetime(microseconds: Int((seconds * 1_000_000).rounded()))
                case .string(let text): return try parseDatetime(text)
                default: break
                }
            }
            var parts = [1970, 1, 1, 0, 0, 0, 0]
            var positional = 0
            for node in call.arguments {
                if case .pair(let name, let value) = node {
                    let key = try call.evaluator.key(call.evaluator.evaluate(name, call.env))
                    guard let i = componentNames.firstIndex(of: key), case .int(let n) = try call.evaluator.evaluate(value, call.env) else {
                        throw YaqlRuntimeError("datetime() has no integer argument '\(key)'")
                    }
                    parts[i] = n
                } else {
                    guard positional < parts.count, case .int(let n) = try call.evaluator.evaluate(node, call.env) else {
                        throw YaqlRuntimeError("datetime() needs integers")
                    }
                    parts[positional] = n
                    positional += 1
                }
            }
            return try datetime(parts)
        },
        "now": { _ in datetime(microseconds: Int(Date().timeIntervalSince1970 * 1_000_000)) },
        "utctz": { _ in timespan(microseconds: 0) },
        "timespan": { call in
            var total = 0.0
            for node in call.arguments {
                guard case .pair(let name, let valueNode) = node else { throw YaqlRuntimeError("timespan() takes named arguments") }
                let key = try call.evaluator.key(call.evaluator.evaluate(name, call.env))
                let value = try call.evaluator.evaluate(valueNode, call.env)
                guard let unit = spanUnits[key], let n = value.yaqlNumber, value.isYaqlNumber else {
                    throw YaqlRuntimeError("timespan() has no numeric argument '\(key)'")
                }
                total += n * unit
            }
            guard total.isFinite, abs(total) < 9e18 else { throw YaqlRuntimeError("timespan() out of range") }
            return timespan(microseconds: Int(total.rounded()))
        },
        "isDatetime": { call in .bool(microseconds(try call.subject(), "datetime") != nil) },
        "isTimespan": { call in .bool(microseconds(try call.subject(), "timespan") != nil) },
    ]

    static let componentNames = ["year", "month", "day", "hour", "minute", "second", "microsecond"]
    static let spanUnits: [String: Double] = [
        "days": 86_400e6, "hours": 3_600e6, "minutes": 60e6, "seconds": 1e6, "milliseconds": 1e3, "microseconds": 1,
    ]

    static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    static func datetime(microseconds: Int) -> Value { .map([YaqlObject.tag: "datetime", "us": .int(microseconds)]) }
    static func timespan(microseconds: Int) -> Value { .map([YaqlObject.tag: "timespan", "us": .int(microseconds)]) }

    static func microseconds(_ value: Value, _ kind: String) -> Int? {
        guard case .map(let m) = value, m[YaqlObject.tag] == .string(kind), case .int(let us)? = m["us"] else { return nil }
        return us
    }

    static func datetime(_ parts: [Int]) throws -> Value {
        var c = DateComponents()
        (c.year, c.month, c.day, c.hour, c.minute, c.second) = (parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])
        guard (1...9999).contains(parts[0]), (1...12).contains(parts[1]), (0...23).contains(parts[3]),
              (0...59).contains(parts[4]), (0...59).contains(parts[5]), (0..<1_000_000).contains(parts[6]),
              c.isValidDate(in: utc), let date = utc.date(from: c) else {
            throw YaqlRuntimeError("datetime(): no such date or time")
        }
        return datetime(microseconds: Int(date.timeIntervalSince1970.rounded()) * 1_000_000 + parts[6])
    }

    /// ISO 8601 text: `2020-01-02`, `2020-01-02T03:04:05`, with `Z` or no zone.
    static func parseDatetime(_ text: String) throws -> Value {
        var s = text.trimmingCharacters(in: .whitespaces)
        if s.hasSuffix("Z") { s.removeLast() }
        let numbers = s.split(whereSeparator: { "-T :".contains($0) }).map { Int($0) }
        guard (3...6).contains(numbers.count), numbers.allSatisfy({ $0 != nil }) else {
            throw YaqlRuntimeError("datetime(): cannot parse '\(text)'")
        }
        var parts = [1970, 1, 1, 0, 0, 0, 0]
        for (i, n) in numbers.enumerated() { parts[i] = n! }
        return try datetime(parts)
    }

    static func components(_ us: Int) -> (DateComponents, micro: Int) {
        let seconds = us >= 0 ? us / 1_000_000 : (us - 999_999) / 1_000_000
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        return (utc.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date), us - seconds * 1_000_000)
    }

    /// Python's `str()` of a datetime or timedelta, or nil for other values.
    static func dateText(_ value: Value) -> String? {
        if let us = microseconds(value, "datetime") {
            let (c, micro) = components(us)
            let fraction = micro == 0 ? "" : String(format: ".%06d", micro)
            return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
                + fraction + "+00:00"
        }
        if let us = microseconds(value, "timespan") {
            let day = 86_400_000_000
            let days = us >= 0 ? us / day : (us - day + 1) / day
            let rest = us - days * day
            let seconds = rest / 1_000_000, micro = rest % 1_000_000
            var out = days == 0 ? "" : "\(days) day\(abs(days) == 1 ? "" : "s"), "
            out += String(format: "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
            if micro != 0 { out += String(format: ".%06d", micro) }
            return out
        }
        return nil
    }

    /// `dt.year`, `span.seconds`...: nil when `value` is neither.
    static func dateMember(_ value: Value, _ name: String) throws -> Value? {
        if let us = microseconds(value, "datetime") {
            let (c, micro) = components(us)
            switch name {
            case "year": return .int(c.year!)
            case "month": return .int(c.month!)
            case "day": return .int(c.day!)
            case "hour": return .int(c.hour!)
            case "minute": return .int(c.minute!)
            case "second": return .int(c.second!)
            case "microsecond": return .int(micro)
            case "timestamp": return .double(Double(us) / 1e6)
            case "date": return datetime(microseconds: us - (c.hour! * 3600 + c.minute! * 60 + c.second!) * 1_000_000 - micro)
            case "time": return timespan(microseconds: (c.hour! * 3600 + c.minute! * 60 + c.second!) * 1_000_000 + micro)
            case "offset": return timespan(microseconds: 0)
            default: throw YaqlRuntimeError("a datetime has no property '\(name)'")
            }
        }
        if let us = microseconds(value, "timespan") {
            let unit: Double
            switch name {
            case "days": unit = 86_400e6
            case "hours": unit = 3_600e6
            case "minutes": unit = 60e6
            case "seconds": unit = 1e6
            case "milliseconds": unit = 1e3
            case "microseconds": unit = 1
            default: throw YaqlRuntimeError("a timespan has no property '\(name)'")
            }
            return .double(Double(us) / unit)
        }
        return nil
    }

    /// Date arithmetic and comparisons, or nil when neither side is a date or span.
    static func dateOperate(_ op: String, _ left: Value, _ right: Value) throws -> Value? {
        let ld = microseconds(left, "datetime"), lt = microseconds(left, "timespan")
        let rd = microseconds(right, "datetime"), rt = microseconds(right, "timespan")
        guard ld != nil || lt != nil || rd != nil || rt != nil else { return nil }
        func sum(_ a: Int, _ b: Int, _ negate: Bool = false) throws -> Int {
            let (r, overflow) = negate ? a.subtractingReportingOverflow(b) : a.addingReportingOverflow(b)
            guard !overflow else { throw YaqlRuntimeError("date arithmetic out of range") }
            return r
        }
        switch op {
        case "+":
            if let d = ld, let t = rt { return datetime(microseconds: try sum(d, t)) }
            if let t = lt, let d = rd { return datetime(microseconds: try sum(d, t)) }
            if let a = lt, let b = rt { return timespan(microseconds: try sum(a, b)) }
        case "-":
            if let d = ld, let t = rt { return datetime(microseconds: try sum(d, t, true)) }
            if let a = ld, let b = rd { return timespan(microseconds: try sum(a, b, true)) }
            if let a = lt, let b = rt { return timespan(microseconds: try sum(a, b, true)) }
        case "<", ">", "<=", ">=":
            if let a = ld ?? lt, let b = ld != nil ? rd : rt {
                switch op {
                case "<": return .bool(a < b)
                case ">": return .bool(a > b)
                case "<=": return .bool(a <= b)
                default: return .bool(a >= b)
                }
            }
        case "=", "!=": return nil
        default: break
        }
        throw YaqlRuntimeError("'\(op)' cannot combine \(dateKind(left)) and \(dateKind(right))")
    }

    static func dateKind(_ value: Value) -> String {
        microseconds(value, "datetime") != nil ? "a datetime" : microseconds(value, "timespan") != nil ? "a timespan" : value.kindName
    }

    /// Python's `strftime` for the common fields, in English.
    static func strftime(_ us: Int, _ pattern: String) -> String {
        let (c, micro) = components(us)
        let days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                      "October", "November", "December"]
        let weekday = days[c.weekday! - 1], month = months[c.month! - 1]
        let dayOfYear = utc.ordinality(of: .day, in: .year, for: Date(timeIntervalSince1970: TimeInterval(us / 1_000_000))) ?? 1
        var out = ""
        var chars = pattern[...]
        while let ch = chars.popFirst() {
            guard ch == "%", let field = chars.popFirst() else { out.append(ch); continue }
            switch field {
            case "Y": out += String(format: "%04d", c.year!)
            case "y": out += String(format: "%02d", c.year! % 100)
            case "m": out += String(format: "%02d", c.month!)
            case "d": out += String(format: "%02d", c.day!)
            case "H": out += String(format: "%02d", c.hour!)
            case "I": out += String(format: "%02d", (c.hour! + 11) % 12 + 1)
            case "M": out += String(format: "%02d", c.minute!)
            case "S": out += String(format: "%02d", c.second!)
            case "f": out += String(format: "%06d", micro)
            case "p": out += c.hour! < 12 ? "AM" : "PM"
            case "j": out += String(format: "%03d", dayOfYear)
            case "A": out += weekday
            case "a": out += String(weekday.prefix(3))
            case "B": out += month
            case "b": out += String(month.prefix(3))
            case "w": out += String(c.weekday! - 1)
            case "z": out += "+0000"
            case "Z": out += "UTC"
            case "%": out += "%"
            default: out += "%" + String(field)
            }
        }
        return out
    }

    /// `dt.replace(year => ..., ...)`: a copy with those components.
    static func dateReplace(_ call: YaqlCall, _ us: Int) throws -> Value {
        let (c, micro) = components(us)
        var parts = [c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, micro]
        for case .pair(let name, let valueNode) in call.arguments {
            let key = try call.evaluator.key(call.evaluator.evaluate(name, call.env))
            guard let i = componentNames.firstIndex(of: key), case .int(let n) = try call.evaluator.evaluate(valueNode, call.env) else {
                throw YaqlRuntimeError("replace() of a datetime has no integer argument '\(key)'")
            }
            parts[i] = n
        }
        return try datetime(parts)
    }
}
