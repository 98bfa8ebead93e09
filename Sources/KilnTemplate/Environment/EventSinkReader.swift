import Foundation
import KilnModel

/// Checks one `event_sinks` entry: Heat's `zaqar-queue` (target, ttl) or Kiln's `webhook`
/// (url, secret, headers, events, format). Every wrong field is reported at its place, so a
/// sink that could never deliver is refused before anything is stored.
enum EventSinkReader {
    static let fields: [EventSink.Kind: Set<String>] = [
        .zaqarQueue: ["type", "target", "ttl"],
        .webhook: ["type", "url", "secret", "headers", "events", "format"],
    ]

    /// Most sinks one list may name: each is a queue of its own per stack, so thousands would
    /// turn every stack into thousands of deliveries.
    static let maximum = 32

    /// A list of sinks, each checked, at most `maximum` of them.
    static func read(_ items: [Node], at list: Node, into diagnostics: inout Diagnostics) -> [Value] {
        guard items.count <= maximum else {
            diagnostics.error(
                list.location, "at most \(maximum) event sinks are allowed, found \(items.count)",
                expected: "\(maximum) sinks or fewer", found: "\(items.count) sinks")
            return []
        }
        return items.compactMap { read($0, into: &diagnostics) }
    }

    static func read(_ item: Node, into diagnostics: inout Diagnostics) -> Value? {
        guard let entries = item.mapping else {
            diagnostics.error(
                item.location, "an event sink must be a mapping", expected: "a mapping with 'type' and 'target' or 'url'",
                found: item.shapeName)
            return nil
        }
        guard let typeNode = item["type"] else {
            diagnostics.error(item.location, "an event sink needs a 'type'", expected: "type: zaqar-queue or type: webhook")
            return nil
        }
        guard let type = typeNode.string, let kind = EventSink.Kind(rawValue: type) else {
            diagnostics.error(
                typeNode.location, "Unknown event sink type", expected: Environment.eventSinkTypes.joined(separator: ", "),
                found: ParameterSyntax.found(typeNode))
            return nil
        }
        let known = fields[kind] ?? []
        var ok = true
        for entry in entries where !known.contains(entry.key) {
            diagnostics.error(
                entry.keyLocation, "unknown field '\(entry.key)' in a \(type) event sink",
                expected: known.sorted().joined(separator: ", "), found: entry.key)
            ok = false
        }
        switch kind {
        case .zaqarQueue:
            ok = queueName(item["target"], sink: item, into: &diagnostics) && ok
            if let ttl = item["ttl"] {
                ok = integer(ttl, "ttl", range: 60...1_209_600, into: &diagnostics) && ok
            }
        case .webhook:
            ok = url(item["url"], sink: item, into: &diagnostics) && ok
            if let secret = item["secret"], secret.string?.isEmpty != false {
                diagnostics.error(secret.location, "a webhook's secret must be a non-empty string", expected: "a string",
                                  found: secret.shapeName)
                ok = false
            }
            if let headers = item["headers"] {
                ok = stringMap(headers, into: &diagnostics) && ok
            }
            if let events = item["events"] {
                ok = stringList(events, "events", into: &diagnostics) && ok
            }
            if let format = item["format"], format.string.flatMap(EventSink.Format.init(rawValue:)) == nil {
                diagnostics.error(
                    format.location, "unknown notification format", expected: "heat or cloudevents",
                    found: ParameterSyntax.found(format))
                ok = false
            }
        }
        return ok ? item.value : nil
    }

    private static func queueName(_ node: Node?, sink: Node, into diagnostics: inout Diagnostics) -> Bool {
        guard let node else {
            diagnostics.error(sink.location, "a zaqar-queue event sink needs a 'target' (the queue name)",
                              expected: "target: QUEUE")
            return false
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        guard let name = node.string, (1...64).contains(name.count), name.allSatisfy(allowed.contains) else {
            diagnostics.error(
                node.location, "a Zaqar queue name is 1 to 64 letters, digits, '_' or '-'", expected: "a queue name",
                found: ParameterSyntax.found(node))
            return false
        }
        return true
    }

    private static func url(_ node: Node?, sink: Node, into diagnostics: inout Diagnostics) -> Bool {
        guard let node else {
            diagnostics.error(sink.location, "a webhook event sink needs a 'url'", expected: "url: https://HOST/PATH")
            return false
        }
        guard let text = node.string, let parsed = URLComponents(string: text),
              ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host?.isEmpty == false else {
            diagnostics.error(
                node.location, "a webhook's url must be an absolute http or https URL", expected: "https://HOST/PATH",
                found: ParameterSyntax.found(node))
            return false
        }
        return true
    }

    private static func integer(_ node: Node, _ name: String, range: ClosedRange<Int>, into diagnostics: inout Diagnostics) -> Bool {
        guard case .int(let value) = node.value, range.contains(value) else {
            diagnostics.error(
                node.location, "\(name) must be a whole number of seconds from \(range.lowerBound) to \(range.upperBound)",
                expected: "an integer", found: ParameterSyntax.found(node))
            return false
        }
        return true
    }

    private static func stringMap(_ node: Node, into diagnostics: inout Diagnostics) -> Bool {
        guard let entries = node.mapping else {
            diagnostics.error(node.location, "headers must be a mapping of names to strings", expected: "a mapping",
                              found: node.shapeName)
            return false
        }
        var ok = true
        for entry in entries where entry.value.scalar == nil || entry.value.scalar == .null {
            diagnostics.error(entry.value.location, "header '\(entry.key)' must be a string", expected: "a string",
                              found: entry.value.shapeName)
            ok = false
        }
        return ok
    }

    private static func stringList(_ node: Node, _ name: String, into diagnostics: inout Diagnostics) -> Bool {
        guard let items = node.sequence else {
            diagnostics.error(node.location, "\(name) must be a list of event type patterns", expected: "a list",
                              found: node.shapeName)
            return false
        }
        var ok = true
        for item in items where item.string?.isEmpty != false {
            diagnostics.error(item.location, "an event type pattern must be a non-empty string",
                              expected: "orchestration.stack.*", found: item.shapeName)
            ok = false
        }
        return ok
    }
}

/// The server-wide sinks an administrator configures (`KILN_HOME/notifications.yaml`):
/// `event_sinks:` with the same entries an environment takes, checked the same way.
public enum ServerSinks {
    public static func read(_ text: String, file: String) throws(ValidationFailure) -> [EventSink] {
        let node = try YAMLReader(limits: .default).read(text, file: file)
        var diagnostics = Diagnostics()
        guard let entries = node.mapping else {
            diagnostics.error(node.location, "the notification configuration must be a mapping with 'event_sinks'",
                              expected: "event_sinks: [...]", found: node.shapeName)
            throw ValidationFailure(diagnostics)
        }
        var sinks: [Value] = []
        for entry in entries {
            guard entry.key == "event_sinks" else {
                diagnostics.error(entry.keyLocation, "unknown section '\(entry.key)'", expected: "event_sinks", found: entry.key)
                continue
            }
            guard let items = entry.value.sequence else {
                diagnostics.error(entry.value.location, "event_sinks must be a list", expected: "a list",
                                  found: entry.value.shapeName)
                continue
            }
            sinks += EventSinkReader.read(items, at: entry.value, into: &diagnostics)
        }
        if diagnostics.hasErrors { throw ValidationFailure(diagnostics) }
        return sinks.compactMap(EventSink.init)
    }
}
