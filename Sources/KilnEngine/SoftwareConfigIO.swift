import KilnModel
import KilnStore
import KilnTemplate

/// A software config's input and output declarations, checked and filled in as Heat stores
/// them: `type` defaults to String, an input's `replace_on_change` is kept only when true, an
/// output's `error_output` is always kept.
enum SoftwareConfigIO {
    static let types: Set<String> = ["String", "Number", "CommaDelimitedList", "Json", "Boolean"]

    static func inputs(_ value: Value) throws -> [Value] {
        try entries(value).map { entry in
            try reject(unknown: entry, allowed: ["name", "description", "type", "default", "replace_on_change", "value"])
            var out = try common(entry, what: "input")
            if let value = entry["default"], !value.isNull { out["default"] = value }
            if try boolean(entry["replace_on_change"], "replace_on_change") { out["replace_on_change"] = true }
            if let value = entry["value"] { out["value"] = value }
            return .map(out)
        }
    }

    static func outputs(_ value: Value) throws -> [Value] {
        try entries(value).map { entry in
            try reject(unknown: entry, allowed: ["name", "description", "type", "error_output"])
            var out = try common(entry, what: "output")
            out["error_output"] = .bool(try boolean(entry["error_output"], "error_output"))
            return .map(out)
        }
    }

    private static func entries(_ value: Value) throws -> [[String: Value]] {
        if value.isNull { return [] }
        guard let list = value.listValue else { throw EngineError.refused("Software Config I/O Schema must be in a list") }
        return try list.map { item in
            guard let map = item.mapValue else { throw EngineError.refused("Software Config I/O Schema must be a dict") }
            return map
        }
    }

    private static func common(_ entry: [String: Value], what: String) throws -> [String: Value] {
        guard let name = entry["name"]?.stringValue, !name.isEmpty else {
            throw EngineError.refused("Property error: \(what) name is required and must be a string")
        }
        var out: [String: Value] = ["name": .string(name), "type": "String"]
        if let type = entry["type"], !type.isNull {
            guard let text = type.stringValue, types.contains(text) else {
                throw EngineError.refused(
                    "Property error: type of \(what) '\(name)': \"\(type.plainText)\" is not an allowed value "
                        + "[\(types.sorted().joined(separator: ", "))]")
            }
            out["type"] = .string(text)
        }
        if let description = entry["description"], !description.isNull {
            guard description.stringValue != nil else {
                throw EngineError.refused("Property error: description of \(what) '\(name)' must be a string")
            }
            out["description"] = description
        }
        return out
    }

    private static func reject(unknown entry: [String: Value], allowed: Set<String>) throws {
        if let key = entry.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw EngineError.refused("Unknown Property \(key)")
        }
    }

    /// Heat's boolean properties take true/false or their text forms; absent is false.
    private static func boolean(_ value: Value?, _ name: String) throws -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        case .string(let text)? where ["true", "false"].contains(text.lowercased()): return text.lowercased() == "true"
        default: throw EngineError.refused("Property error: \(name): \"\(value?.plainText ?? "")\" is not a valid boolean")
        }
    }
}
