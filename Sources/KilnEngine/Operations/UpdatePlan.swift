import Foundation
import KilnModel
import KilnStore
import KilnTemplate

/// What an update does to one resource. The same classification drives `--dry-run`
/// previews and the update itself, so a preview is exactly what will happen.
public enum ResourceChange: Sendable, Equatable {
    case added
    case unchanged
    /// Updated in place: the properties that change, each as (old, new).
    case updated(diff: [PropertyChange])
    /// Replaced by a new physical resource, with why.
    case replaced(reason: String, diff: [PropertyChange])
    case deleted

    public var kind: String {
        switch self {
        case .added: return "added"
        case .unchanged: return "unchanged"
        case .updated: return "updated"
        case .replaced: return "replaced"
        case .deleted: return "deleted"
        }
    }
}

public struct PropertyChange: Sendable, Equatable {
    public var name: String
    public var old: Value
    public var new: Value
    public init(name: String, old: Value, new: Value) {
        self.name = name
        self.old = old
        self.new = new
    }
}

/// One line of an update plan.
public struct PlannedChange: Sendable, Equatable {
    public var name: String
    public var type: String
    public var change: ResourceChange
}

enum UpdateClassifier {
    /// Decides how a resource goes from its record to its new definition and properties
    /// (Heat's rules: failed or never-made resources are replaced, a type change replaces,
    /// a change to any property that does not update in place replaces). `restricted_actions`
    /// are applied to the result by the update (`RestrictedAction`).
    static func classify(
        record: ResourceRecord?, newType: String, newProperties: [String: Value], schema: ResourceTypeSchema
    ) -> ResourceChange {
        guard let record, record.action != .initial, record.physicalID != nil || record.status == .complete else {
            return .added
        }
        let old = record.properties.mapValue ?? [:]
        let diff = Set(old.keys).union(newProperties.keys).sorted().compactMap { name -> PropertyChange? in
            let before = old[name] ?? .null, after = newProperties[name] ?? .null
            return before == after ? nil : PropertyChange(name: name, old: before, new: after)
        }
        if record.type != newType {
            return .replaced(reason: "type changed from \(record.type) to \(newType)", diff: diff)
        }
        if record.status == .failed, diff.isEmpty, record.data.mapValue?[ResourceRecord.replacementFailedKey] == true {
            // Its replacement failed and it is asked for as it is: it stays (a rollback).
            return .updated(diff: diff)
        }
        if record.status == .failed {
            return .replaced(reason: "resource is \(record.statusText)", diff: diff)
        }
        // Left UPDATE_IN_PROGRESS by an engine that died (an update carried on after it): the
        // update is applied again, as what it changes is set, not added; it is replaced only
        // if the change itself calls for it. Left in any other action, it is made anew.
        let interrupted = record.status == .inProgress
        if interrupted && record.action != .update {
            return .replaced(reason: "resource was left \(record.statusText)", diff: diff)
        }
        if diff.isEmpty { return schema.alwaysUpdates || interrupted ? .updated(diff: []) : .unchanged }
        if schema.acceptsAnyProperty { return .updated(diff: diff) }
        let fixed = diff.filter { schema.properties[$0.name]?.updateAllowed != true }
        if !fixed.isEmpty {
            let names = fixed.map { "'\($0.name)'" }.joined(separator: ", ")
            return .replaced(reason: "\(names) changed and cannot be updated in place", diff: diff)
        }
        return .updated(diff: diff)
    }
}
