import Foundation
import Hummingbird
import KilnCloud
import KilnModel

/// Gnocchi's `POST /v1/aggregates`: `operations` (text such as `(aggregate rate:mean (metric
/// cpu mean))` or the same as a JSON list) over the metrics of the resources a `search`
/// matches (or metric ids when there is no search); `granularity`, `start`, `stop`,
/// `needed_overlap` (percent, default 100) and `details` from the query or the body.
struct AggregatesRoute {
    let call: CloudCall
    let telemetry: any TelemetryService

    /// `(metric NAME METHOD)` or `(metric (NAME METHOD) ...)`, optionally inside `(aggregate METHOD ...)`.
    struct Operation {
        var outer: String?
        var metrics: [(name: String, method: String)]
    }

    func respond() async throws -> Response {
        let body = try await call.body()
        guard let operations = body["operations"] else { throw CloudError(.badRequest, "Invalid input: required key not provided @ data['operations']") }
        let operation = try Self.parse(operations)
        func option(_ key: String) -> String? { call.first(key) ?? body[key].flatMap { $0.stringValue ?? $0.numberValue.map { String($0) } } }
        var granularity: Double?
        if let text = option("granularity") {
            guard let value = GnocchiDuration.seconds(text) else { throw CloudError(.badRequest, "Invalid value for granularity: \(text)") }
            granularity = value
        }
        let start = try option("start").map { text in
            guard let date = GnocchiTime.parse(text) else { throw CloudError(.badRequest, "Invalid value for start: \(text)") }
            return date
        }
        let stop = try option("stop").map { text in
            guard let date = GnocchiTime.parse(text) else { throw CloudError(.badRequest, "Invalid value for stop: \(text)") }
            return date
        }
        let neededOverlap = option("needed_overlap").flatMap(Double.init) ?? 100
        let details = ["true", "1", "yes"].contains(option("details")?.lowercased() ?? "")
        var search: Value?
        if let given = body["search"] {
            // A JSON filter, or Gnocchi's search text (`server_group=g1 and ...`).
            if let text = given.stringValue {
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                search = trimmed.hasPrefix("{") ? try Value.parseJSON(trimmed) : try SearchText.parse(trimmed)
            } else {
                search = given
            }
        }
        let resourceType = body["resource_type"]?.stringValue ?? "generic"
        let granularities = try await levels(granularity)

        var measures: [String: Value] = [:]
        var references: [String: Value] = [:]
        var aggregated: [Measure] = []
        for g in granularities {
            var all: [[Measure]] = []
            for (name, method) in operation.metrics {
                let query: AggregateQuery
                if search != nil || body["resource_type"] != nil {
                    query = AggregateQuery(metric: name, aggregation: method, granularity: g, resourceType: resourceType, search: search, start: start, stop: stop)
                } else {
                    guard let metric = try await telemetry.metric(id: name) else { throw CloudError(.notFound, "Metric \(name) does not exist") }
                    query = AggregateQuery(metric: metric.name, aggregation: method, granularity: g, metricIDs: [name], start: start, stop: stop)
                }
                for (resource, metricID, points) in try await telemetry.series(query) {
                    all.append(points)
                    if operation.outer == nil {
                        var entry = measures[search != nil ? resource.id : metricID]?.mapValue ?? [:]
                        let list = Value.list(points.map(MetricRoutes.point))
                        if search != nil {
                            var byMethod = entry[name]?.mapValue ?? [:]
                            byMethod[method] = .list((byMethod[method]?.listValue ?? []) + (list.listValue ?? []))
                            entry[name] = .map(byMethod)
                        } else {
                            entry[method] = .list((entry[method]?.listValue ?? []) + (list.listValue ?? []))
                        }
                        measures[search != nil ? resource.id : metricID] = .map(entry)
                    }
                    references[metricID] = search != nil ? ["id": .string(resource.id), "type": .string(resource.type)] : ["id": .string(metricID)]
                }
            }
            if let outer = operation.outer {
                aggregated += try GnocchiAggregation.across(all, method: outer, granularity: g, neededOverlap: neededOverlap,
                                                            bounded: (start != nil, stop != nil))
            }
        }
        if operation.outer != nil { measures = ["aggregated": .list(aggregated.map(MetricRoutes.point))] }
        if details {
            return .json(["measures": .map(measures), "references": .list(references.keys.sorted().map { references[$0]! })])
        }
        return .json(["measures": .map(measures)])
    }

