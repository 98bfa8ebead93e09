import Foundation
import Hummingbird
import KilnCloud
import KilnModel

/// Gnocchi's v1 API subset (`/metric/v1/...`) over the cloud's telemetry: archive policies,
/// resource types, resources (list, show, search), metrics, measures and the aggregates API,
/// plus Kiln's `POST /v1/kiln/load` (`{"target": SERVER_OR_GROUP | null, "default": bool,
/// "cpu": PCT, "memory": MB, "clear": bool}`) that sets the emulator's load model.
struct MetricRoutes {
    let call: CloudCall

    func route() async throws -> Response {
        guard let telemetry = call.session.metrics as? any TelemetryService else {
            throw CloudError(.notFound, "The resource could not be found.")
        }
        var path = call.path
        guard path.first == "v1" else { throw CloudError(.notFound, "The resource could not be found.") }
        path.removeFirst()
        switch (call.method, path.first ?? "", path.count) {
        case (.get, "", 0):
            return .json(["version": "1.0", "links": .list(["archive_policy", "archive_policy_rule", "metric", "resource", "resource_type",
                                                            "search", "aggregates", "status"].map { ["rel": .string($0), "href": .string("\(call.base)/v1/\($0)")] })])
        case (.get, "archive_policy", 1):
            return .json(.list(try await telemetry.archivePolicies().map(Self.policyJSON)))
        case (.get, "archive_policy", 2):
            guard let policy = try await telemetry.archivePolicies().first(where: { $0.name == path[1] }) else {
                throw CloudError(.notFound, "Archive policy \(path[1]) does not exist")
            }
            return .json(Self.policyJSON(policy))
        case (.get, "archive_policy_rule", 1):
            return .json([["name": "default", "metric_pattern": "*", "archive_policy_name": "kiln-instance"]])
        case (.get, "resource_type", 1):
            return .json([Self.resourceTypeJSON("generic"), Self.resourceTypeJSON("instance")])
        case (.get, "resource_type", 2):
            guard ["generic", "instance"].contains(path[1]) else { throw CloudError(.notFound, "Resource type \(path[1]) does not exist") }
            return .json(Self.resourceTypeJSON(path[1]))
        case (.get, "resource", 2):
            return .json(.list(try await page(try await telemetry.resources(type: path[1], filter: nil)).map { resourceJSON($0, type: path[1]) }))
        case (.get, "resource", 3):
            guard let resource = try await telemetry.resources(type: path[1], filter: ["=": ["id": .string(path[2])]]).first else {
                throw CloudError(.notFound, "Resource \(path[2]) does not exist")
            }
            return .json(resourceJSON(resource, type: path[1]))
        case (.get, "resource", 4) where path[3] == "metric":
            guard let resource = try await telemetry.resources(type: path[1], filter: ["=": ["id": .string(path[2])]]).first else {
                throw CloudError(.notFound, "Resource \(path[2]) does not exist")
            }
            let all = try await telemetry.metrics().filter { $0.resourceID == resource.id }
            let policies = try await telemetry.archivePolicies()
            return .json(.list(all.map { metric in metricJSON(metric, policy: policies.first { $0.name == metric.archivePolicy }) }))
        case (.get, "resource", 5) where path[3] == "metric":
            guard let resource = try await telemetry.resources(type: path[1], filter: ["=": ["id": .string(path[2])]]).first else {
                throw CloudError(.notFound, "Resource \(path[2]) does not exist")
            }
            guard let id = resource.metrics[path[4]], let metric = try await telemetry.metric(id: id) else {
                throw CloudError(.notFound, "Metric \(path[4]) does not exist")
            }
            return .json(metricJSON(metric, policy: try await policy(metric)))
        case (.get, "resource", 6) where path[3] == "metric" && path[5] == "measures":
            guard let resource = try await telemetry.resources(type: path[1], filter: ["=": ["id": .string(path[2])]]).first,
                  let id = resource.metrics[path[4]] else {
                throw CloudError(.notFound, "Metric \(path[4]) does not exist")
            }
            return try await measures(telemetry, metricID: id)
        case (.post, "search", 3) where path[1] == "resource":
            let body = try await call.body()
            let resources = try await telemetry.resources(type: path[2], filter: body.isEmpty ? nil : .map(body))
            return .json(.list(try await page(resources).map { resourceJSON($0, type: path[2]) }))
        case (.get, "metric", 1):
            let policies = try await telemetry.archivePolicies()
            return .json(.list(try await page(try await telemetry.metrics()).map { metric in
                metricJSON(metric, policy: policies.first { $0.name == metric.archivePolicy })
            }))
        case (.get, "metric", 2):
            guard let metric = try await telemetry.metric(id: path[1]) else { throw CloudError(.notFound, "Metric \(path[1]) does not exist") }
            var json = metricJSON(metric, policy: try await policy(metric)).mapValue ?? [:]
            if let resource = try await telemetry.resources(type: "generic", filter: ["=": ["id": .string(metric.resourceID)]]).first {
                json["resource"] = resourceJSON(resource, type: "generic")
            }
            return .json(.map(json))
        case (.get, "metric", 3) where path[2] == "measures":
            return try await measures(telemetry, metricID: path[1])
        case (.post, "aggregates", 1):
            return try await AggregatesRoute(call: call, telemetry: telemetry).respond()
        case (.post, "kiln", 2) where path[1] == "load":
            return try await setLoad(telemetry)
        case (.post, _, _), (.patch, _, _), (.delete, _, _), (.put, _, _):
            throw CloudError(.badRequest, "The emulated Gnocchi is read-only: measures come from Kiln's load model (POST /v1/kiln/load).",
                             httpStatus: 405)
        default:
            throw CloudError(.notFound, "The resource could not be found.")
        }
    }

