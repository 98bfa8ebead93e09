import Foundation

/// A Cinder volume.
public struct Volume: Codable, Sendable, Equatable {
    public struct Attachment: Codable, Sendable, Equatable {
        public var id: String
        public var serverID: String
        public var device: String
        public var attachedAt: Date
        public init(id: String, serverID: String, device: String, attachedAt: Date) {
            self.id = id
            self.serverID = serverID
            self.device = device
            self.attachedAt = attachedAt
        }
    }

    public var id: String
    public var name: String
    public var projectID: String
    public var description: String
    public var sizeGB: Int
    /// creating, available, reserved, attaching, in-use, detaching, extending, deleting, error, error_deleting.
    public var status: String
    public var pendingStatus: String?
    public var readyAt: Date?
    public var volumeType: String
    public var availabilityZone: String
    public var imageID: String?
    public var snapshotID: String?
    public var sourceVolumeID: String?
    public var bootable: Bool
    public var multiattach: Bool
    public var readOnly: Bool
    public var encrypted: Bool
    public var attachments: [Attachment]
    public var metadata: [String: String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, projectID: String, description: String = "", sizeGB: Int, status: String = "creating",
                volumeType: String = "__DEFAULT__", availabilityZone: String = "nova", imageID: String? = nil, bootable: Bool = false,
                multiattach: Bool = false, metadata: [String: String] = [:], createdAt: Date) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.description = description
        self.sizeGB = sizeGB
        self.status = status
        self.volumeType = volumeType
        self.availabilityZone = availabilityZone
        self.imageID = imageID
        self.bootable = bootable
        self.multiattach = multiattach
        self.readOnly = false
        self.encrypted = false
        self.attachments = []
        self.metadata = metadata
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

public struct VolumeRequest: Sendable {
    public var name: String
    public var description: String
    /// nil: the size of the image, snapshot or source volume.
    public var sizeGB: Int?
    public var volumeType: String?
    public var availabilityZone: String?
    public var imageID: String?
    public var snapshotID: String?
    public var sourceVolumeID: String?
    public var multiattach: Bool
    public var metadata: [String: String]
    public var clientToken: String?
    public init(name: String = "", description: String = "", sizeGB: Int?, volumeType: String? = nil, availabilityZone: String? = nil,
                imageID: String? = nil, snapshotID: String? = nil, sourceVolumeID: String? = nil, multiattach: Bool = false,
                metadata: [String: String] = [:], clientToken: String? = nil) {
        self.name = name
        self.description = description
        self.sizeGB = sizeGB
        self.volumeType = volumeType
        self.availabilityZone = availabilityZone
        self.imageID = imageID
        self.snapshotID = snapshotID
        self.sourceVolumeID = sourceVolumeID
        self.multiattach = multiattach
        self.metadata = metadata
        self.clientToken = clientToken
    }
}

public struct VolumeUpdate: Sendable {
    public var name: String?
    public var description: String?
    public var metadata: [String: String]?
    public var readOnly: Bool?
    /// A larger size: the volume is extended (only while available, as Cinder requires).
    public var sizeGB: Int?
    /// A new type: the volume is retyped.
    public var volumeType: String?
    public init(name: String? = nil, description: String? = nil, metadata: [String: String]? = nil, readOnly: Bool? = nil,
                sizeGB: Int? = nil, volumeType: String? = nil) {
        self.name = name
        self.description = description
        self.metadata = metadata
        self.readOnly = readOnly
        self.sizeGB = sizeGB
        self.volumeType = volumeType
    }
}

/// Octavia's two statuses: provisioning (PENDING_CREATE, ACTIVE, PENDING_UPDATE, PENDING_DELETE,
/// ERROR) and operating (ONLINE, OFFLINE, DEGRADED, ERROR, NO_MONITOR).
public struct LoadBalancerStatus: Codable, Sendable, Equatable {
    public var provisioning: String
    public var operating: String
    public init(provisioning: String, operating: String) {
        self.provisioning = provisioning
        self.operating = operating
    }
}

public struct LoadBalancer: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var projectID: String
    public var description: String
    public var vipSubnetID: String
    public var vipNetworkID: String
    public var vipAddress: String
    public var vipPortID: String
    public var provider: String
    public var flavorID: String?
    public var adminStateUp: Bool
    public var status: LoadBalancerStatus
    public var pendingStatus: LoadBalancerStatus?
    public var readyAt: Date?
    public var listenerIDs: [String]
    public var poolIDs: [String]
    public var tags: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, projectID: String, description: String = "", vipSubnetID: String, vipNetworkID: String,
                vipAddress: String, vipPortID: String, provider: String = "amphora", flavorID: String? = nil, adminStateUp: Bool = true,
                tags: [String] = [], createdAt: Date) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.description = description
        self.vipSubnetID = vipSubnetID
        self.vipNetworkID = vipNetworkID
        self.vipAddress = vipAddress
        self.vipPortID = vipPortID
        self.provider = provider
        self.flavorID = flavorID
        self.adminStateUp = adminStateUp
        self.status = LoadBalancerStatus(provisioning: "PENDING_CREATE", operating: "OFFLINE")
        self.listenerIDs = []
        self.poolIDs = []
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

