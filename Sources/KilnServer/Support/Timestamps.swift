import Foundation

enum Timestamps {
    /// `2026-11-26T05:50:18Z`, as Heat shows creation and event times.
    static func heat(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt)) }

    static func heat(_ date: Date?) -> String? { date.map(heat) }
}