    func policy(_ metric: MetricInfo) async throws -> ArchivePolicy? {
        try await (call.session.metrics as? any TelemetryService)?.archivePolicies().first { $0.name == metric.archivePolicy }
    }

    /// `limit`, `marker` and `sort` (`key:asc|desc`), as Gnocchi pages lists.
    func page<T>(_ items: [T]) async throws -> [T] where T: Sendable {
        var items = items
        if let marker = call.first("marker") {
            let ids = items.map { ($0 as? MetricResource)?.id ?? ($0 as? MetricInfo)?.id ?? "" }
            guard let index = ids.firstIndex(of: marker) else { throw CloudError(.badRequest, "Invalid marker: `\(marker)'") }
            items = Array(items[(index + 1)...])
        }
        if let limit = call.first("limit").flatMap(Int.init), limit >= 0 { items = Array(items.prefix(limit)) }
        return items
    }

    func measures(_ telemetry: any TelemetryService, metricID: String) async throws -> Response {
        let aggregation = call.first("aggregation") ?? "mean"
        var granularity: Double?
        if let text = call.first("granularity") {
            guard let value = GnocchiDuration.seconds(text) else { throw CloudError(.badRequest, "Invalid value for granularity: \(text)") }
            granularity = value
        }
        let measures = try await telemetry.measures(
            metricID: metricID, aggregation: aggregation, granularity: granularity, start: try time("start"), stop: try time("stop"))
        return .json(.list(measures.map(Self.point)))
    }

    func time(_ key: String) throws -> Date? {
        guard let text = call.first(key), !text.isEmpty else { return nil }
        guard let date = GnocchiTime.parse(text) else { throw CloudError(.badRequest, "Invalid value for \(key): \(text)") }
        return date
    }

    func setLoad(_ telemetry: any TelemetryService) async throws -> Response {
        let body = try await call.body()
        let target: LoadTarget
        if body["default"] == .bool(true) {
            target = .projectDefault
        } else if let name = body["target"]?.stringValue, !name.isEmpty {
            target = body["group"] == .bool(true) ? .group(name) : .server(name)
        } else {
            throw CloudError(.badRequest, "Invalid input: give 'target' (a server id or name, or a metering.server_group) or 'default': true")
        }
        func number(_ key: String) throws -> Double? {
            guard let value = body[key], value != .null else { return nil }
            guard let number = value.numberValue else { throw CloudError(.badRequest, "Invalid input: '\(key)' must be a number") }
            return number
        }
        let servers = try await telemetry.setLoad(
            LoadSetting(target: target, cpuPercent: try number("cpu"), memoryMB: try number("memory"), clear: body["clear"] == .bool(true)))
        return .json(["servers": .list(servers.map(Value.string))], status: .accepted)
    }

