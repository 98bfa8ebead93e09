import Foundation
import KilnModel

/// Converts supplied values to a parameter's type the way Heat's parameter classes do.
enum ParameterCoercion {
    static func coerce(_ raw: Value, to type: ParameterType) -> Result<Value, ParameterError> {
        if raw.isNull { return .success(.null) }
        switch type {
        case .string: return string(raw)
        case .number: return number(raw)
        case .commaDelimitedList: return list(raw)
        case .json: return json(raw)
        case .boolean: return boolean(raw)
        }
    }

    private static func string(_ raw: Value) -> Result<Value, ParameterError> {
        switch raw {
        case .string: return .success(raw)
        case .int, .double, .bool: return .success(.string(raw.plainText))
        default: return .failure(ParameterError("Value must be a string, not \(raw.kindName)"))
        }
    }

    static func number(_ raw: Value) -> Result<Value, ParameterError> {
        switch raw {
        case .int: return .success(raw)
        case .double(let value) where value.isFinite: return .success(raw)
        case .string(let text): return number(from: text)
        default: return .failure(ParameterError("Value '\(raw.plainText)' is not a number"))
        }
    }

    /// Python's `int(text)`, else `float(text)` (finite values only).
    static func number(from text: String) -> Result<Value, ParameterError> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let int = Int(trimmed) { return .success(.int(int)) }
        let isNumeric = trimmed.allSatisfy { "0123456789.eE+-".contains($0) } && trimmed.contains(where: \.isNumber)
        if isNumeric, let double = Double(trimmed), double.isFinite { return .success(.double(double)) }
        return .failure(ParameterError("Value '\(text)' is not a number"))
    }

    private static func list(_ raw: Value) -> Result<Value, ParameterError> {
        switch raw {
        case .list(let items): return .success(.list(items.map { .string($0.plainText) }))
        case .string(let text):
            // Heat splits on ',' and keeps the pieces as they are.
            if text.isEmpty { return .success(.list([])) }
            return .success(.list(text.split(separator: ",", omittingEmptySubsequences: false).map { .string(String($0)) }))
        case .int, .double, .bool: return list(.string(raw.plainText))
        default: return .failure(ParameterError("Value must be a comma-delimited list string, not \(raw.kindName)"))
        }
    }

    private static func json(_ raw: Value) -> Result<Value, ParameterError> {
        guard case .string(let text) = raw else { return .success(raw) }
        if text.isEmpty { return .success(.map([:])) }
        do {
            return .success(try Value.parseJSON(text))
        } catch {
            return .failure(ParameterError("Value must be valid JSON: \(error)"))
        }
    }

    static let trueWords: Set<String> = ["t", "true", "on", "y", "yes", "1"]
    static let falseWords: Set<String> = ["f", "false", "off", "n", "no", "0"]

    /// oslo's strict `bool_from_string`.
    private static func boolean(_ raw: Value) -> Result<Value, ParameterError> {
        if case .bool = raw { return .success(raw) }
        let text = raw.plainText.trimmingCharacters(in: .whitespaces).lowercased()
        if case .list = raw {} else if case .map = raw {} else {
            if trueWords.contains(text) { return .success(.bool(true)) }
            if falseWords.contains(text) { return .success(.bool(false)) }
        }
        return .failure(
            ParameterError(
                "Unrecognized value '\(raw.plainText)', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'"
            ))
    }
}
