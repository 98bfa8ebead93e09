import Foundation
import Hummingbird
import KilnCloud
import KilnModel

/// Aodh's v2 API subset (`/alarming/v2/...`) over the cloud's alarms: list (with Aodh's
/// `q.field`/`q.op`/`q.value` filters), create, show, replace, delete, the state (get, set),
/// the history and the capabilities. Bodies are Aodh's JSON; the token's user becomes the
/// alarm's `user_id`, which `trust+` actions are later signed as.
struct AlarmRoutes {
    let call: CloudCall

    /// The fields `GET /v2/alarms` filters on, as Aodh allows them.
    static let queryFields: Set<String> = [
        "all_projects", "user_id", "project_id", "type", "name", "enabled", "state", "severity", "timestamp", "repeat_actions",
    ]

    func route() async throws -> Response {
        guard let alarms = call.session.alarms else { throw CloudError(.notFound, "The resource could not be found.") }
        var path = call.path
        guard path.first == "v2" else { throw CloudError(.notFound, "The resource could not be found.") }
        path.removeFirst()
        switch (call.method, path.first ?? "", path.count) {
        case (.get, "", 0):
            return .json(AlarmVersions.descriptor(base: call.base))
        case (.get, "capabilities", 1):
            return .json([
                "api": ["alarms:query:simple": true, "alarms:query:complex": true, "alarms:history:query:simple": true,
                        "alarms:history:query:complex": true],
                "alarm_storage": ["storage:production_ready": true],
            ])
        case (.get, "alarms", 1):
            return .json(.list(try filtered(try await alarms.alarms())))
        case (.post, "query", 2) where path[1] == "alarms":
            return .json(.list(try AlarmQuery(try await call.body()).apply(to: try await alarms.alarms())))
        case (.post, "query", 3) where path[1] == "alarms" && path[2] == "history":
            // The project's alarms' histories (a deleted alarm's history goes with it here).
            let query = try AlarmQuery(try await call.body())
            var entries: [Value] = []
            for alarm in try await alarms.alarms() {
                guard let id = alarm.mapValue?["alarm_id"]?.stringValue else { continue }
                entries += try await alarms.alarmHistory(id: id)
            }
            if query.orderby.isEmpty { entries = AlarmQuery.sorted(entries, by: [("timestamp", false)]) }
            return .json(.list(query.apply(to: entries)))
        case (.post, "alarms", 1):
            let request = try alarmRequest(try await call.body())
            let id = try await alarms.createAlarm(request.alarm)
            if let state = request.state, state != "insufficient data" { try await alarms.setAlarmState(id: id, state: state) }
            return .json(try await alarm(alarms, id), status: .created)
        case (.get, "alarms", 2):
            return .json(try await alarm(alarms, path[1]))
        case (.put, "alarms", 2):
            let current = try await alarm(alarms, path[1])
            let request = try alarmRequest(try await call.body())
            var definition = request.alarm
            // The creator stays the owner: trusts were made for that user.
            definition.userID = current.mapValue?["user_id"]?.stringValue ?? call.token.userID
            try await alarms.updateAlarm(id: path[1], definition)
            if let state = request.state, state != current.mapValue?["state"]?.stringValue {
                try await alarms.setAlarmState(id: path[1], state: state)
            }
            return .json(try await alarm(alarms, path[1]))
        case (.delete, "alarms", 2):
            _ = try await alarm(alarms, path[1])
            try await alarms.deleteAlarm(id: path[1])
            return Response(status: .noContent)
        case (.get, "alarms", 3) where path[2] == "state":
            return .json(try await alarm(alarms, path[1]).mapValue?["state"] ?? .null)
        case (.put, "alarms", 3) where path[2] == "state":
            _ = try await alarm(alarms, path[1])
            let body = try await call.request.jsonBody()
            guard let state = body.stringValue, ["ok", "alarm", "insufficient data"].contains(state) else {
                throw CloudError(.badRequest, "Invalid input for field/attribute state. Value: '\(body.stringValue ?? body.jsonText())'. "
                    + "Value should be one of: alarm, insufficient data, ok")
            }
            try await alarms.setAlarmState(id: path[1], state: state)
            return .json(try await alarm(alarms, path[1]).mapValue?["state"] ?? .null)
        case (.get, "alarms", 3) where path[2] == "history":
            _ = try await alarm(alarms, path[1])
            var history = try await alarms.alarmHistory(id: path[1])
            if let limit = call.first("limit").flatMap(Int.init), limit > 0 { history = Array(history.prefix(limit)) }
            return .json(.list(history))
        case (_, "alarms", 1...3):
            throw CloudError(.badRequest, "The method is not allowed for this resource.", httpStatus: 405)
        default:
            throw CloudError(.notFound, "The resource could not be found.")
        }
    }

