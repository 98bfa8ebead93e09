import Foundation
import KilnModel
import Logging

/// swift-log's lines for a person at a terminal (`kiln serve --log-format text`): time, level,
/// label and message, then the metadata as `key=value`, sorted so lines line up. Values with
/// spaces, quotes or `=` are JSON-quoted, so a line still splits back into its fields.
public struct TextLogHandler: LogHandler {
    let write: @Sendable (String) -> Void
    let label: String
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info

    public init(label: String, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let time = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
        var line = "\(time) \(event.level.rawValue.uppercased()) \(label): \(event.message)"
        let fields = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new })
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(Self.text(value))"
        }
        write(line)
    }

    static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text):
            let plain = !text.isEmpty && !text.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline })
            return plain ? text : Value.string(text).jsonText()
        default:
            return JSONLineLogHandler.value(value).jsonText()
        }
    }
}

/// `kiln serve --log-format`: JSON lines (the default, for log shippers) or text (for people).
public enum LogFormat: String, Sendable, CaseIterable {
    case json, text

    /// A handler of this format writing lines to standard error.
    public func standardErrorHandler(label: String) -> any LogHandler {
        let write: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        switch self {
        case .json: return JSONLineLogHandler(label: label, write: write)
        case .text: return TextLogHandler(label: label, write: write)
        }
    }
}
