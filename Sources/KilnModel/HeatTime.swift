import Foundation

/// Times as Heat and openstack show them, in UTC, without a (non-Sendable) DateFormatter.
public enum HeatTime {
    /// `2026-11-26 08:00:01Z`, as openstack's event log shows times.
    public static func log(_ date: Date) -> String { format(date, separator: " ") }

    /// `2026-11-26T08:00:01Z`, as Heat's API shows times.
    public static func iso(_ date: Date) -> String { format(date, separator: "T") }

    /// Digits appended by hand: `String(format:)` costs microseconds a call on Linux, and a
    /// list of 1,000 stacks shows 2,000 times.
    private static func format(_ date: Date, separator: String) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(20)
        func digits(_ value: Int32, _ count: Int) {
            var divisor: Int32 = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8((rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4); out.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2); out.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2); out.append(contentsOf: separator.utf8)
        digits(parts.tm_hour, 2); out.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2); out.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2); out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }
}


extension HeatTime {
    public static func iso(_ date: Date?) -> String? { date.map(iso) }
}
