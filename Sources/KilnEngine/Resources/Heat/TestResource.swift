import Foundation
import KilnModel
import KilnTemplate

/// `OS::Heat::TestResource`: stores a string, and on request waits, fails or demands
/// replacement, so tests can drive the engine through slow, failing and replaced resources.
///
/// As Heat: the wait follows each action (`action_wait_secs.<action>`, else `wait_secs`;
/// negative waits forever, until the operation is cancelled); `fail` then fails create and
/// update (never delete), and a failing create sets no physical id; a changed `value`
/// replaces the resource when `update_replace` is true. `client_name`/`entity_name` (Heat
/// polls a client while waiting), `attr_wait_secs` (attributes here are read without
/// waiting) and `constraint_prop_secs` (a slow validation constraint) are accepted, not acted on.
public struct TestResource: ResourcePlugin {
    public static let typeName = "OS::Heat::TestResource"

    public static let schema = ResourceTypeSchema(
        type: typeName,
        properties: [
            "value": PropertySchema(
                .string, updateAllowed: true, defaultValue: "test_string", description: "The input string to be stored."),
            "update_replace": PropertySchema(
                .boolean, updateAllowed: true, defaultValue: false,
                description: "Value which can be set to trigger update replace for the particular resource."),
            "fail": PropertySchema(
                .boolean, updateAllowed: true, defaultValue: false,
                description: "Value which can be set to fail the resource operation to test failure scenarios."),
            "client_name": PropertySchema(.string, updateAllowed: true, defaultValue: "", description: "Client to poll."),
            "entity_name": PropertySchema(
                .string, updateAllowed: true, defaultValue: "", description: "Client entity to poll."),
            "wait_secs": PropertySchema(
                .number, updateAllowed: true, defaultValue: 0,
                description: "Seconds to wait after an action (-1 is infinite)."),
            "action_wait_secs": PropertySchema(
                .map, updateAllowed: true,
                fields: [
                    "create": PropertySchema(
                        .number, updateAllowed: true,
                        description: "Seconds to wait after a create. Defaults to the global wait_secs."),
                    "update": PropertySchema(
                        .number, updateAllowed: true,
                        description: "Seconds to wait after an update. Defaults to the global wait_secs."),
                    "delete": PropertySchema(
                        .number, updateAllowed: true,
                        description: "Seconds to wait after a delete. Defaults to the global wait_secs."),
                ],
                description: "Options for simulating waiting."),
            "attr_wait_secs": PropertySchema(
                .number, updateAllowed: true, defaultValue: 0,
                description: "Number value for timeout during resolving output value."),
            "constraint_prop_secs": PropertySchema(
                .number, updateAllowed: true, defaultValue: 0,
                description: "Number value for delay during resolve constraint."),
            "update_replace_value": PropertySchema(
                .string, description: "Some value that can be stored but can not be updated."),
        ],
        attributes: [
            "output": AttributeSchema(
                description: "The string that was stored. This value is also available by referencing the resource."),
        ])

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        if !Self.fails(resource) {
            resource.data["value"] = resource[property: "value"]
            resource.physicalID = NativeProperties.physicalName(for: resource)
        }
        try await Self.wait(after: "create", resource, context)
        try Self.failIfAsked(resource)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        let value = resource[property: "value"]
        let valueChanged = value != (previous["value"] ?? .null)
        if valueChanged, NativeProperties.boolean(resource[property: "update_replace"]) == true {
            throw ResourceFailure.replacementNeeded("\(resource.name): update_replace is set and value changed")
        }
        // As Heat: only a new, non-empty value is stored and waited for.
        if valueChanged, !value.isNull, value != .string("") {
            if !Self.fails(resource) { resource.data["value"] = value }
            try await Self.wait(after: "update", resource, context)
        }
        try Self.failIfAsked(resource)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        try await Self.wait(after: "delete", resource, context)
    }

    public func check(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        if resource.physicalID == nil { throw ResourceFailure.failed("Resource not created") }
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        switch name {
        case "output": return resource.data["value"] ?? .null
        case "show": return .map(["output": resource.data["value"] ?? .null])
        default: return nil
        }
    }

    static func fails(_ resource: LiveResource) -> Bool {
        NativeProperties.boolean(resource[property: "fail"]) == true
    }

    static func failIfAsked(_ resource: LiveResource) throws {
        if fails(resource) { throw ResourceFailure.failed("Test Resource failed \(resource.name)") }
    }

    /// Seconds to wait after `action`: its own setting, else `wait_secs`.
    static func waitSeconds(after action: String, _ resource: LiveResource) -> Double {
        if let own = resource[property: "action_wait_secs"].mapValue?[action].flatMap(NativeProperties.number) {
            return own
        }
        return NativeProperties.number(resource[property: "wait_secs"]) ?? 0
    }

    static func wait(after action: String, _ resource: LiveResource, _ context: ResourceContext) async throws {
        let seconds = waitSeconds(after: action, resource)
        if seconds > 0 { try await context.sleep(seconds: seconds) }
        // A negative wait lasts until the operation is cancelled or times out.
        while seconds < 0 { try await context.sleep(seconds: 3600) }
    }
}
