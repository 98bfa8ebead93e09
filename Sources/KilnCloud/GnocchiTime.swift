import Foundation
import KilnModel

/// Times as Gnocchi writes (`2026-12-05T10:00:00+00:00`) and reads them (ISO 8601 with or
/// without a zone or fraction, or seconds since 1970).
public enum GnocchiTime {
    public static func text(_ date: Date) -> String {
        String(HeatTime.iso(date).dropLast()) + "+00:00"
    }

    public static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed) { return Date(timeIntervalSince1970: seconds) }
        var body = trimmed.replacingOccurrences(of: " ", with: "T")
        var offset: Double = 0
        if body.hasSuffix("Z") {
            body.removeLast()
        } else if body.count > 19, let signIndex = body.lastIndex(where: { $0 == "+" || $0 == "-" }), body.distance(from: body.startIndex, to: signIndex) >= 19 {
            let zone = body[body.index(after: signIndex)...].replacingOccurrences(of: ":", with: "")
            guard zone.count == 4, let hours = Double(zone.prefix(2)), let minutes = Double(zone.suffix(2)) else { return nil }
            offset = (hours * 3600 + minutes * 60) * (body[signIndex] == "+" ? 1 : -1)
            body = String(body[..<signIndex])
        }
        var fraction: Double = 0
        if let dot = body.firstIndex(of: ".") {
            fraction = Double("0" + body[dot...]) ?? 0
            body = String(body[..<dot])
        }
        if body.count == 10 { body += "T00:00:00" }
        if body.count == 16 { body += ":00" }
        let parts = body.split(whereSeparator: { $0 == "-" || $0 == "T" || $0 == ":" }).compactMap { Int($0) }
        guard parts.count == 6, body.count == 19 else { return nil }
        var fields = tm()
        fields.tm_year = Int32(parts[0] - 1900)
        fields.tm_mon = Int32(parts[1] - 1)
        fields.tm_mday = Int32(parts[2])
        fields.tm_hour = Int32(parts[3])
        fields.tm_min = Int32(parts[4])
        fields.tm_sec = Int32(parts[5])
        let seconds = timegm(&fields)
        return Date(timeIntervalSince1970: Double(seconds) + fraction - offset)
    }
}