    /// The granularities to compute: the one asked, else every level of the instance policy, coarsest first.
    func levels(_ asked: Double?) async throws -> [Double] {
        if let asked { return [asked] }
        let policy = try await telemetry.archivePolicies().first { $0.name == "kiln-instance" }
        return (policy?.definition.map(\.granularity) ?? []).sorted(by: >)
    }

    static func parse(_ operations: Value) throws -> Operation {
        let tree: Value
        if let text = operations.stringValue {
            tree = try SExpression.parse(text)
        } else {
            tree = operations
        }
        return try operation(tree)
    }

    static func operation(_ tree: Value) throws -> Operation {
        guard let items = tree.listValue, let head = items.first?.stringValue else {
            throw CloudError(.badRequest, "Invalid operations: expected (metric ...) or (aggregate METHOD (metric ...))")
        }
        switch head {
        case "aggregate":
            guard items.count >= 3, let method = items[1].stringValue else {
                throw CloudError(.badRequest, "Invalid operations: (aggregate METHOD (metric ...)) expected")
            }
            var inner = Operation(outer: method, metrics: [])
            for operand in items.dropFirst(2) { inner.metrics += try operation(operand).metrics }
            return inner
        case "metric":
            if items.count == 3, let name = items[1].stringValue, let method = items[2].stringValue {
                return Operation(outer: nil, metrics: [(name, method)])
            }
            let pairs = try items.dropFirst().map { pair -> (name: String, method: String) in
                guard let list = pair.listValue, list.count == 2, let name = list[0].stringValue, let method = list[1].stringValue else {
                    throw CloudError(.badRequest, "Invalid operations: (metric NAME METHOD) or (metric (NAME METHOD) ...) expected")
                }
                return (name, method)
            }
            guard !pairs.isEmpty else { throw CloudError(.badRequest, "Invalid operations: (metric NAME METHOD) expected") }
            return Operation(outer: nil, metrics: pairs)
        default:
            throw CloudError(.badRequest, "Invalid operations: unsupported operation '\(head)' (metric and aggregate are)")
        }
    }
}

/// Gnocchi's operations text: `(aggregate mean (metric cpu mean))` to nested lists of atoms.
enum SExpression {
    static func parse(_ text: String) throws -> Value {
        var tokens: [String] = []
        var current = ""
        for character in text {
            if character == "(" || character == ")" || character.isWhitespace {
                if !current.isEmpty { tokens.append(current); current = "" }
                if !character.isWhitespace { tokens.append(String(character)) }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        var position = 0
        func node() throws -> Value {
            guard position < tokens.count else { throw CloudError(.badRequest, "Invalid operations: unexpected end of '\(text)'") }
            let token = tokens[position]
            position += 1
            if token == ")" { throw CloudError(.badRequest, "Invalid operations: unexpected ')' in '\(text)'") }
            guard token == "(" else { return .string(token) }
            var items: [Value] = []
            while position < tokens.count, tokens[position] != ")" { items.append(try node()) }
            guard position < tokens.count else { throw CloudError(.badRequest, "Invalid operations: missing ')' in '\(text)'") }
            position += 1
            return .list(items)
        }
        let tree = try node()
        guard position == tokens.count else { throw CloudError(.badRequest, "Invalid operations: extra text after the expression in '\(text)'") }
        return tree
    }
}
