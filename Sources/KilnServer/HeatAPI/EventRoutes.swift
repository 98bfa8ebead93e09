import Foundation
import Hummingbird
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// `S/events` and `S/resources/{name}/events[/{id}]`.
extension HeatAPI {
    /// Events after `marker` in `sort_dir` order (newest first unless `sort_dir=asc`, as
    /// Heat's default), filtered, at most `limit`. The marker is placed among all of the
    /// stack's events, so a marker taken from the whole list pages one resource's events too
    /// (measured with heat-oracle). `resource` set: the `S/resources/{name}/events` list, where
    /// nothing found is Heat's 404 whether or not such a resource exists (the stack's own
    /// events are listed under the stack's name).
    func events(_ call: HeatRequest, stack: StackRecord, resource: String? = nil) async throws -> Response {
        let depth = try call.integer("nested_depth") ?? 0
        var all = depth > 0
            ? try await engine.events(of: stack, nestedDepth: depth)
            : try await engine.events(of: stack)
        let descending = call.first("sort_dir")?.lowercased() != "asc"
        if descending { all.reverse() }
        if let marker = call.first("marker") {
            guard let index = all.firstIndex(where: { $0.id == marker }) else {
                throw HeatError.notFound("The Event (\(marker)) could not be found.")
            }
            all = Array(all[(index + 1)...])
        }
        all = all.filter { matches($0, call) && (resource == nil || $0.resourceName == resource) }
        if let limit = try call.integer("limit") { all = Array(all.prefix(limit)) }
        if let resource, all.isEmpty {
            throw HeatError.notFound("No events found for resource \(resource)", type: "HTTPNotFound")
        }
        let stacks = try await stacksByID(root: stack, depth: depth)
        return .json(["events": .list(all.map { eventView(call, $0, stack: stacks[$0.stackID] ?? stack, root: depth > 0 ? stack : nil) })])
    }

    /// `S/resources/{name}/events/{id}`: the event when it belongs to that resource (or, under
    /// the stack's name, to the stack itself), with its type and the resource's properties.
    func event(_ call: HeatRequest, stack: StackRecord, resource: String, id: String) async throws -> Response {
        guard let found = try await engine.events(of: stack, resource: resource).first(where: { $0.id == id }) else {
            throw HeatError.notFound("No event \(id) found", type: "HTTPNotFound")
        }
        var view = eventView(call, found, stack: stack, root: nil).mapValue ?? [:]
        view["resource_type"] = .string(found.resourceType)
        view["resource_properties"] = (try? await engine.resources(of: stack).first { $0.name == resource }?.properties) ?? .map([:])
        return .json(["event": .map(view)])
    }

    private func matches(_ event: EventRecord, _ call: HeatRequest) -> Bool {
        func allows(_ key: String, _ value: String) -> Bool { call.query[key].map { $0.contains(value) } ?? true }
        let statusOK = call.query["resource_status"].map { $0.contains(event.status.rawValue) || $0.contains(event.statusText) } ?? true
        return statusOK && allows("resource_action", event.action.rawValue) && allows("resource_name", event.resourceName)
            && allows("resource_type", event.resourceType)
    }

    private func stacksByID(root: StackRecord, depth: Int) async throws -> [String: StackRecord] {
        var out = [root.id: root]
        guard depth > 0 else { return out }
        for child in try await engine.nestedStacks(of: root) {
            await out.merge(try stacksByID(root: child, depth: depth - 1)) { a, _ in a }
        }
        return out
    }

    /// Heat's event: action and status joined; links to itself, its resource and its stack
    /// (whose href ends with the stack id: the clients' wait loop checks that).
    func eventView(_ call: HeatRequest, _ event: EventRecord, stack: StackRecord, root: StackRecord?) -> Value {
        let stackURL = call.stackURL(stack)
        let name = event.resourceName.split(separator: "/").last.map(String.init) ?? event.resourceName
        var links: [Value] = [
            ["href": .string("\(stackURL)/resources/\(name)/events/\(event.id)"), "rel": "self"],
            ["href": .string("\(stackURL)/resources/\(name)"), "rel": "resource"],
            ["href": .string(stackURL), "rel": "stack"],
        ]
        if let root { links.append(["href": .string(call.stackURL(root)), "rel": "root_stack"]) }
        return [
            "id": .string(event.id), "event_time": .string(HeatTime.iso(event.timestamp)),
            // A nested stack's event names its resource as Heat does (`x`, not `child/x`): the
            // `stack` link says which stack (hook poll and the event log read it from there).
            "resource_name": .string(name), "logical_resource_id": .string(name),
            "physical_resource_id": .string(event.physicalResourceID),
            "resource_status": .string(event.statusText), "resource_status_reason": .string(event.reason),
            "links": .list(links),
        ]
    }
}
