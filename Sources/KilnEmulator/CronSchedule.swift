import Foundation

/// A five-field cron expression (minute hour day-of-month month day-of-week: `*`, numbers,
/// ranges `a-b`, lists `a,b`, steps `*/n`), as Aodh's time constraints name their starts.
struct CronSchedule: Sendable {
    private let fields: [Set<Int>]

    init?(_ text: String) {
        let parts = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard parts.count == 5 else { return nil }
        let ranges = [0...59, 0...23, 1...31, 1...12, 0...7]
        var fields: [Set<Int>] = []
        for (part, range) in zip(parts, ranges) {
            guard let field = Self.field(part, range) else { return nil }
            fields.append(field)
        }
        if fields[4].contains(7) { fields[4].insert(0) }
        self.fields = fields
    }

    private static func field(_ text: String, _ range: ClosedRange<Int>) -> Set<Int>? {
        var values = Set<Int>()
        for item in text.split(separator: ",") {
            let stepParts = item.split(separator: "/", maxSplits: 1)
            let step = stepParts.count == 2 ? Int(stepParts[1]) : 1
            guard let step, step > 0 else { return nil }
            var span = range
            if stepParts[0] != "*" {
                let bounds = stepParts[0].split(separator: "-", maxSplits: 1).map { Int($0) }
                guard let low = bounds.first ?? nil, let high = bounds.count == 2 ? bounds[1] : (stepParts.count == 2 ? range.upperBound : low),
                      range.contains(low), range.contains(high), low <= high else { return nil }
                span = low...high
            }
            values.formUnion(stride(from: span.lowerBound, through: span.upperBound, by: step))
        }
        return values.isEmpty ? nil : values
    }

    func matches(_ date: Date, in calendar: Calendar) -> Bool {
        let c = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: date)
        guard let minute = c.minute, let hour = c.hour, let day = c.day, let month = c.month, let weekday = c.weekday else { return false }
        return fields[0].contains(minute) && fields[1].contains(hour) && fields[2].contains(day) && fields[3].contains(month)
            && fields[4].contains(weekday - 1)
    }

    /// Whether a window opened by this schedule and lasting `duration` seconds covers `now`.
    func covers(_ now: Date, duration: Double, timeZone: TimeZone) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let minute = (now.timeIntervalSince1970 / 60).rounded(.down) * 60
        var start = minute
        let earliest = now.timeIntervalSince1970 - min(duration, 7 * 86400)
        while start >= earliest - 60 {
            if start + duration >= now.timeIntervalSince1970, start <= now.timeIntervalSince1970,
               matches(Date(timeIntervalSince1970: start), in: calendar) { return true }
            start -= 60
        }
        return false
    }
}

/// An alarm's time constraints: evaluated only inside one of their windows (none: always).
enum TimeConstraints {
    static func allow(_ constraints: [(start: String, duration: Double, timeZone: String?)], at now: Date) -> Bool {
        if constraints.isEmpty { return true }
        return constraints.contains { constraint in
            guard let schedule = CronSchedule(constraint.start) else { return false }
            let zone = constraint.timeZone.flatMap { TimeZone(identifier: $0) } ?? TimeZone(identifier: "UTC")!
            return schedule.covers(now, duration: constraint.duration, timeZone: zone)
        }
    }
}