public struct LoadBalancerRequest: Sendable {
    public var name: String
    public var description: String
    public var vipSubnetID: String
    public var vipAddress: String?
    public var provider: String?
    public var flavorID: String?
    public var adminStateUp: Bool
    public var tags: [String]
    public var clientToken: String?
    public init(name: String = "", description: String = "", vipSubnetID: String, vipAddress: String? = nil, provider: String? = nil,
                flavorID: String? = nil, adminStateUp: Bool = true, tags: [String] = [], clientToken: String? = nil) {
        self.name = name
        self.description = description
        self.vipSubnetID = vipSubnetID
        self.vipAddress = vipAddress
        self.provider = provider
        self.flavorID = flavorID
        self.adminStateUp = adminStateUp
        self.tags = tags
        self.clientToken = clientToken
    }
}

public struct Listener: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var projectID: String
    public var description: String
    public var loadBalancerID: String
    /// TCP, HTTP, HTTPS, TERMINATED_HTTPS, UDP, SCTP, PROMETHEUS.
    public var `protocol`: String
    public var protocolPort: Int
    public var defaultPoolID: String?
    public var connectionLimit: Int
    public var adminStateUp: Bool
    public var status: LoadBalancerStatus
    public var tags: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, projectID: String, description: String = "", loadBalancerID: String, protocol: String,
                protocolPort: Int, defaultPoolID: String? = nil, connectionLimit: Int = -1, adminStateUp: Bool = true,
                tags: [String] = [], createdAt: Date) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.description = description
        self.loadBalancerID = loadBalancerID
        self.protocol = `protocol`
        self.protocolPort = protocolPort
        self.defaultPoolID = defaultPoolID
        self.connectionLimit = connectionLimit
        self.adminStateUp = adminStateUp
        self.status = LoadBalancerStatus(provisioning: "ACTIVE", operating: "ONLINE")
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

public struct ListenerRequest: Sendable {
    public var name: String
    public var description: String
    public var loadBalancerID: String
    public var `protocol`: String
    public var protocolPort: Int
    public var defaultPoolID: String?
    public var connectionLimit: Int
    public var adminStateUp: Bool
    public var tags: [String]
    public var clientToken: String?
    public init(name: String = "", description: String = "", loadBalancerID: String, protocol: String, protocolPort: Int,
                defaultPoolID: String? = nil, connectionLimit: Int = -1, adminStateUp: Bool = true, tags: [String] = [],
                clientToken: String? = nil) {
        self.name = name
        self.description = description
        self.loadBalancerID = loadBalancerID
        self.protocol = `protocol`
        self.protocolPort = protocolPort
        self.defaultPoolID = defaultPoolID
        self.connectionLimit = connectionLimit
        self.adminStateUp = adminStateUp
        self.tags = tags
        self.clientToken = clientToken
    }
}

public struct ListenerUpdate: Sendable {
    public var name: String?
    public var description: String?
    public var defaultPoolID: String??
    public var connectionLimit: Int?
    public var adminStateUp: Bool?
    public var tags: [String]?
    public init(name: String? = nil, description: String? = nil, defaultPoolID: String?? = nil, connectionLimit: Int? = nil,
                adminStateUp: Bool? = nil, tags: [String]? = nil) {
        self.name = name
        self.description = description
        self.defaultPoolID = defaultPoolID
        self.connectionLimit = connectionLimit
        self.adminStateUp = adminStateUp
        self.tags = tags
    }
}

public struct SessionPersistence: Codable, Sendable, Equatable {
    /// SOURCE_IP, HTTP_COOKIE, APP_COOKIE.
    public var type: String
    public var cookieName: String?
    public init(type: String, cookieName: String? = nil) {
        self.type = type
        self.cookieName = cookieName
    }
}

