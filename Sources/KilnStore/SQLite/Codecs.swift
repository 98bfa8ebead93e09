import Foundation
import GRDB
import KilnModel

/// How record fields become column values and back: dates as seconds since 1970,
/// values, lists and maps as JSON text, enums as their Heat names.
enum Codec {
    static func seconds(_ date: Date) -> Double { date.timeIntervalSince1970 }
    static func seconds(_ date: Date?) -> Double? { date?.timeIntervalSince1970 }
    static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }
    static func date(_ seconds: Double?) -> Date? { seconds.map(Date.init(timeIntervalSince1970:)) }

    static func json(_ value: Value) -> String { value.storageJSON() }
    static func json(_ strings: [String]) -> String { Value.list(strings.map(Value.string)).storageJSON() }
    static func json(_ map: [String: String]) -> String { Value.map(map.mapValues(Value.string)).storageJSON() }
    static func json(_ texts: [NamedText]) -> String {
        Value.list(texts.map { .map(["name": .string($0.name), "text": .string($0.text)]) }).storageJSON()
    }

    static func value(_ text: String, _ what: String) throws -> Value {
        do {
            return try Value.parseJSON(text)
        } catch {
            throw StoreError("stored \(what) is not valid JSON: \(error)")
        }
    }

    static func strings(_ text: String, _ what: String) throws -> [String] {
        guard case .list(let items) = try value(text, what) else { throw malformed(what, "a list") }
        return try items.map { item in
            guard case .string(let s) = item else { throw malformed(what, "a list of strings") }
            return s
        }
    }

    static func stringMap(_ text: String, _ what: String) throws -> [String: String] {
        guard case .map(let map) = try value(text, what) else { throw malformed(what, "a map") }
        return try map.mapValues { item in
            guard case .string(let s) = item else { throw malformed(what, "a map of strings") }
            return s
        }
    }

    static func namedTexts(_ text: String, _ what: String) throws -> [NamedText] {
        guard case .list(let items) = try value(text, what) else { throw malformed(what, "a list") }
        return try items.map { item in
            guard case .map(let map) = item, case .string(let name)? = map["name"], case .string(let text)? = map["text"]
            else { throw malformed(what, "a list of {name, text}") }
            return NamedText(name: name, text: text)
        }
    }

    static func action(_ raw: String) throws -> Action {
        guard let action = Action(rawValue: raw) else { throw StoreError("stored action '\(raw)' is unknown") }
        return action
    }

    static func status(_ raw: String) throws -> Status {
        guard let status = Status(rawValue: raw) else { throw StoreError("stored status '\(raw)' is unknown") }
        return status
    }

    private static func malformed(_ what: String, _ expected: String) -> StoreError {
        StoreError("stored \(what) is not \(expected)")
    }
}

extension Row {
    /// The value at `index`, or a StoreError (not a crash) when the stored value has another type.
    func column<T: DatabaseValueConvertible>(_ index: Int, as type: T.Type = T.self) throws -> T {
        do {
            return try decode(T.self, atIndex: index)
        } catch {
            throw StoreError("stored column \(index) cannot be read as \(T.self): \(error)")
        }
    }
}