    /// The alarm as Aodh shows it, or Aodh's 404.
    func alarm(_ alarms: any AlarmService, _ id: String) async throws -> Value {
        guard let alarm = try await alarms.alarm(id: id) else { throw CloudError(.notFound, "Alarm \(id) not found") }
        return alarm
    }

    /// Applies `q.field`/`q.op`/`q.value` (repeated, matched by position) as Aodh does: only
    /// its fields, only `eq`; `limit` keeps the first ones.
    func filtered(_ all: [Value]) throws -> [Value] {
        let fields = call.query["q.field"] ?? [], values = call.query["q.value"] ?? [], ops = call.query["q.op"] ?? []
        let unknown = Set(fields).subtracting(Self.queryFields)
        if !unknown.isEmpty {
            throw CloudError(.badRequest, "Invalid input for field/attribute field. Value: '\(unknown.sorted())'. "
                + "only fields \(Self.queryFields.sorted()) are allowed")
        }
        if let op = ops.first(where: { !$0.isEmpty && $0 != "eq" }) {
            throw CloudError(.badRequest, "Invalid input for field/attribute op. Value: '\(op)'. only operations ['eq'] are allowed")
        }
        var kept = all
        for (index, field) in fields.enumerated() where field != "all_projects" {
            let wanted = index < values.count ? values[index] : ""
            kept = kept.filter { alarm in
                switch alarm.mapValue?[field] ?? .null {
                case .bool(let flag): return ["true", "1", "yes", "on"].contains(wanted.lowercased()) == flag
                case .string(let text): return text == wanted
                case .null: return wanted.isEmpty || wanted == "None"
                case let other: return other.jsonText() == wanted
                }
            }
        }
        // `sort=key:asc|desc` (repeatable), `marker` (an alarm id), `limit`, as Aodh pages.
        var order: [(String, Bool)] = []
        for sort in call.query["sort"] ?? [] {
            let parts = sort.split(separator: ":", maxSplits: 1).map(String.init)
            let direction = parts.count > 1 ? parts[1].lowercased() : "asc"
            guard let field = parts.first, !field.isEmpty, ["asc", "desc"].contains(direction) else {
                throw CloudError(.badRequest, "Invalid sort direction: \(sort)")
            }
            order.append((field, direction == "asc"))
        }
        kept = AlarmQuery.sorted(kept, by: order)
        if let marker = call.first("marker") {
            guard let index = kept.firstIndex(where: { $0.mapValue?["alarm_id"]?.stringValue == marker }) else {
                throw CloudError(.badRequest, "Invalid marker: \(marker)")
            }
            kept = Array(kept[(index + 1)...])
        }
        if let limit = call.first("limit").flatMap(Int.init), limit > 0 { kept = Array(kept.prefix(limit)) }
        return kept
    }

