import Foundation
import KilnModel
import KilnTemplate

/// A stack as the server shows it: the record, and Heat's body for what a record lacks
/// (description, parameters with defaults, outputs).
public struct HeatStack: Sendable {
    public var record: StackRecord
    public var body: [String: Value]
}

/// An output of a stack, resolved by the server.
public struct HeatOutput: Sendable, Equatable {
    public var key: String
    public var value: Value
    public var description: String
    public var error: String?
}

/// What a create, preview, update or adopt sends: the template text (Heat parses strings as
/// it does objects, and the server's messages then point at the lines as written), the files
/// map, the environment files and the settings given.
public struct StackSubmission: Sendable {
    public var name: String?
    public var template: String?
    public var files: [String: String]
    public var environmentFiles: [String]?
    public var parameters: [String: String]
    public var clearParameters: [String]
    public var timeoutMinutes: Int?
    public var disableRollback: Bool?
    public var tags: [String]?

    public init(
        name: String? = nil, template: String?, files: TemplateFiles?, parameters: [String: String],
        keepEnvironments: Bool = false, clearParameters: [String] = [], timeoutMinutes: Int? = nil,
        disableRollback: Bool? = nil, tags: [String]? = nil
    ) {
        self.name = name
        self.template = template
        self.files = files?.files ?? [:]
        let environmentFiles = files?.environmentFiles ?? []
        self.environmentFiles = keepEnvironments && environmentFiles.isEmpty ? nil : environmentFiles
        self.parameters = parameters
        self.clearParameters = clearParameters
        self.timeoutMinutes = timeoutMinutes
        self.disableRollback = disableRollback
        self.tags = tags
    }

    var body: [String: Value] {
        var body: [String: Value] = [
            "parameters": .map(parameters.mapValues(Value.string)), "files": .map(files.mapValues(Value.string)),
        ]
        if let name { body["stack_name"] = .string(name) }
        body["template"] = template.map(Value.string) ?? .null
        if let environmentFiles { body["environment_files"] = .list(environmentFiles.map(Value.string)) }
        if !clearParameters.isEmpty { body["clear_parameters"] = .list(clearParameters.map(Value.string)) }
        if let timeoutMinutes { body["timeout_mins"] = .int(timeoutMinutes) }
        if let disableRollback { body["disable_rollback"] = .bool(disableRollback) }
        if let tags { body["tags"] = .string(tags.joined(separator: ",")) }
        return body
    }
}

/// Heat's v1 API, the calls `kiln stack ...` makes. Stacks are looked up by name or id once
/// (Heat redirects to the canonical `/stacks/{name}/{id}`); later calls use that path.
public struct HeatClient: Sendable {
    public let session: HeatSession
    let transport: HTTPTransport

    public init(session: HeatSession, transport: HTTPTransport = HTTPTransport()) {
        self.session = session
        self.transport = transport
    }

    /// Signs in to the cloud (Keystone, or its endpoint directly).
    public static func connect(_ cloud: CloudConfig, transport: HTTPTransport? = nil) async throws(KilnClientError) -> HeatClient {
        let transport = transport ?? HTTPTransport(config: cloud)
        return HeatClient(session: try await Keystone(transport: transport).signIn(cloud), transport: transport)
    }

    // MARK: Stacks

    public func stack(_ nameOrID: String, resolveOutputs: Bool = true) async throws(KilnClientError) -> HeatStack {
        let query = resolveOutputs ? "" : "?resolve_outputs=False"
        let body = try await call("GET", "stacks/\(Self.segment(nameOrID))\(query)")
        let map = body.mapValue?["stack"]?.mapValue ?? [:]
        return HeatStack(record: HeatRecords.stack(.map(map)), body: map)
    }

