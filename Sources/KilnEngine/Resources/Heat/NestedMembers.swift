import Foundation
import KilnModel
import KilnTemplate

/// What group-like resources (ResourceGroup, ResourceChain, provider templates) keep of
/// their child stack, and how they answer Heat's member attributes from it. Attribute
/// reads are synchronous, so the child's references and attributes are kept in the
/// resource's data after every create or update.
enum NestedMembers {
    /// Keeps the child stack's id (the reference id of a StackResource in Heat), its
    /// outputs as attributes, and each member's reference and attributes.
    static func keep(_ result: NestedStackResult, in resource: inout LiveResource) {
        resource.physicalID = result.stackID
        resource.attributes = result.outputs
        resource.data["references"] = .map(result.references)
        resource.data["member_attributes"] = .map(result.attributes.mapValues(Value.map))
        resource.data[outputErrorsKey] = result.outputErrors.isEmpty ? nil : .map(result.outputErrors.mapValues(Value.string))
    }

    static let outputErrorsKey = "output_errors"

    /// Why the child's output `name` could not be computed, as Heat reports reading it
    /// through the owner ("Error in RESOURCE output NAME: ..."; measured with heat-oracle).
    static func outputError(_ name: String, of resource: LiveResource) -> String? {
        resource.data[outputErrorsKey]?.mapValue?[name]?.stringValue.map { "Error in \(resource.name) output \(name): \($0)" }
    }

    static func references(_ resource: LiveResource) -> [String: Value] {
        resource.data["references"]?.mapValue ?? [:]
    }

    /// One member's attribute, as the child stack had it after the last create/update.
    static func attribute(_ name: String, ofMember member: String, _ resource: LiveResource) -> Value? {
        resource.data["member_attributes"]?.mapValue?[member]?.mapValue?[name]
    }

    /// `resource.N` (member N's reference id) and `resource.N.attr` (its attribute); nil
    /// for other names.
    static func memberAttribute(_ key: String, of resource: LiveResource) -> Value? {
        guard key.hasPrefix("resource.") else { return nil }
        let parts = key.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { return nil }
        if parts.count == 2 { return references(resource)[parts[1]] }
        return attribute(parts[2], ofMember: parts[1], resource) ?? .null
    }

    /// A HOT template text of members (name and `{type, properties, metadata}`), each
    /// depending on the one before when `chained`.
    static func template(named name: String, members: [(name: String, definition: Value)], chained: Bool = false) -> NestedTemplate {
        var resources: [String: Value] = [:]
        var previous: String?
        for member in members {
            var definition = member.definition.mapValue ?? [:]
            for key in ["properties", "metadata"] where definition[key] == .null { definition.removeValue(forKey: key) }
            if chained, let previous { definition["depends_on"] = .list([.string(previous)]) }
            resources[member.name] = .map(definition)
            previous = member.name
        }
        let document: Value = ["heat_template_version": "2015-04-30", "resources": .map(resources)]
        return NestedTemplate(name: name, document: document)
    }

    /// Member names sorted as Heat numbers them ("2" before "10").
    static func sortedNames(_ names: some Sequence<String>) -> [String] {
        names.sorted { a, b in
            switch (Int(a), Int(b)) {
            case let (x?, y?): return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a < b
            }
        }
    }
}
