import Foundation
import KilnModel

// What Gnocchi's REST API shows beyond the alarms' seam (`MetricService`): resources, metrics,
// archive policies, and the emulator's load model. `kiln serve`'s metric routes and `kiln
// cloud metrics` see only this protocol; the emulator implements it.

/// One level of an archive policy: points of `granularity` seconds kept for `timespan`.
public struct ArchiveLevel: Codable, Sendable, Equatable {
    public var granularity: Double
    public var points: Int
    public var timespan: Double { granularity * Double(points) }
    public init(granularity: Double, points: Int) {
        self.granularity = granularity
        self.points = points
    }
}

/// A Gnocchi archive policy: which aggregates a metric keeps, at which granularities, how long.
public struct ArchivePolicy: Codable, Sendable, Equatable {
    public var name: String
    public var backWindow: Int
    public var definition: [ArchiveLevel]
    public var aggregationMethods: [String]
    public init(name: String, backWindow: Int = 0, definition: [ArchiveLevel], aggregationMethods: [String]) {
        self.name = name
        self.backWindow = backWindow
        self.definition = definition
        self.aggregationMethods = aggregationMethods
    }
}

/// A Gnocchi resource (type `instance` for a server): the generic fields, the type's own
/// attributes, and its metrics by name (name -> metric id).
public struct MetricResource: Sendable, Equatable {
    public var id: String
    public var type: String
    public var projectID: String
    public var userID: String?
    public var startedAt: Date
    public var endedAt: Date?
    public var revisionStart: Date
    /// The type's attributes (`display_name`, `flavor_id`, `server_group`, ...).
    public var attributes: [String: Value]
    public var metrics: [String: String]
    public init(id: String, type: String, projectID: String, userID: String?, startedAt: Date, endedAt: Date?, revisionStart: Date,
                attributes: [String: Value], metrics: [String: String]) {
        self.id = id
        self.type = type
        self.projectID = projectID
        self.userID = userID
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.revisionStart = revisionStart
        self.attributes = attributes
        self.metrics = metrics
    }
}

/// A Gnocchi metric: its id, name, unit, resource and archive policy.
public struct MetricInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    public var unit: String
    public var resourceID: String
    public var projectID: String
    public var archivePolicy: String
    public init(id: String, name: String, unit: String, resourceID: String, projectID: String, archivePolicy: String) {
        self.id = id
        self.name = name
        self.unit = unit
        self.resourceID = resourceID
        self.projectID = projectID
        self.archivePolicy = archivePolicy
    }
}

/// Who a load setting applies to: one server (id or name), every server whose
/// `metering.server_group` metadata is the value, or the project's default.
public enum LoadTarget: Sendable, Equatable {
    case server(String)
    case group(String)
    case projectDefault
}

/// What `kiln cloud load set` asks: CPU percent (0-100) and memory MB, either or both; `clear`
/// removes the target's own setting (it falls back to its group's, then the default).
public struct LoadSetting: Sendable, Equatable {
    public var target: LoadTarget
    public var cpuPercent: Double?
    public var memoryMB: Double?
    public var clear: Bool
    public init(target: LoadTarget, cpuPercent: Double? = nil, memoryMB: Double? = nil, clear: Bool = false) {
        self.target = target
        self.cpuPercent = cpuPercent
        self.memoryMB = memoryMB
        self.clear = clear
    }
}

/// Gnocchi's read side and the emulator's load model, as the metric API and the CLI need them.
public protocol TelemetryService: MetricService {
    func archivePolicies() async throws -> [ArchivePolicy]
    /// Resources of a type (`generic`: all) matching Gnocchi's JSON search filter (nil: all).
    func resources(type: String, filter: Value?) async throws -> [MetricResource]
    func metrics() async throws -> [MetricInfo]
    func metric(id: String) async throws -> MetricInfo?
    /// One metric's series; `granularity` nil: every level of its policy, coarsest first.
    func measures(metricID: String, aggregation: String, granularity: Double?, start: Date?, stop: Date?) async throws -> [Measure]
    /// Each matching resource's series of `metric` (ids kept), for the aggregates API.
    func series(_ query: AggregateQuery) async throws -> [(resource: MetricResource, metricID: String, measures: [Measure])]
    /// Records a load change now; returns the ids of the servers it applies to now.
    func setLoad(_ setting: LoadSetting) async throws -> [String]
}