public struct Pool: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var projectID: String
    public var description: String
    public var loadBalancerID: String
    public var listenerIDs: [String]
    public var `protocol`: String
    /// ROUND_ROBIN, LEAST_CONNECTIONS, SOURCE_IP, SOURCE_IP_PORT.
    public var lbAlgorithm: String
    public var sessionPersistence: SessionPersistence?
    public var healthMonitorID: String?
    public var adminStateUp: Bool
    public var status: LoadBalancerStatus
    public var tags: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, projectID: String, description: String = "", loadBalancerID: String, listenerIDs: [String],
                protocol: String, lbAlgorithm: String, sessionPersistence: SessionPersistence? = nil, adminStateUp: Bool = true,
                tags: [String] = [], createdAt: Date) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.description = description
        self.loadBalancerID = loadBalancerID
        self.listenerIDs = listenerIDs
        self.protocol = `protocol`
        self.lbAlgorithm = lbAlgorithm
        self.sessionPersistence = sessionPersistence
        self.adminStateUp = adminStateUp
        self.status = LoadBalancerStatus(provisioning: "ACTIVE", operating: "ONLINE")
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

public struct PoolRequest: Sendable {
    public var name: String
    public var description: String
    /// One of these two names where the pool belongs.
    public var listenerID: String?
    public var loadBalancerID: String?
    public var `protocol`: String
    public var lbAlgorithm: String
    public var sessionPersistence: SessionPersistence?
    public var adminStateUp: Bool
    public var tags: [String]
    public var clientToken: String?
    public init(name: String = "", description: String = "", listenerID: String? = nil, loadBalancerID: String? = nil,
                protocol: String, lbAlgorithm: String, sessionPersistence: SessionPersistence? = nil, adminStateUp: Bool = true,
                tags: [String] = [], clientToken: String? = nil) {
        self.name = name
        self.description = description
        self.listenerID = listenerID
        self.loadBalancerID = loadBalancerID
        self.protocol = `protocol`
        self.lbAlgorithm = lbAlgorithm
        self.sessionPersistence = sessionPersistence
        self.adminStateUp = adminStateUp
        self.tags = tags
        self.clientToken = clientToken
    }
}

public struct PoolUpdate: Sendable {
    public var name: String?
    public var description: String?
    public var lbAlgorithm: String?
    public var sessionPersistence: SessionPersistence??
    public var adminStateUp: Bool?
    public var tags: [String]?
    public init(name: String? = nil, description: String? = nil, lbAlgorithm: String? = nil, sessionPersistence: SessionPersistence?? = nil,
                adminStateUp: Bool? = nil, tags: [String]? = nil) {
        self.name = name
        self.description = description
        self.lbAlgorithm = lbAlgorithm
        self.sessionPersistence = sessionPersistence
        self.adminStateUp = adminStateUp
        self.tags = tags
    }
}

public struct PoolMember: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var projectID: String
    public var poolID: String
    public var address: String
    public var protocolPort: Int
    public var subnetID: String?
    public var weight: Int
    public var backup: Bool
    public var monitorAddress: String?
    public var monitorPort: Int?
    public var adminStateUp: Bool
    public var status: LoadBalancerStatus
    public var tags: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, projectID: String, poolID: String, address: String, protocolPort: Int, subnetID: String? = nil,
                weight: Int = 1, backup: Bool = false, monitorAddress: String? = nil, monitorPort: Int? = nil, adminStateUp: Bool = true,
                tags: [String] = [], createdAt: Date) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.poolID = poolID
        self.address = address
        self.protocolPort = protocolPort
        self.subnetID = subnetID
        self.weight = weight
        self.backup = backup
        self.monitorAddress = monitorAddress
        self.monitorPort = monitorPort
        self.adminStateUp = adminStateUp
        self.status = LoadBalancerStatus(provisioning: "ACTIVE", operating: "NO_MONITOR")
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

public struct PoolMemberRequest: Sendable {
    public var name: String
    public var poolID: String
    public var address: String
    public var protocolPort: Int
    public var subnetID: String?
    public var weight: Int
    public var backup: Bool
    public var monitorAddress: String?
    public var monitorPort: Int?
    public var adminStateUp: Bool
    public var tags: [String]
    public var clientToken: String?
    public init(name: String = "", poolID: String, address: String, protocolPort: Int, subnetID: String? = nil, weight: Int = 1,
                backup: Bool = false, monitorAddress: String? = nil, monitorPort: Int? = nil, adminStateUp: Bool = true,
                tags: [String] = [], clientToken: String? = nil) {
        self.name = name
        self.poolID = poolID
        self.address = address
        self.protocolPort = protocolPort
        self.subnetID = subnetID
        self.weight = weight
        self.backup = backup
        self.monitorAddress = monitorAddress
        self.monitorPort = monitorPort
        self.adminStateUp = adminStateUp
        self.tags = tags
        self.clientToken = clientToken
    }
}

