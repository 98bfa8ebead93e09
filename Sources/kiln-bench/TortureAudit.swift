import Foundation
import KilnModel
import KilnStore

/// What `kiln-bench torture` checks after each operation, read straight from the engines'
/// database: no stack or resource left IN_PROGRESS, the emulated cloud holding exactly the
/// objects an uninterrupted run leaves (none made twice, none orphaned, none lost), every
/// cloud resource's object present, and the operation's events neither lost nor duplicated.
struct TortureAudit {
    let store: any Store

    /// Kinds of cloud object a stack makes, directly or as a side effect (a server's port,
    /// an address taken on a subnet).
    static let cloudKinds = [
        "server", "network", "subnet", "port", "router", "floatingip", "securitygroup", "sgrule", "volume",
        "loadbalancer", "listener", "pool", "member", "healthmonitor", "ip",
    ]

    /// The ids of every cloud object, by kind, in one read.
    func cloud() async throws -> [String: [String]] {
        try await store.cloudRead { tables in
            var ids: [String: [String]] = [:]
            for kind in Self.cloudKinds { ids[kind] = try tables.rows(kind: kind, projectID: nil, parentID: nil).map(\.id) }
            return ids
        }
    }

    /// How many objects of each kind the emulated cloud holds.
    func cloudCounts() async throws -> [String: Int] { try await cloud().mapValues(\.count) }

    /// The stack named `name` (the newest, deleted or not) and every stack nested in it.
    func tree(named name: String) async throws -> [StackRecord] {
        let all = try await store.stacks(StackQuery(projectID: nil, showNested: true, showDeleted: true))
        guard let root = all.filter({ $0.name == name && $0.parentID == nil }).max(by: { $0.createdAt < $1.createdAt }) else { return [] }
        var tree = [root], frontier: Set<String> = [root.id]
        while !frontier.isEmpty {
            let children = all.filter { $0.parentID.map(frontier.contains) ?? false }
            tree += children
            frontier = Set(children.map(\.id))
        }
        return tree
    }

    /// The highest event sequence of the named stacks' trees: events after it belong to the
    /// next operation (operations run one at a time, so older trees have older events).
    func lastSequence(of names: [String]) async throws -> Int64 {
        var last: Int64 = 0
        for name in names {
            for stack in try await tree(named: name) {
                for event in try await store.events(stackID: stack.id, resourceName: nil, after: nil, limit: nil) {
                    last = max(last, event.sequence ?? 0)
                }
            }
        }
        return last
    }

    /// Every problem found after `step` ended (empty: all held). `before` are the resources
    /// of the stack's tree when the step started, `expectedCounts` the cloud an
    /// uninterrupted run of the step leaves (nil while calibrating).
    func problems(after step: TortureStep, since sequence: Int64, before: [String: ResourceRecord],
                  expectedCounts: [String: Int]?) async throws -> [String] {
        var problems: [String] = []
        let stacksInProgress = try await store.stacks(StackQuery(projectID: nil, statuses: ["IN_PROGRESS"], showNested: true))
        for stack in stacksInProgress { problems.append("stack \(stack.name) left \(stack.statusText)") }
        let tree = try await tree(named: step.stack)
        let live = tree.filter { !($0.action == .delete && $0.status == .complete) }
        var resources: [String: ResourceRecord] = [:]
        for stack in live {
            for record in try await store.resources(stackID: stack.id) { resources["\(stack.id)/\(record.name)"] = record }
        }
        for (key, record) in resources where record.status == .inProgress { problems.append("resource \(key) left \(record.action.rawValue)_IN_PROGRESS") }
        if let root = tree.first, root.statusText != "\(step.action)_COMPLETE" {
            problems.append("stack \(step.stack) ended \(root.statusText): \(root.statusReason)")
        }
        let cloud = try await cloud()
        if let expectedCounts {
            let counts = cloud.mapValues(\.count)
            for kind in Self.cloudKinds where counts[kind] != expectedCounts[kind] {
                problems.append("cloud holds \(counts[kind] ?? 0) \(kind) objects, an uninterrupted run leaves \(expectedCounts[kind] ?? 0)")
            }
        }
        let ids = Set(cloud.values.joined())
        for (key, record) in resources where Self.isCloud(record.type) {
            guard let id = record.physicalID, !id.isEmpty else { problems.append("resource \(key) has no cloud object"); continue }
            if !ids.contains(id) { problems.append("resource \(key)'s \(record.type) \(id) is not in the cloud") }
        }
        problems += try await eventProblems(step: step, tree: tree, since: sequence, before: before, after: resources)
        return problems
    }

