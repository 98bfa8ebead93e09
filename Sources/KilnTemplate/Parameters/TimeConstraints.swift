import Foundation

/// ISO 8601 dates and times as the `iso8601` library behind Heat's `parse_isotime` reads them;
/// a time without a zone is UTC.
enum ISO8601Syntax {
    private static let pattern = try? NSRegularExpression(
        pattern: #"^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$"#)

    static func parse(_ text: String) -> Date? {
        guard let pattern else { return nil }
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        guard let match = pattern.firstMatch(in: text, range: range) else { return nil }
        func group(_ index: Int) -> String? {
            guard let r = Range(match.range(at: index), in: text) else { return nil }
            return String(text[r])
        }
        func int(_ index: Int) -> Int? { group(index).flatMap { Int($0) } }
        var parts = DateComponents()
        parts.year = int(1)
        parts.month = int(2) ?? 1
        parts.day = int(3) ?? 1
        parts.hour = int(4) ?? 0
        parts.minute = int(5) ?? 0
        parts.second = int(6) ?? 0
        guard let month = parts.month, (1...12).contains(month), let hour = parts.hour, (0...23).contains(hour),
            let minute = parts.minute, (0...59).contains(minute), let second = parts.second, (0...59).contains(second)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        guard let utc = TimeZone(identifier: "UTC") else { return nil }
        calendar.timeZone = utc
        guard let day = parts.day, let days = calendar.range(of: .day, in: .month, for: calendar.date(from: DateComponents(year: parts.year, month: month)) ?? Date()),
            days.contains(day), var date = calendar.date(from: parts)
        else { return nil }
        if let fraction = group(7), let value = Double("0." + fraction) { date += value }
        if let zone = group(8), zone != "Z" {
            let digits = zone.dropFirst().filter(\.isNumber)
            let hours = Int(digits.prefix(2)) ?? 0, minutes = Int(digits.dropFirst(2)) ?? 0
            guard hours <= 23, minutes <= 59 else { return nil }
            let offset = TimeInterval(hours * 3600 + minutes * 60)
            date -= zone.hasPrefix("-") ? -offset : offset
        }
        return date
    }
}

/// Time zone names as `zoneinfo` finds them: the system tz database, else a built-in list.
enum TimezoneNames {
    static let zoneDirectory = "/usr/share/zoneinfo"

    static func isKnown(_ name: String) -> Bool {
        let safe = !name.hasPrefix("/") && !name.split(separator: "/").contains("..")
            && name.allSatisfy { $0.isLetter || $0.isNumber || "_+-/".contains($0) }
        guard safe else { return false }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: zoneDirectory, isDirectory: &isDirectory), isDirectory.boolValue {
            var entryIsDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: "\(zoneDirectory)/\(name)", isDirectory: &entryIsDirectory)
            return exists && !entryIsDirectory.boolValue
        }
        return builtin.contains(name)
    }

    /// Used only where the system has no tz database.
    static let builtin: Set<String> = [
        "UTC", "GMT", "Etc/UTC", "Etc/GMT", "Universal", "Zulu",
        "Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
        "America/Anchorage", "America/Argentina/Buenos_Aires", "America/Bogota", "America/Chicago",
        "America/Denver", "America/Halifax", "America/Los_Angeles", "America/Mexico_City", "America/New_York",
        "America/Phoenix", "America/Sao_Paulo", "America/Toronto", "America/Vancouver",
        "Asia/Bangkok", "Asia/Dubai", "Asia/Hong_Kong", "Asia/Jakarta", "Asia/Jerusalem", "Asia/Karachi",
        "Asia/Kolkata", "Asia/Manila", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Taipei",
        "Asia/Tehran", "Asia/Tokyo",
        "Atlantic/Reykjavik", "Australia/Adelaide", "Australia/Brisbane", "Australia/Melbourne",
        "Australia/Perth", "Australia/Sydney",
        "Europe/Amsterdam", "Europe/Athens", "Europe/Berlin", "Europe/Brussels", "Europe/Dublin",
        "Europe/Helsinki", "Europe/Istanbul", "Europe/Lisbon", "Europe/London", "Europe/Madrid",
        "Europe/Moscow", "Europe/Oslo", "Europe/Paris", "Europe/Prague", "Europe/Rome", "Europe/Stockholm",
        "Europe/Vienna", "Europe/Warsaw", "Europe/Zurich",
        "Pacific/Auckland", "Pacific/Honolulu",
    ]
}

/// Cron expressions as croniter accepts them: 5 fields, or 6 with seconds last.
enum CronSyntax {
    private struct Field {
        let name: String
        let range: ClosedRange<Int>
        var names: [String] = []
        var extras: Set<String> = []
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    private static let fields: [Field] = [
        Field(name: "minute", range: 0...59),
        Field(name: "hour", range: 0...23),
        Field(name: "day of month", range: 1...31, extras: ["?", "l"]),
        Field(name: "month", range: 1...12, names: months),
        Field(name: "day of week", range: 0...7, names: days, extras: ["?"]),
        Field(name: "second", range: 0...59),
    ]

    static func problem(in expression: String) -> String? {
        let columns = expression.split(whereSeparator: \.isWhitespace)
        guard columns.count == 5 || columns.count == 6 else {
            return "Exactly 5 or 6 columns has to be specified for iterator expression."
        }
        for (column, field) in zip(columns, fields) {
            for item in column.lowercased().split(separator: ",", omittingEmptySubsequences: false) {
                if !valid(Substring(item), field) { return "[\(expression)] is not acceptable (\(field.name) '\(column)')" }
            }
        }
        return nil
    }

    private static func valid(_ item: Substring, _ field: Field) -> Bool {
        if field.extras.contains(String(item)) { return true }
        var body = item
        if let slash = item.firstIndex(of: "/") {
            guard let step = Int(item[item.index(after: slash)...]), step > 0 else { return false }
            body = item[..<slash]
        }
        if body == "*" { return true }
        if field.name == "day of week", let hash = body.firstIndex(of: "#") {
            guard let nth = Int(body[body.index(after: hash)...]), (1...5).contains(nth) else { return false }
            body = body[..<hash]
        }
        let bounds = body.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(bounds.count) else { return false }
        let values = bounds.map { value($0, field) }
        guard values.allSatisfy({ $0 != nil }) else { return false }
        return true
    }

    private static func value(_ text: Substring, _ field: Field) -> Int? {
        if let number = Int(text), field.range.contains(number) { return number }
        if let index = field.names.firstIndex(of: String(text)) { return index + field.range.lowerBound }
        return nil
    }
}
