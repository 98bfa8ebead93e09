import Foundation

/// Times as Heat and openstack show them, in UTC, without a (non-Sendable) DateFormatter.
public enum HeatTime {
    /// `2026-11-26 08:00:01Z`, as openstack's event log shows times.
    public static func log(_ date: Date) -> String { format(date, separator: " ") }

    /// `2026-11-26T08:00:01Z`, as Heat's API shows times.
    public static func iso(_ date: Date) -> String { format(date, separator: "T") }

    private static func format(_ date: Date, separator: String) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02d%@%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), separator, Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}


extension HeatTime {
    public static func iso(_ date: Date?) -> String? { date.map(iso) }
}