    // MARK: Shapes

    static func point(_ measure: Measure) -> Value {
        [.string(GnocchiTime.text(measure.timestamp)), .double(measure.granularity), .double(measure.value)]
    }

    static func policyJSON(_ policy: ArchivePolicy) -> Value {
        [
            "name": .string(policy.name), "back_window": .int(policy.backWindow),
            "aggregation_methods": .list(policy.aggregationMethods.map(Value.string)),
            "definition": .list(policy.definition.map { level in
                ["granularity": .string(GnocchiDuration.text(level.granularity)), "points": .int(level.points),
                 "timespan": .string(GnocchiDuration.text(level.timespan))]
            }),
        ]
    }

    static func resourceTypeJSON(_ name: String) -> Value {
        func attribute(_ type: String, required: Bool = false) -> Value { ["type": .string(type), "required": .bool(required)] }
        let attributes: [String: Value] = name == "generic" ? [:] : [
            "display_name": attribute("string", required: true), "flavor_id": attribute("string", required: true),
            "flavor_name": attribute("string"), "host": attribute("string", required: true), "image_ref": attribute("string"),
            "server_group": attribute("string"), "launched_at": attribute("datetime"), "created_at": attribute("datetime"),
            "deleted_at": attribute("datetime"),
        ]
        return ["name": .string(name), "state": "active", "attributes": .map(attributes)]
    }

    func resourceJSON(_ resource: MetricResource, type: String) -> Value {
        var json: [String: Value] = [
            "id": .string(resource.id), "type": .string(resource.type), "project_id": .string(resource.projectID),
            "user_id": Value(resource.userID), "original_resource_id": .string(resource.id),
            "started_at": .string(GnocchiTime.text(resource.startedAt)),
            "ended_at": resource.endedAt.map { .string(GnocchiTime.text($0)) } ?? .null,
            "revision_start": .string(GnocchiTime.text(resource.revisionStart)), "revision_end": .null,
            "creator": "kiln", "created_by_user_id": .null, "created_by_project_id": .string(resource.projectID),
            "metrics": .map(resource.metrics.mapValues(Value.string)),
        ]
        if type != "generic" { for (key, value) in resource.attributes { json[key] = value } }
        return .map(json)
    }

    func metricJSON(_ metric: MetricInfo, policy: ArchivePolicy?) -> Value {
        var json: [String: Value] = [
            "id": .string(metric.id), "name": .string(metric.name), "unit": .string(metric.unit), "resource_id": .string(metric.resourceID),
            "creator": "kiln", "created_by_user_id": .null, "created_by_project_id": .string(metric.projectID),
            "archive_policy_name": .string(metric.archivePolicy),
        ]
        // Gnocchi shows the policy itself when it has it, its name otherwise.
        if let policy { json["archive_policy"] = Self.policyJSON(policy); json["archive_policy_name"] = nil }
        return .map(json)
    }
}

/// Durations as Gnocchi reads (`300`, `5min`, `1 hour`, `0:05:00`) and writes them (Python's
/// timedelta: `0:05:00`, `1 day, 0:00:00`, `30 days, 0:00:00`).
enum GnocchiDuration {
    static func text(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        let days = whole / 86400, rest = whole % 86400
        let clock = "\(rest / 3600):" + String(format: "%02d:%02d", (rest % 3600) / 60, rest % 60)
        return days == 0 ? clock : "\(days) day\(days == 1 ? "" : "s"), \(clock)"
    }

    static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let number = Double(trimmed), number > 0 { return number }
        let clock = trimmed.split(separator: ":")
        if clock.count == 3, let h = Double(clock[0]), let m = Double(clock[1]), let s = Double(clock[2]) { return h * 3600 + m * 60 + s }
        let units: [(String, Double)] = [("seconds", 1), ("second", 1), ("sec", 1), ("s", 1), ("minutes", 60), ("minute", 60), ("min", 60),
                                         ("m", 60), ("hours", 3600), ("hour", 3600), ("h", 3600), ("days", 86400), ("day", 86400), ("d", 86400)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            if let number = Double(trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), number > 0 { return number * scale }
        }
        return nil
    }
}