    /// Aodh's alarm JSON as a request, with Aodh's defaults (the rule's too) and its refusals;
    /// `state` apart, since the alarm is made first and its state set after.
    func alarmRequest(_ body: [String: Value]) throws -> (alarm: AlarmRequest, state: String?) {
        func mandatory(_ key: String, in map: [String: Value]) throws -> Value {
            guard let value = map[key], value != .null else {
                throw CloudError(.badRequest, "Invalid input for field/attribute \(key). Value: 'None'. Mandatory field missing.")
            }
            return value
        }
        func text(_ key: String, default fallback: String) throws -> String {
            guard let value = body[key], value != .null else { return fallback }
            guard let text = value.stringValue else {
                throw CloudError(.badRequest, "Invalid input for field/attribute \(key). Value: '\(value.jsonText())'. Wrong type.")
            }
            return text
        }
        func flag(_ key: String, default fallback: Bool) throws -> Bool {
            guard let value = body[key], value != .null else { return fallback }
            switch value {
            case .bool(let flag): return flag
            case .string(let text) where ["true", "false"].contains(text.lowercased()): return text.lowercased() == "true"
            default:
                throw CloudError(.badRequest, "Invalid input for field/attribute \(key). Value: '\(value.jsonText())'. Wrong type.")
            }
        }
        func actions(_ key: String) throws -> [String] {
            guard let value = body[key], value != .null else { return [] }
            guard let list = value.listValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw CloudError(.badRequest, "Invalid input for field/attribute \(key). Value: '\(value.jsonText())'. Wrong type.")
            }
            return list.compactMap(\.stringValue)
        }
        guard let type = try mandatory("type", in: body).stringValue else {
            throw CloudError(.badRequest, "Invalid input for field/attribute type. Value: '\(body["type"]?.jsonText() ?? "")'. Wrong type.")
        }
        let name = try mandatory("name", in: body).stringValue ?? ""
        let ruleKey = AlarmRequest.ruleKey(of: type)
        guard var rule = body[ruleKey]?.mapValue else {
            throw CloudError(.badRequest, "\(ruleKey) must be set for \(type) type alarm")
        }
        for (key, value) in body where key.hasSuffix("_rule") && key != ruleKey && value != .null {
            throw CloudError(.badRequest, "\(ruleKey) and \(key) cannot be set at the same time")
        }
        if type.hasPrefix("gnocchi_") || type == "threshold" {
            var required = ["threshold"]
            switch type {
            case "gnocchi_aggregation_by_resources_threshold": required += ["aggregation_method", "metric", "query", "resource_type"]
            case "gnocchi_resources_threshold": required += ["aggregation_method", "metric", "resource_id", "resource_type"]
            case "gnocchi_aggregation_by_metrics_threshold": required += ["aggregation_method", "metrics"]
            default: required += ["meter_name"]
            }
            for key in required { _ = try mandatory(key, in: rule) }
            let operators = ["lt", "le", "eq", "ne", "ge", "gt"]
            let comparison = rule["comparison_operator"]?.stringValue ?? "eq"
            guard operators.contains(comparison) else {
                throw CloudError(.badRequest, "Invalid input for field/attribute comparison_operator. Value: '\(comparison)'. "
                    + "Value should be one of: \(operators.sorted().joined(separator: ", "))")
            }
            guard rule["threshold"]?.numberValue != nil else {
                throw CloudError(.badRequest, "Invalid input for field/attribute threshold. Value: '\(rule["threshold"]?.jsonText() ?? "")'. Wrong type.")
            }
            rule["threshold"] = .double(rule["threshold"]?.numberValue ?? 0)
            rule["comparison_operator"] = .string(comparison)
            rule["evaluation_periods"] = .int(Int(rule["evaluation_periods"]?.numberValue ?? 1))
            if type.hasPrefix("gnocchi_") { rule["granularity"] = .int(Int(rule["granularity"]?.numberValue ?? 60)) }
            // Aodh keeps a gnocchi query as text.
            if let query = rule["query"], query.stringValue == nil, query != .null { rule["query"] = .string(query.jsonText()) }
        }
        var state: String?
        if let value = body["state"], value != .null {
            guard let text = value.stringValue, ["ok", "alarm", "insufficient data"].contains(text) else {
                throw CloudError(.badRequest, "Invalid input for field/attribute state. Value: '\(value.stringValue ?? value.jsonText())'. "
                    + "Value should be one of: alarm, insufficient data, ok")
            }
            state = text
        }
        // Aodh's default description names the type.
        let description = try text("description", default: "")
        let request = AlarmRequest(
            name: name, type: type, description: description.isEmpty ? "\(type) alarm rule" : description,
            enabled: try flag("enabled", default: true), severity: try text("severity", default: "low"), rule: .map(rule),
            alarmActions: try actions("alarm_actions"), okActions: try actions("ok_actions"),
            insufficientDataActions: try actions("insufficient_data_actions"), repeatActions: try flag("repeat_actions", default: false),
            timeConstraints: body["time_constraints"].flatMap { $0 == .null ? nil : $0 } ?? .list([]), userID: call.token.userID)
        return (request, state)
    }
}

/// Aodh's complex query (`POST /v2/query/alarms`): `filter` a JSON text of `=`, `!=`, `<`,
/// `<=`, `>`, `>=`, `=~` (a regular expression) leaves over the alarm's fields, combined with
/// `and`, `or`, `not`; `orderby` a JSON list of `{"field": "asc"|"desc"}`; `limit`.
struct AlarmQuery {
    var filter: Value?
    var orderby: [(String, Bool)] = []
    var limit: Int?

