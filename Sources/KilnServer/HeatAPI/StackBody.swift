import Foundation
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// Reads the JSON bodies of stack create, preview, update and validate into engine requests.
/// The clients send the template as a parsed object; the engine takes text, so it is
/// written back as JSON (a YAML subset the template reader accepts).
struct StackBody {
    let body: [String: Value]

    init(_ value: Value) { body = value.mapValue ?? [:] }

    func createRequest(projectID: String) throws -> StackRequest {
        guard let given = body["stack_name"], given != .null else { throw HeatError.badRequest("No stack name specified") }
        guard let name = given.stringValue, !name.isEmpty else {
            throw HeatError.badRequest("The stack name must be a non-empty string, not \(given.kindName)", type: "StackValidationFailed")
        }
        guard Self.isValidName(name) else {
            throw HeatError.badRequest(
                "Invalid stack name \(name) must contain only alphanumeric or \"_-.\" characters, must start with alpha and must be 255 characters or less.",
                type: "StackValidationFailed")
        }
        guard let template = try templateText() else { throw HeatError.badRequest("No template specified") }
        return StackRequest(
            name: name, templateName: "template", template: template, environments: try environments() ?? [],
            parameters: try parameters(), files: try files(), timeoutMinutes: try timeout(),
            disableRollback: try bool("disable_rollback") ?? true, tags: try tags() ?? [], projectID: projectID)
    }

    /// PUT (`existing` false: a template is required) or PATCH (`existing` true: keep what is not given).
    func updateRequest(existing: Bool) throws -> UpdateRequest {
        let template = try templateText()
        if !existing, template == nil { throw HeatError.badRequest("No template specified") }
        let clear = try strings("clear_parameters") ?? []
        return UpdateRequest(
            templateName: template == nil ? nil : "template", template: template,
            environments: try environments() ?? (existing ? nil : []), parameters: try parameters(),
            clearParameters: clear, existing: existing, files: try files(), timeoutMinutes: try timeout(),
            disableRollback: try bool("disable_rollback"), tags: try tags())
    }

    /// The template as text: an object becomes JSON, a string is taken as it is.
    func templateText() throws -> String? {
        switch body["template"] {
        case nil, .null?:
            if body["template_url"] != nil && body["template_url"] != .null {
                throw HeatError.badRequest("template_url is not supported by Kiln: send the template itself")
            }
            return nil
        case .string(let text)?: return text
        case .map(let map)?: return Value.map(map).jsonText()
        case let other?: throw HeatError.badRequest("The template must be an object, not \(other.kindName)")
        }
    }

    func files() throws -> [String: String] {
        guard let value = body["files"], value != .null else { return [:] }
        guard let map = value.mapValue else { throw HeatError.badRequest("files must be an object") }
        return map.mapValues { $0.stringValue ?? $0.jsonText() }
    }

    /// The merged `environment` object, then each of `environment_files` from the files map in
    /// order (Heat merges those on top), as the engine's environment list. nil: none given.
    func environments() throws -> [NamedText]? {
        var result: [NamedText] = []
        let given = body["environment"].flatMap { $0 == .null ? nil : $0 }
        if let given {
            if let text = given.stringValue {
                result.append(NamedText(name: "environment", text: text))
            } else if given.mapValue != nil {
                result.append(NamedText(name: "environment", text: given.jsonText()))
            } else {
                throw HeatError.badRequest("environment must be an object")
            }
        }
        let names = try strings("environment_files") ?? []
        let files = try files()
        for name in names {
            guard let text = files[name] else {
                throw HeatError.badRequest("Environment file \(name) is not in the files map", type: "StackValidationFailed")
            }
            result.append(NamedText(name: name, text: text))
        }
        return given == nil && names.isEmpty ? nil : result
    }

    /// Parameter values as text: the engine coerces them to each parameter's type.
    func parameters() throws -> [String: String] {
        guard let value = body["parameters"], value != .null else { return [:] }
        guard let map = value.mapValue else { throw HeatError.badRequest("parameters must be an object") }
        return map.mapValues(Self.parameterText)
    }