    public func stacks(tags: [String]?, statuses: [String]?, showDeleted: Bool = false) async throws(KilnClientError)
        -> [StackRecord]
    {
        var query: [String] = []
        if showDeleted { query.append("show_deleted=true") }
        if let tags, !tags.isEmpty { query.append("tags=" + Self.queryValue(tags.joined(separator: ","))) }
        for status in statuses ?? [] { query.append("stack_status=" + Self.queryValue(status)) }
        let body = try await call("GET", "stacks" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
        return (body.mapValue?["stacks"]?.listValue ?? []).map(HeatRecords.stack)
    }

    /// Starts a create (or, with abandon data, an adopt); the stack's id.
    public func create(_ submission: StackSubmission, adopting data: Value? = nil) async throws(KilnClientError) -> String {
        var body = submission.body
        if let data { body["adopt_stack_data"] = .string(data.jsonText()) }
        let answer = try await call("POST", "stacks", body: .map(body))
        guard let id = answer.mapValue?["stack"]?.mapValue?["id"]?.stringValue else {
            throw .transport("the server's create answer holds no stack id")
        }
        return id
    }

    /// `POST /stacks/preview`: the resources a create would make.
    public func previewCreate(_ submission: StackSubmission) async throws(KilnClientError) -> [Value] {
        let answer = try await call("POST", "stacks/preview", body: .map(submission.body))
        return answer.mapValue?["stack"]?.mapValue?["resources"]?.listValue ?? []
    }

    /// PUT (a new template) or PATCH (`existing`: keep what is not given); runs on the server.
    public func update(_ stack: StackRecord, _ submission: StackSubmission, existing: Bool) async throws(KilnClientError) {
        _ = try await call(existing ? "PATCH" : "PUT", Self.path(stack), body: .map(submission.body))
    }

    /// `resource_changes`: resources by what the update would do to them.
    public func previewUpdate(_ stack: StackRecord, _ submission: StackSubmission, existing: Bool) async throws(KilnClientError) -> [String: [Value]] {
        let answer = try await call(existing ? "PATCH" : "PUT", Self.path(stack) + "/preview", body: .map(submission.body))
        return (answer.mapValue?["resource_changes"]?.mapValue ?? [:]).mapValues { $0.listValue ?? [] }
    }

    public func delete(_ stack: StackRecord) async throws(KilnClientError) {
        _ = try await call("DELETE", Self.path(stack))
    }

    /// `suspend`, `resume`, `check`, `cancel_update` or `cancel_without_rollback`.
    public func action(_ stack: StackRecord, _ name: String) async throws(KilnClientError) {
        _ = try await call("POST", Self.path(stack) + "/actions", body: [name: .null])
    }

    public func abandon(_ stack: StackRecord) async throws(KilnClientError) -> Value {
        try await call("DELETE", Self.path(stack) + "/abandon")
    }

    // MARK: Snapshots

    public func snapshot(_ stack: StackRecord, name: String?) async throws(KilnClientError) -> SnapshotRecord {
        let body: Value = name.map { ["name": .string($0)] } ?? .map([:])
        return HeatRecords.snapshot(try await call("POST", Self.path(stack) + "/snapshots", body: body), stackID: stack.id)
    }

    public func snapshots(_ stack: StackRecord) async throws(KilnClientError) -> [SnapshotRecord] {
        let body = try await call("GET", Self.path(stack) + "/snapshots")
        return (body.mapValue?["snapshots"]?.listValue ?? []).map { HeatRecords.snapshot($0, stackID: stack.id) }
    }

    public func restore(_ stack: StackRecord, snapshotID: String) async throws(KilnClientError) {
        _ = try await call("POST", Self.path(stack) + "/snapshots/\(Self.segment(snapshotID))/restore")
    }

    public func deleteSnapshot(_ stack: StackRecord, snapshotID: String) async throws(KilnClientError) {
        _ = try await call("DELETE", Self.path(stack) + "/snapshots/\(Self.segment(snapshotID))")
    }

    // MARK: Resources, events, outputs

    public func resources(_ stack: StackRecord, withDetail: Bool = false) async throws(KilnClientError) -> [ResourceRecord] {
        let body = try await call("GET", Self.path(stack) + "/resources" + (withDetail ? "?with_detail=True" : ""))
        return HeatRecords.resources(body.mapValue?["resources"]?.listValue ?? [], stackID: stack.id)
    }

    public func resource(_ stack: StackRecord, _ name: String) async throws(KilnClientError) -> ResourceRecord {
        let body = try await call("GET", Self.path(stack) + "/resources/\(Self.segment(name))")
        return HeatRecords.resource(body.mapValue?["resource"] ?? .map([:]), stackID: stack.id)
    }

    /// Events in order, after the event `marker` (an id) when given.
    public func events(
        _ stack: StackRecord, nestedDepth: Int = 0, resource: String? = nil, marker: String? = nil
    ) async throws(KilnClientError) -> [EventRecord] {
        var query = ["sort_dir=asc"]
        if let marker { query.append("marker=" + Self.queryValue(marker)) }
        if nestedDepth > 0 { query.append("nested_depth=\(nestedDepth)") }
        if let resource { query.append("resource_name=" + Self.queryValue(resource)) }
        let body = try await call("GET", Self.path(stack) + "/events?" + query.joined(separator: "&"))
        return (body.mapValue?["events"]?.listValue ?? []).map { HeatRecords.event($0, stackID: stack.id) }
    }

    /// The newest event's id, where a wait starts following (nil: none yet).
    public func lastEventID(_ stack: StackRecord) async throws(KilnClientError) -> String? {
        let body = try await call("GET", Self.path(stack) + "/events?limit=1&sort_dir=desc")
        return body.mapValue?["events"]?.listValue?.first?.mapValue?["id"]?.stringValue
    }

    /// Every output with its value, from the stack's detail.
    public func outputs(_ stack: HeatStack) -> [HeatOutput] {
        (stack.body["outputs"]?.listValue ?? []).map(Self.output)
    }

    public func output(_ stack: StackRecord, key: String) async throws(KilnClientError) -> HeatOutput {
        let body = try await call("GET", Self.path(stack) + "/outputs/\(Self.segment(key))")
        return Self.output(body.mapValue?["output"] ?? .map([:]))
    }

    public func signal(_ stack: StackRecord, resource: String, data: Value) async throws(KilnClientError) {
        _ = try await call("POST", Self.path(stack) + "/resources/\(Self.segment(resource))/signal", body: data)
    }

    /// `PATCH .../resources/{name}` with `mark_unhealthy`, as `openstack stack resource mark unhealthy` sends it.
    public func markUnhealthy(_ stack: StackRecord, resource: String, unhealthy: Bool, reason: String?) async throws(KilnClientError) {
        var body: [String: Value] = ["mark_unhealthy": .bool(unhealthy)]
        if let reason { body["resource_status_reason"] = .string(reason) }
        _ = try await call("PATCH", Self.path(stack) + "/resources/\(Self.segment(resource))", body: .map(body))
    }

    static func output(_ body: Value) -> HeatOutput {
        let map = body.mapValue ?? [:]
        return HeatOutput(
            key: HeatRecords.text(map, "output_key"), value: map["output_value"] ?? .null,
            description: HeatRecords.text(map, "description"), error: map["output_error"]?.stringValue)
    }

    // MARK: HTTP

    /// One call under the endpoint; an error status becomes Heat's message.
    func call(_ method: String, _ path: String, body: Value? = nil) async throws(KilnClientError) -> Value {
        var headers = ["X-Auth-Token": session.token, "User-Agent": "kiln"]
        if let region = session.region { headers["X-Region-Name"] = region }
        let answer = try await transport.send(method, session.endpoint + "/" + path, headers: headers, body: body)
        guard answer.status < 400 else { throw Self.failure(answer) }
        return answer.body.isEmpty ? .map([:]) : try answer.json()
    }

    /// `{"error": {"message", "type"}}` (Heat) or `{"error": {"message", "title"}}` (Keystone).
    static func failure(_ answer: HTTPAnswer) -> KilnClientError {
        let error = (try? answer.json())?.mapValue?["error"]?.mapValue ?? [:]
        let type = error["type"]?.stringValue ?? error["title"]?.stringValue ?? "HTTP \(answer.status)"
        let message = error["message"]?.stringValue
            ?? String(decoding: answer.body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return .server(status: answer.status, type: type, message: message)
    }

    static func path(_ stack: StackRecord) -> String { "stacks/\(segment(stack.name))/\(segment(stack.id))" }

    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func queryValue(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