public struct PoolMemberUpdate: Sendable {
    public var name: String?
    public var weight: Int?
    public var backup: Bool?
    public var monitorAddress: String??
    public var monitorPort: Int??
    public var adminStateUp: Bool?
    public var tags: [String]?
    public init(name: String? = nil, weight: Int? = nil, backup: Bool? = nil, monitorAddress: String?? = nil, monitorPort: Int?? = nil,
                adminStateUp: Bool? = nil, tags: [String]? = nil) {
        self.name = name
        self.weight = weight
        self.backup = backup
        self.monitorAddress = monitorAddress
        self.monitorPort = monitorPort
        self.adminStateUp = adminStateUp
        self.tags = tags
    }
}

public struct HealthMonitor: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var projectID: String
    public var poolID: String
    /// HTTP, HTTPS, PING, TCP, TLS-HELLO, UDP-CONNECT, SCTP.
    public var type: String
    public var delay: Int
    public var timeout: Int
    public var maxRetries: Int
    public var maxRetriesDown: Int
    public var httpMethod: String?
    public var urlPath: String?
    public var expectedCodes: String?
    public var adminStateUp: Bool
    public var status: LoadBalancerStatus
    public var tags: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, projectID: String, poolID: String, type: String, delay: Int, timeout: Int, maxRetries: Int,
                maxRetriesDown: Int = 3, httpMethod: String? = nil, urlPath: String? = nil, expectedCodes: String? = nil,
                adminStateUp: Bool = true, tags: [String] = [], createdAt: Date) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.poolID = poolID
        self.type = type
        self.delay = delay
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.maxRetriesDown = maxRetriesDown
        self.httpMethod = httpMethod
        self.urlPath = urlPath
        self.expectedCodes = expectedCodes
        self.adminStateUp = adminStateUp
        self.status = LoadBalancerStatus(provisioning: "ACTIVE", operating: "ONLINE")
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

public struct HealthMonitorRequest: Sendable {
    public var name: String
    public var poolID: String
    public var type: String
    public var delay: Int
    public var timeout: Int
    public var maxRetries: Int
    public var maxRetriesDown: Int
    public var httpMethod: String?
    public var urlPath: String?
    public var expectedCodes: String?
    public var adminStateUp: Bool
    public var tags: [String]
    public var clientToken: String?
    public init(name: String = "", poolID: String, type: String, delay: Int, timeout: Int, maxRetries: Int, maxRetriesDown: Int = 3,
                httpMethod: String? = nil, urlPath: String? = nil, expectedCodes: String? = nil, adminStateUp: Bool = true,
                tags: [String] = [], clientToken: String? = nil) {
        self.name = name
        self.poolID = poolID
        self.type = type
        self.delay = delay
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.maxRetriesDown = maxRetriesDown
        self.httpMethod = httpMethod
        self.urlPath = urlPath
        self.expectedCodes = expectedCodes
        self.adminStateUp = adminStateUp
        self.tags = tags
        self.clientToken = clientToken
    }
}

public struct HealthMonitorUpdate: Sendable {
    public var name: String?
    public var delay: Int?
    public var timeout: Int?
    public var maxRetries: Int?
    public var maxRetriesDown: Int?
    public var httpMethod: String?
    public var urlPath: String?
    public var expectedCodes: String?
    public var adminStateUp: Bool?
    public var tags: [String]?
    public init(name: String? = nil, delay: Int? = nil, timeout: Int? = nil, maxRetries: Int? = nil, maxRetriesDown: Int? = nil,
                httpMethod: String? = nil, urlPath: String? = nil, expectedCodes: String? = nil, adminStateUp: Bool? = nil,
                tags: [String]? = nil) {
        self.name = name
        self.delay = delay
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.maxRetriesDown = maxRetriesDown
        self.httpMethod = httpMethod
        self.urlPath = urlPath
        self.expectedCodes = expectedCodes
        self.adminStateUp = adminStateUp
        self.tags = tags
    }
}

/// A project's limits and what it uses (-1: unlimited), by OpenStack's quota names.
public struct Quotas: Codable, Sendable, Equatable {
    public static let names = ["instances", "cores", "ram", "volumes", "gigabytes", "ports", "floatingips", "loadbalancers",
                               "networks", "subnets", "routers", "security_groups", "key_pairs", "server_groups"]
    public var limits: [String: Int]
    public init(limits: [String: Int]) { self.limits = limits }

    /// OpenStack's defaults, except load balancers (Octavia's default is unlimited).
    public static let defaults = Quotas(limits: [
        "instances": 10, "cores": 20, "ram": 51200, "volumes": 10, "gigabytes": 1000, "ports": 500, "floatingips": 50,
        "loadbalancers": -1, "networks": 100, "subnets": 100, "routers": 10, "security_groups": 10, "key_pairs": 100,
        "server_groups": 10,
    ])
}