    static func parameterText(_ value: Value) -> String {
        switch value {
        case .list, .map: return value.jsonText()
        case .null: return ""
        default: return value.plainText
        }
    }

    /// `timeout_mins` as Heat reads it: an integer or a string of one; Kiln needs it positive.
    func timeout() throws -> Int? {
        let key = body["timeout_mins"] != nil ? "timeout_mins" : "timeout"
        guard let value = body[key], value != .null else { return nil }
        let minutes: Int?
        switch value {
        case .int(let number): minutes = number
        case .string(let text): minutes = Int(text.trimmingCharacters(in: .whitespaces))
        default: minutes = nil
        }
        guard let minutes else { throw HeatError.badRequest("Only integer is acceptable by '\(key)'.") }
        guard minutes > 0 else {
            throw HeatError.badRequest("Value '\(minutes)' is invalid for '\(key)' which only accepts a positive integer.")
        }
        return minutes
    }

    /// A list of strings, or nil when absent; anything else is a 400.
    func strings(_ key: String) throws -> [String]? {
        guard let value = body[key], value != .null else { return nil }
        guard let items = value.listValue, items.allSatisfy({ $0.stringValue != nil }) else {
            throw HeatError.badRequest("\(key) must be a list of strings")
        }
        return items.compactMap(\.stringValue)
    }

    func bool(_ key: String) throws -> Bool? {
        switch body[key] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case .string(let text)?:
            switch text.lowercased() {
            case "true", "yes", "1", "on", "t", "y": return true
            case "false", "no", "0", "off", "f", "n": return false
            default: break
            }
        default: break
        }
        throw HeatError.badRequest("Unrecognized value for \(key), acceptable values are: true, false")
    }

    /// `tags` as a comma-joined string (the CLI) or a list; each at most 80 characters, as Heat's.
    func tags() throws -> [String]? {
        let tags: [String]
        switch body["tags"] {
        case nil, .null?: return nil
        case .string(let text)?: tags = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        default: tags = try strings("tags") ?? []
        }
        if let long = tags.first(where: { $0.count > 80 }) {
            throw HeatError.badRequest("Invalid tag, \"\(long)\" is longer than 80 characters")
        }
        return tags
    }

    /// `adopt_stack_data`: the abandon output, as a JSON string (the CLI) or an object.
    func adoptData() throws -> Value? {
        switch body["adopt_stack_data"] {
        case nil, .null?: return nil
        case .string(let text)?:
            do { return try Value.parseJSON(text) } catch { throw HeatError.badRequest("Invalid adopt data: \(error)") }
        case let value?: return value
        }
    }

    /// The body an adopt creates from, as Heat reads it: the template comes from the abandon
    /// data (the CLI sends none), and so do the parameters the request does not set. Kiln's
    /// abandon data keeps the environment and the user's parameters apart; both are used.
    func adopting(_ data: Value) -> StackBody {
        let abandoned = data.mapValue ?? [:]
        var merged = body
        if merged["template"] == nil || merged["template"] == .null, let template = abandoned["template"] {
            merged["template"] = template
        }
        var parameters = abandoned["environment"]?.mapValue?["parameters"]?.mapValue ?? [:]
        parameters.merge(abandoned["parameters"]?.mapValue ?? [:]) { _, user in user }
        parameters.merge(body["parameters"]?.mapValue ?? [:]) { _, given in given }
        merged["parameters"] = .map(parameters)
        let givenEnvironment = body["environment"]?.mapValue ?? [:]
        if givenEnvironment.isEmpty, var environment = abandoned["environment"]?.mapValue {
            environment["parameters"] = nil
            merged["environment"] = .map(environment)
        }
        return StackBody(.map(merged))
    }

    /// Heat's stack name rule: a letter, then letters, digits, `_`, `-` or `.`; at most 255.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.count <= 255, first.properties.isAlphabetic, first.isASCII else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) }
    }
}
