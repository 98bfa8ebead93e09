import Foundation
import KilnModel
import KilnTemplate

/// Reading resolved property values the way Heat's property kinds convert them, for the
/// native plugins: an engine may hand over a number as text, or a boolean as "true".
enum NativeProperties {
    /// Heat's integer property: `int(value)`; nil when it is not one.
    static func integer(_ value: Value) -> Int? {
        switch value {
        case .int(let int): return int
        case .double(let double) where double == double.rounded() && abs(double) < 1e15: return Int(double)
        case .string(let text): return Int(text.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    /// Heat's number property; nil when it is not one.
    static func number(_ value: Value) -> Double? {
        if case .bool = value { return nil }
        return value.numberValue
    }

    /// Heat's boolean property: a boolean, or the text "true"/"false" in any case.
    static func boolean(_ value: Value) -> Bool? {
        switch value {
        case .bool(let bool): return bool
        case .string(let text):
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// Heat's string property: text, or a boolean/integer written out; nil otherwise.
    static func string(_ value: Value) -> String? {
        switch value {
        case .string(let text): return text
        case .bool, .int: return value.plainText
        default: return nil
        }
    }

    /// A property that must be an integer within bounds, or a failure naming it.
    static func integer(_ name: String, of resource: LiveResource, in range: ClosedRange<Int>) throws -> Int {
        let raw = resource[property: name]
        guard let value = integer(raw) else {
            throw ResourceFailure.failed("Property error: \(name): Value '\(raw.plainText)' is not an integer")
        }
        guard range.contains(value) else {
            throw ResourceFailure.failed(
                "Property error: \(name): \(value) is out of range (min: \(range.lowerBound), max: \(range.upperBound))")
        }
        return value
    }

    /// Heat's `physical_resource_name()`: stack name, resource name and a short random id.
    static func physicalName(for resource: LiveResource) -> String {
        "\(resource.stackName)-\(resource.name)-\(shortID())"
    }

    /// Twelve characters of Heat's lowercase base32 short ids.
    static func shortID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        var generator = SystemRandomNumberGenerator()
        return String((0..<12).map { _ in alphabet.randomElement(using: &generator)! })
    }

    static func uuid() -> String { UUID().uuidString.lowercased() }
}
