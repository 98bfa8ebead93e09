import Foundation
import KilnModel
import KilnStore
import KilnTemplate

/// Resources with `external_id`: an object that exists outside the stack is taken in as it
/// is (Heat adopts it, then checks it), never created, never deleted with the stack, and its
/// `external_id` may not change, appear or go away in an update (Heat: NotSupported).
/// Measured with heat-oracle: ADOPT_IN_PROGRESS, ADOPT_COMPLETE, then CHECK_COMPLETE with
/// "CHECK not supported for TYPE" for types without a check.
enum ExternalResource {
    /// Where the record keeps the id it was taken in with (so an update can compare).
    static let dataKey = "external_id"

    /// The id a record was taken in with (nil: the stack made it).
    static func id(of record: ResourceRecord?) -> String? {
        record?.data.mapValue?[dataKey]?.stringValue
    }

    /// Whether a type checks that its object exists: cloud types do (they ask the cloud);
    /// Heat's own types, but the test resource, have no check.
    static func checks(_ plugin: any ResourcePlugin) -> Bool {
        let type = type(of: plugin).typeName
        return !type.hasPrefix("OS::Heat::") || type == "OS::Heat::TestResource"
    }

    /// Takes the object in (in the resource's task): its id becomes the physical id, then
    /// the plugin checks it exists.
    static func adopt(
        _ resource: inout LiveResource, id: String, plugin: any ResourcePlugin, context: EngineResourceContext
    ) async throws {
        if plugin is any ChildStackResource {
            throw ResourceFailure.failed("NotSupported: resources.\(resource.name): Stack Adopt is not supported.")
        }
        resource.physicalID = id
        resource.data[dataKey] = .string(id)
        guard checks(plugin) else { return }
        do {
            try await plugin.check(&resource, context)
        } catch {
            throw ExternalCheckFailure(resource: resource, underlying: error)
        }
    }

    /// Heat's refusal of an update that changes, adds or removes `external_id`.
    static func changeRefused(_ name: String, type: String) -> String {
        "Resource UPDATE failed: NotSupported: resources.\(name): Update to property external_id of \(name) (\(type)) is not supported."
    }
}

/// The adopted object failed its check (it does not exist, or is broken).
struct ExternalCheckFailure: Error {
    let resource: LiveResource
    let underlying: Error
}

extension StackRun {
    /// The `external_id` a definition gives, evaluated (nil: none).
    func externalID(of definition: ResourceDefinition) throws -> String? {
        guard let expression = definition.externalID else { return nil }
        let value = try loaded.scope(resources: dependencies(of: definition)).value(of: expression)
        if value == .null { return nil }
        guard let id = value.stringValue else {
            throw EvaluationError("external_id must be a string, found \(value.kindName)", at: expression.location)
        }
        return id
    }

    /// Records a resource taken in: ADOPT_COMPLETE, then its check's events.
    func recordAdopted(_ name: String, type: String, resource: LiveResource, plugin: any ResourcePlugin) {
        live[name] = ResolvedResource(live: resource, plugin: plugin)
        transition(name, type: type, .adopt, .complete, reason: "state changed", live: resource)
        if ExternalResource.checks(plugin) {
            transition(name, type: type, .check, .inProgress, reason: "state changed")
            transition(name, type: type, .check, .complete, reason: "state changed")
        } else {
            transition(name, type: type, .check, .complete, reason: "CHECK not supported for \(type)")
        }
    }

    /// Records a resource that could not be taken in; returns the stack's failure reason.
    func recordAdoptFailure(_ name: String, type: String, error: Error) -> String {
        if let failure = error as? ExternalCheckFailure {
            let reason = Engine.reason(for: failure.underlying)
            transition(name, type: type, .adopt, .complete, reason: "state changed", live: failure.resource)
            transition(name, type: type, .check, .inProgress, reason: "state changed")
            transition(name, type: type, .check, .failed, reason: reason)
            return "Resource CHECK failed: \(reason)"
        }
        let reason = Engine.reason(for: error)
        transition(name, type: type, .adopt, .failed, reason: reason)
        return "Resource ADOPT failed: \(reason)"
    }

    /// The first resource whose `external_id` an update would change, add or remove.
    func externalIDChange(definitions: [ResourceDefinition], previous: [String: ResourceRecord]) -> String? {
        for definition in definitions {
            guard let record = previous[definition.name], record.action != .initial else { continue }
            let new = try? externalID(of: definition)
            if ExternalResource.id(of: record) != new { return ExternalResource.changeRefused(definition.name, type: definition.type) }
        }
        return nil
    }
}

/// An update a resource's `restricted_actions` forbid (Heat's ResourceActionRestricted).
struct RestrictedAction: Error, CustomStringConvertible {
    /// `update` or `replace`.
    let action: String
    var description: String { "\(action) is restricted for resource." }

    /// The restriction `change` runs into, if any.
    static func refusing(_ change: ResourceChange, restricted: [String]) -> RestrictedAction? {
        switch change {
        case .updated where restricted.contains("update"): return RestrictedAction(action: "update")
        case .replaced where restricted.contains("replace"): return RestrictedAction(action: "replace")
        default: return nil
        }
    }
}

extension StackRun {
    /// Heat leaves the resource as it was and notes the refusal in an UPDATE_FAILED event;
    /// returns the stack's failure reason (measured with heat-oracle).
    func noteRestricted(_ name: String, type: String, _ refusal: RestrictedAction) -> String {
        let existing = records[name]
        self.record(EventRecord(
            stackID: stack.id, resourceName: name, physicalResourceID: existing?.physicalID ?? "", resourceType: type,
            action: .update, status: .failed, reason: refusal.description))
        return "Resource UPDATE failed: ResourceActionRestricted: resources.\(name): \(refusal.description)"
    }
}