    init(_ body: [String: Value]) throws {
        func parsed(_ key: String) throws -> Value? {
            guard let value = body[key], value != .null else { return nil }
            guard let text = value.stringValue else { return value }
            do { return try Value.parseJSON(text) } catch {
                throw CloudError(.badRequest, "\(key) could not be parsed: \(text)")
            }
        }
        filter = try parsed("filter")
        if let filter { try Self.check(filter) }
        for item in try parsed("orderby")?.listValue ?? [] {
            guard let (field, direction) = item.mapValue?.first, let text = direction.stringValue,
                  ["asc", "desc"].contains(text.lowercased()) else {
                throw CloudError(.badRequest, "Order-by expression not valid: \(item.jsonText())")
            }
            orderby.append((field, text.lowercased() == "asc"))
        }
        if let value = body["limit"], value != .null {
            guard let number = value.numberValue, number > 0 else { throw CloudError(.badRequest, "Limit must be positive") }
            limit = Int(number)
        }
    }

    static let leafOperators: Set<String> = ["=", "!=", "<", ">", "<=", "=<", ">=", "=>", "=~"]

    static func check(_ expression: Value) throws {
        guard let map = expression.mapValue, map.count == 1, let (op, operand) = map.first else {
            throw CloudError(.badRequest, "Filter expression not valid: \(expression.jsonText())")
        }
        switch op.lowercased() {
        case "and", "or":
            guard let list = operand.listValue, !list.isEmpty else {
                throw CloudError(.badRequest, "Filter expression not valid: \(op) needs a list")
            }
            for item in list { try check(item) }
        case "not": try check(operand)
        case let leaf where leafOperators.contains(leaf):
            guard operand.mapValue?.count == 1 else { throw CloudError(.badRequest, "Filter expression not valid: \(expression.jsonText())") }
        default:
            throw CloudError(.badRequest, "Filter expression not valid: unknown operator \(op)")
        }
    }

    func apply(to alarms: [Value]) -> [Value] {
        var kept = alarms.filter { alarm in filter.map { Self.matches($0, alarm.mapValue ?? [:]) } ?? true }
        kept = Self.sorted(kept, by: orderby)
        if let limit { kept = Array(kept.prefix(limit)) }
        return kept
    }

    /// Sorted by the first key, then the next, ...; ties keep their order.
    static func sorted(_ alarms: [Value], by order: [(String, Bool)]) -> [Value] {
        var kept = alarms
        for (field, ascending) in order.reversed() {
            kept = kept.enumerated().sorted { left, right in
                let a = text(left.element.mapValue?[field]), b = text(right.element.mapValue?[field])
                if a == b { return left.offset < right.offset }
                return ascending ? a < b : a > b
            }.map(\.element)
        }
        return kept
    }

    static func text(_ value: Value?) -> String {
        switch value ?? .null {
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .null: ""
        case let other: other.jsonText()
        }
    }

    static func matches(_ expression: Value, _ alarm: [String: Value]) -> Bool {
        guard let (op, operand) = expression.mapValue?.first else { return false }
        switch op.lowercased() {
        case "and": return (operand.listValue ?? []).allSatisfy { matches($0, alarm) }
        case "or": return (operand.listValue ?? []).contains { matches($0, alarm) }
        case "not": return !matches(operand, alarm)
        default:
            guard let (field, wanted) = operand.mapValue?.first else { return false }
            let actual = alarm[field.lowercased()] ?? .null
            if let a = actual.numberValue, let b = wanted.numberValue, actual.stringValue == nil {
                return compare(op, a, b)
            }
            let a = text(actual), b = text(wanted)
            if op == "=~" { return a.range(of: b, options: .regularExpression) != nil }
            if case .bool = actual { return compare(op, a, b.lowercased()) }
            return compare(op, a, b)
        }
    }

    static func compare<T: Comparable>(_ op: String, _ a: T, _ b: T) -> Bool {
        switch op {
        case "=": a == b
        case "!=": a != b
        case "<": a < b
        case ">": a > b
        case "<=", "=<": a <= b
        default: a >= b
        }
    }
}

/// Aodh's version document (`GET /`).
enum AlarmVersions {
    static func descriptor(base: String) -> Value {
        [
            "id": "v2", "status": "stable", "updated": "2013-02-13T00:00:00Z",
            "links": [["href": .string(base + "/v2"), "rel": "self"],
                      ["href": "https://docs.openstack.org/", "rel": "describedby", "type": "text/html"]],
            "media-types": [["base": "application/json", "type": "application/vnd.openstack.telemetry-v2+json"],
                            ["base": "application/xml", "type": "application/vnd.openstack.telemetry-v2+xml"]],
        ]
    }

    static func document(base: String) -> Value { ["versions": ["values": [descriptor(base: base)]]] }
}
