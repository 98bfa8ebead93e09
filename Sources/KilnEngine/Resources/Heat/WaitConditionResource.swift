import Foundation
import KilnModel
import KilnTemplate

/// `OS::Heat::WaitCondition`: create (and update) wait until its handle has received `count`
/// SUCCESS signals, failing at the first FAILURE signal or after `timeout` seconds.
///
/// The `handle` property is the handle's reference id (`get_resource`), found through the
/// context's `resource(referencedBy:)`, as Heat's `resource_by_refid`. The handle's record is
/// polled every 0.2 s. The `data` attribute, `{id: data}` as JSON text, is taken when the wait
/// succeeds (attributes are read without a context here; Heat reads the handle each time).
public struct WaitConditionResource: ResourcePlugin {
    public static let typeName = "OS::Heat::WaitCondition"

    /// How often the handle is read while waiting.
    static let pollInterval = 0.2

    public static let schema = ResourceTypeSchema(
        type: typeName,
        properties: [
            "handle": PropertySchema(
                .string, required: true,
                description: "A reference to the wait condition handle used to signal this wait condition."),
            "timeout": PropertySchema(
                .number, required: true,
                description: "The number of seconds to wait for the correct number of signals to arrive."),
            "count": PropertySchema(
                .integer, updateAllowed: true, defaultValue: 1,
                description: "The number of success signals that must be received before the stack creation process continues."),
        ],
        attributes: [
            "data": AttributeSchema(
                description: "JSON string containing data associated with wait condition signals sent to the handle.",
                type: "String"),
        ])

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        // As Heat, no physical id: the reference id is the resource's name.
        try await waitForSignals(&resource, context)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        try await waitForSignals(&resource, context)
    }

    /// Heat clears the handle's signals, so a handle reused by a new wait condition starts afresh.
    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let reference = resource[property: "handle"].stringValue,
              var handle = try await context.resource(referencedBy: reference),
              handle.type == WaitConditionHandleResource.typeName else { return }
        WaitConditionHandleResource.record([], in: &handle)
        try await context.save(handle)
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        switch name {
        case "data": return resource.attributes["data"] ?? .string("{}")
        case "show": return .map(["data": resource.attributes["data"] ?? .string("{}")])
        default: return nil
        }
    }

    func waitForSignals(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let reference = resource[property: "handle"].stringValue ?? resource[property: "handle"].plainText
        let count = try NativeProperties.integer("count", of: resource, in: 1...Int.max)
        guard let timeout = NativeProperties.number(resource[property: "timeout"]), (1...43200).contains(timeout) else {
            throw ResourceFailure.failed(
                "Property error: timeout: \(resource[property: "timeout"].plainText) is out of range (min: 1, max: 43200)")
        }
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        while true {
            var handle = try await Self.handle(reference, context)
            if WaitConditionHandleResource.transport(of: handle) == "NO_SIGNAL" {
                // Heat's NO_SIGNAL handle counts as signalled each time it is read.
                try await WaitConditionHandleResource().signal(&handle, data: .map([:]), context)
            }
            let signals = WaitConditionHandleResource.signals(of: handle)
            let failures = signals.filter { $0.status != "SUCCESS" }
            if !failures.isEmpty {
                throw ResourceFailure.failed(failures.map(\.reason.plainText).joined(separator: ";"))
            }
            if signals.count >= count {
                var data: [String: Value] = [:]
                for signal in signals { data[signal.id] = signal.data }
                resource.attributes["data"] = .string(Value.map(data).jsonText())
                return
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                var message = "WaitCondition timed out: \(signals.count) of \(count) received"
                if !signals.isEmpty { message += " - " + signals.map(\.reason.plainText).joined(separator: ";") }
                throw ResourceFailure.failed(message)
            }
            let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
            try await context.sleep(seconds: min(Self.pollInterval, seconds))
        }
    }

    static func handle(_ reference: String, _ context: ResourceContext) async throws -> LiveResource {
        let found = try await context.resource(referencedBy: reference)
        guard let handle = found, handle.type == WaitConditionHandleResource.typeName else {
            throw ResourceFailure.failed("\(found?.name ?? reference) is not a valid wait condition handle.")
        }
        return handle
    }
}
