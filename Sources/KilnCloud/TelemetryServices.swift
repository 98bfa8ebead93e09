import Foundation
import KilnModel

// The telemetry seam: Gnocchi (metrics) and Aodh (alarms) as the alarm evaluator, the
// OS::Aodh::* types and the scaling path see them. `EmulatedCloud` keeps both in the store;
// `OpenStackCloud` reaches a real cloud's services. Fields follow the services' JSON.

/// One point of a time series: the start of its period, the period, the aggregated value.
public struct Measure: Codable, Sendable, Equatable {
    public var timestamp: Date
    public var granularity: Double
    public var value: Double
    public init(timestamp: Date, granularity: Double, value: Double) {
        self.timestamp = timestamp
        self.granularity = granularity
        self.value = value
    }
}

/// What `POST /v1/aggregates` computes for the alarms: one metric of every resource of a
/// type that a search matches, each series reduced by `aggregation` (Gnocchi's methods:
/// mean, max, min, sum, count, last, rate:mean, rate:max, ...), then the series combined
/// point by point with the same method's reducer (Gnocchi's `(aggregate METHOD (metric
/// NAME METHOD))`).
public struct AggregateQuery: Sendable, Equatable {
    public var metric: String
    public var aggregation: String
    public var granularity: Double
    public var resourceType: String
    /// Gnocchi's JSON search filter (`{"=": {"server_group": "g"}}`, `and`/`or`, ...); nil: all.
    public var search: Value?
    /// Explicit metric ids instead of a resource search (GnocchiAggregationByMetricsAlarm).
    public var metricIDs: [String]?
    public var start: Date?
    public var stop: Date?
    public init(metric: String, aggregation: String, granularity: Double, resourceType: String = "instance", search: Value? = nil,
                metricIDs: [String]? = nil, start: Date? = nil, stop: Date? = nil) {
        self.metric = metric
        self.aggregation = aggregation
        self.granularity = granularity
        self.resourceType = resourceType
        self.search = search
        self.metricIDs = metricIDs
        self.start = start
        self.stop = stop
    }
}

/// Gnocchi, as the alarms need it (the emulator's routes may use more of the emulator).
public protocol MetricService: Sendable {
    /// The aggregated series, oldest first; empty when no resource or measure matches.
    func aggregate(_ query: AggregateQuery) async throws -> [Measure]
    /// One resource's metric (GnocchiResourcesAlarm): `resourceID` of `resourceType`.
    func measures(resourceType: String, resourceID: String, metric: String, aggregation: String, granularity: Double,
                  start: Date?, stop: Date?) async throws -> [Measure]
}

/// An Aodh alarm as Heat's OS::Aodh::* types make it: `rule` is the type's rule object
/// (`gnocchi_aggregation_by_resources_threshold_rule`'s fields, `composite_rule`, ...),
/// kept as the service's JSON.
public struct AlarmRequest: Sendable, Equatable {
    public var name: String
    public var type: String
    public var description: String
    public var enabled: Bool
    public var severity: String
    public var rule: Value
    public var alarmActions: [String]
    public var okActions: [String]
    public var insufficientDataActions: [String]
    public var repeatActions: Bool
    public var timeConstraints: Value
    /// Who made it, for `trust+` actions (the evaluator signs them as this user).
    public var userID: String?
    public var clientToken: String?
    public init(name: String, type: String, description: String = "", enabled: Bool = true, severity: String = "low", rule: Value,
                alarmActions: [String] = [], okActions: [String] = [], insufficientDataActions: [String] = [],
                repeatActions: Bool = false, timeConstraints: Value = .list([]), userID: String? = nil, clientToken: String? = nil) {
        self.name = name
        self.type = type
        self.description = description
        self.enabled = enabled
        self.severity = severity
        self.rule = rule
        self.alarmActions = alarmActions
        self.okActions = okActions
        self.insufficientDataActions = insufficientDataActions
        self.repeatActions = repeatActions
        self.timeConstraints = timeConstraints
        self.userID = userID
        self.clientToken = clientToken
    }
}

/// Aodh, as the OS::Aodh::* types need it.
public protocol AlarmService: Sendable {
    /// The alarm's id.
    func createAlarm(_ request: AlarmRequest) async throws -> String
    /// Replaces the alarm's definition (name, rule, actions, enabled, ...) in place.
    func updateAlarm(id: String, _ request: AlarmRequest) async throws
    /// Gone already is not an error.
    func deleteAlarm(id: String) async throws
    /// The alarm as the service shows it (`state`, `state_reason`, the rule, ...); nil when gone.
    func alarm(id: String) async throws -> Value?
    /// "ok", "alarm" or "insufficient data".
    func setAlarmState(id: String, state: String) async throws
    /// The project's alarms as the service shows them, oldest first.
    func alarms() async throws -> [Value]
    /// The alarm's changes (creation, rule changes, state transitions) as Aodh's history
    /// entries, newest first.
    func alarmHistory(id: String) async throws -> [Value]
}

extension AlarmRequest {
    /// The key of a type's rule in Aodh's JSON (`gnocchi_resources_threshold_rule`,
    /// `composite_rule`, `event_rule`, `threshold_rule`).
    public static func ruleKey(of type: String) -> String {
        type == "composite" ? "composite_rule" : "\(type)_rule"
    }
}
