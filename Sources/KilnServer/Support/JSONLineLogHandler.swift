import Foundation
import KilnModel
import Logging

/// swift-log's lines as one JSON object each: `time` (ISO 8601, UTC, milliseconds), `level`,
/// `event` (the message), `label` (the logger's: `kiln.api`, `kiln.engine`, ...), then the
/// metadata, numbers as numbers. The format `kiln serve` logs requests and engine operations
/// in by default (see the README): one object a line is what log shippers read without a parser.
public struct JSONLineLogHandler: LogHandler {
    let write: @Sendable (String) -> Void
    let label: String
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info

    public init(label: String = "", write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.write = write
    }

    /// Lines to standard error.
    public static func standardError(label: String) -> JSONLineLogHandler {
        JSONLineLogHandler(label: label) { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: Value] = [
            "time": .string(Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))),
            "level": .string(event.level.rawValue), "event": .string("\(event.message)"),
        ]
        if !label.isEmpty { fields["label"] = .string(label) }
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new }) {
            fields[key] = Self.value(value)
        }
        write(Value.map(fields).jsonText())
    }

    static func value(_ metadata: Logger.Metadata.Value) -> Value {
        switch metadata {
        case .string(let text): return .string(text)
        case .stringConvertible(let number as Int): return .int(number)
        case .stringConvertible(let number as Double): return .double(number)
        case .stringConvertible(let other): return .string(other.description)
        case .array(let items): return .list(items.map(value))
        case .dictionary(let map): return .map(map.mapValues(value))
        }
    }
}