    /// Events of this operation: no terminal event twice for the same object and action,
    /// the stack's own end event exactly once, and every resource's state matching the last
    /// event of its object (a change without its event would be a lost event). A replaced
    /// resource's old object ends with its own DELETE event, so events are matched by object.
    private func eventProblems(step: TortureStep, tree: [StackRecord], since sequence: Int64, before: [String: ResourceRecord],
                               after: [String: ResourceRecord]) async throws -> [String] {
        var problems: [String] = []
        var terminal: [String: Int] = [:]
        var last: [String: EventRecord] = [:]
        for stack in tree {
            for event in try await store.events(stackID: stack.id, resourceName: nil, after: sequence, limit: nil) {
                let key = "\(stack.id)/\(event.resourceName)"
                if event.status == .complete || event.status == .failed {
                    terminal["\(key) \(event.physicalResourceID) \(event.action.rawValue)_\(event.status.rawValue)", default: 0] += 1
                }
                // The stack's own events are not a resource's.
                if event.resourceType == "OS::Heat::Stack" && event.physicalResourceID == stack.id { continue }
                let object = "\(key) \(event.physicalResourceID)"
                if let seen = last[object], (seen.sequence ?? 0) > (event.sequence ?? 0) { continue }
                last[object] = event
            }
        }
        for (key, count) in terminal where count > 1 { problems.append("event \(key) recorded \(count) times") }
        guard let root = tree.first else { return problems }
        let rootEnd = "\(root.id)/\(root.name) \(root.id) \(step.action)_COMPLETE"
        if terminal[rootEnd] != 1 { problems.append("the stack's \(step.action)_COMPLETE event recorded \(terminal[rootEnd] ?? 0) times") }
        for (key, record) in after {
            let state = "\(record.action.rawValue)_\(record.status.rawValue)"
            if let event = last["\(key) \(record.physicalID ?? "")"] {
                let seen = "\(event.action.rawValue)_\(event.status.rawValue)"
                if seen != state { problems.append("resource \(key) is \(state) but its object's last event says \(seen)") }
            } else if let earlier = before[key], earlier.physicalID == record.physicalID,
                      "\(earlier.action.rawValue)_\(earlier.status.rawValue)" == state {
                continue  // untouched by this operation
            } else {
                problems.append("resource \(key) became \(state) without an event")
            }
        }
        if step.kind == .delete {
            for (key, record) in before where after[key] == nil {
                let event = last["\(key) \(record.physicalID ?? "")"]
                if event?.action != .delete || event?.status != .complete {
                    problems.append("resource \(key) (\(record.type)) was deleted without a DELETE_COMPLETE event")
                }
            }
        }
        return problems
    }

    /// The resources of the stack's tree now, keyed as `problems` keys them.
    func resources(of name: String) async throws -> [String: ResourceRecord] {
        var resources: [String: ResourceRecord] = [:]
        for stack in try await tree(named: name) where !(stack.action == .delete && stack.status == .complete) {
            for record in try await store.resources(stackID: stack.id) { resources["\(stack.id)/\(record.name)"] = record }
        }
        return resources
    }

    /// Resource types whose physical id is one cloud object's id.
    static func isCloud(_ type: String) -> Bool { cloudTypes.contains(type) }

    static let cloudTypes: Set<String> = [
        "OS::Neutron::Net", "OS::Neutron::Subnet", "OS::Neutron::Port", "OS::Neutron::Router", "OS::Neutron::FloatingIP",
        "OS::Neutron::SecurityGroup", "OS::Nova::Server", "OS::Cinder::Volume", "OS::Octavia::LoadBalancer",
        "OS::Octavia::Listener", "OS::Octavia::Pool", "OS::Octavia::PoolMember", "OS::Octavia::HealthMonitor",
    ]
}
