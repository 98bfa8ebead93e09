import Foundation

/// A Nova flavor.
public struct Flavor: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var vcpus: Int
    public var ramMB: Int
    public var diskGB: Int
    public var ephemeralGB: Int
    public var swapMB: Int
    public var isPublic: Bool
    public var extraSpecs: [String: String]

    public init(id: String, name: String, vcpus: Int, ramMB: Int, diskGB: Int, ephemeralGB: Int = 0, swapMB: Int = 0,
                isPublic: Bool = true, extraSpecs: [String: String] = [:]) {
        self.id = id
        self.name = name
        self.vcpus = vcpus
        self.ramMB = ramMB
        self.diskGB = diskGB
        self.ephemeralGB = ephemeralGB
        self.swapMB = swapMB
        self.isPublic = isPublic
        self.extraSpecs = extraSpecs
    }
}

/// A Glance image.
public struct Image: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// `queued`, `active`, `deactivated`...
    public var status: String
    public var diskFormat: String
    public var containerFormat: String
    public var minDiskGB: Int
    public var minRamMB: Int
    public var sizeBytes: Int
    public var visibility: String
    public var ownerProjectID: String?
    public var properties: [String: String]
    public var tags: [String]
    public var createdAt: Date

    public init(id: String, name: String, status: String = "active", diskFormat: String = "qcow2", containerFormat: String = "bare",
                minDiskGB: Int = 0, minRamMB: Int = 0, sizeBytes: Int = 0, visibility: String = "public",
                ownerProjectID: String? = nil, properties: [String: String] = [:], tags: [String] = [], createdAt: Date) {
        self.id = id
        self.name = name
        self.status = status
        self.diskFormat = diskFormat
        self.containerFormat = containerFormat
        self.minDiskGB = minDiskGB
        self.minRamMB = minRamMB
        self.sizeBytes = sizeBytes
        self.visibility = visibility
        self.ownerProjectID = ownerProjectID
        self.properties = properties
        self.tags = tags
        self.createdAt = createdAt
    }
}

/// What an image is made from (OS::Glance::WebImage).
public struct ImageRequest: Sendable {
    public var name: String?
    public var id: String?
    public var diskFormat: String
    public var containerFormat: String
    public var location: String
    public var minDiskGB: Int
    public var minRamMB: Int
    public var visibility: String
    public var properties: [String: String]
    public var tags: [String]
    public init(name: String?, id: String? = nil, diskFormat: String, containerFormat: String, location: String,
                minDiskGB: Int = 0, minRamMB: Int = 0, visibility: String = "private", properties: [String: String] = [:],
                tags: [String] = []) {
        self.name = name
        self.id = id
        self.diskFormat = diskFormat
        self.containerFormat = containerFormat
        self.location = location
        self.minDiskGB = minDiskGB
        self.minRamMB = minRamMB
        self.visibility = visibility
        self.properties = properties
        self.tags = tags
    }
}

/// A Nova key pair (named per project; the name is its id).
public struct KeyPair: Codable, Sendable, Equatable {
    public var name: String
    public var publicKey: String
    public var fingerprint: String
    /// `ssh` or `x509`.
    public var type: String
    public var createdAt: Date

    public init(name: String, publicKey: String, fingerprint: String, type: String = "ssh", createdAt: Date) {
        self.name = name
        self.publicKey = publicKey
        self.fingerprint = fingerprint
        self.type = type
        self.createdAt = createdAt
    }
}

/// A Nova server group: servers placed by a policy (affinity, anti-affinity, soft-...).
public struct ServerGroup: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var policies: [String]
    public var rules: [String: String]
    public var members: [String]

    public init(id: String, name: String, policies: [String], rules: [String: String] = [:], members: [String] = []) {
        self.id = id
        self.name = name
        self.policies = policies
        self.rules = rules
        self.members = members
    }
}

/// One address of a server on one network, as Nova's `addresses` lists it.
public struct ServerAddress: Codable, Sendable, Equatable {
    public var address: String
    public var version: Int
    /// `fixed` or `floating`.
    public var type: String
    public var macAddress: String
    public var portID: String?

    public init(address: String, version: Int, type: String, macAddress: String, portID: String? = nil) {
        self.address = address
        self.version = version
        self.type = type
        self.macAddress = macAddress
        self.portID = portID
    }
}

/// A Nova server.
public struct Server: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var projectID: String
    public var flavorID: String
    /// nil when booted from a volume.
    public var imageID: String?
    public var keyName: String?
    /// BUILD, ACTIVE, SHUTOFF, SUSPENDED, PAUSED, REBOOT, HARD_REBOOT, RESIZE, VERIFY_RESIZE, REBUILD, ERROR, DELETED.
    public var status: String
    /// What status the server reaches when its pending work is done, and when (BUILD -> ACTIVE ...).
    public var pendingStatus: String?
    public var readyAt: Date?
    public var metadata: [String: String]
    /// Base64 text, as Nova keeps it.
    public var userData: String?
    public var configDrive: Bool
    /// Addresses by network name.
    public var addresses: [String: [ServerAddress]]
    public var portIDs: [String]
    /// Ports the server made itself (networks given by network id), deleted with it.
    public var ownedPortIDs: [String]
    /// Volumes its block device mapping made with delete_on_termination, deleted with it.
    public var ownedVolumeIDs: [String] = []
    public var securityGroups: [String]
    public var volumesAttached: [String]
    public var availabilityZone: String
    public var hostID: String
    public var serverGroupID: String?
    public var schedulerHints: [String: String]
    public var tags: [String]
    public var accessIPv4: String
    public var accessIPv6: String
    /// Why the server is in ERROR.
    public var fault: String?
    /// The flavor before a resize that awaits confirmation.
    public var previousFlavorID: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var launchedAt: Date?

    public init(id: String, name: String, projectID: String, flavorID: String, imageID: String?, keyName: String? = nil,
                status: String = "BUILD", metadata: [String: String] = [:], userData: String? = nil, configDrive: Bool = false,
                availabilityZone: String = "nova", hostID: String = "", createdAt: Date) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.flavorID = flavorID
        self.imageID = imageID
        self.keyName = keyName
        self.status = status
        self.metadata = metadata
        self.userData = userData
        self.configDrive = configDrive
        self.addresses = [:]
        self.portIDs = []
        self.ownedPortIDs = []
        self.securityGroups = []
        self.volumesAttached = []
        self.availabilityZone = availabilityZone
        self.hostID = hostID
        self.schedulerHints = [:]
        self.tags = []
        self.accessIPv4 = ""
        self.accessIPv6 = ""
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// Nova's power state number for the status (1 running, 4 shutdown, 7 suspended, 0 none).
    public var powerState: Int {
        switch status {
        case "ACTIVE", "REBOOT", "HARD_REBOOT", "RESIZE", "VERIFY_RESIZE": 1
        case "SHUTOFF": 4
        case "SUSPENDED": 7
        case "PAUSED": 3
        default: 0
        }
    }

    /// Nova's `OS-EXT-STS:vm_state` for the status.
    public var vmState: String {
        switch status {
        case "BUILD": "building"
        case "ACTIVE", "REBOOT", "HARD_REBOOT", "REBUILD", "RESIZE": "active"
        case "VERIFY_RESIZE": "resized"
        case "SHUTOFF": "stopped"
        case "SUSPENDED": "suspended"
        case "PAUSED": "paused"
        case "ERROR": "error"
        default: status.lowercased()
        }
    }
}

/// Where a new server is attached: a network (a port is made), a port, or a fixed address.
public struct ServerNetworkRequest: Sendable, Equatable {
    public var networkID: String?
    public var portID: String?
    public var fixedIP: String?
    public var subnetID: String?
    public init(networkID: String? = nil, portID: String? = nil, fixedIP: String? = nil, subnetID: String? = nil) {
        self.networkID = networkID
        self.portID = portID
        self.fixedIP = fixedIP
        self.subnetID = subnetID
    }
}

/// One entry of `block_device_mapping_v2`.
public struct BlockDeviceRequest: Sendable, Equatable {
    /// `image`, `volume`, `snapshot` or `blank`.
    public var sourceType: String
    /// `volume` or `local`.
    public var destinationType: String
    public var uuid: String?
    public var volumeSizeGB: Int?
    public var bootIndex: Int?
    public var deviceName: String?
    public var deleteOnTermination: Bool
    public init(sourceType: String, destinationType: String, uuid: String? = nil, volumeSizeGB: Int? = nil, bootIndex: Int? = nil,
                deviceName: String? = nil, deleteOnTermination: Bool = false) {
        self.sourceType = sourceType
        self.destinationType = destinationType
        self.uuid = uuid
        self.volumeSizeGB = volumeSizeGB
        self.bootIndex = bootIndex
        self.deviceName = deviceName
        self.deleteOnTermination = deleteOnTermination
    }
}

/// A request to boot a server.
public struct ServerRequest: Sendable {
    public var name: String
    public var flavorID: String
    public var imageID: String?
    public var keyName: String?
    public var metadata: [String: String]
    /// Base64 text.
    public var userData: String?
    public var configDrive: Bool
    public var networks: [ServerNetworkRequest]
    /// `auto` / `none` when no network is given (microversion 2.37).
    public var autoNetwork: Bool
    public var securityGroups: [String]
    public var blockDevices: [BlockDeviceRequest]
    public var availabilityZone: String?
    public var schedulerHints: [String: String]
    public var tags: [String]
    public var adminPass: String?
    /// Makes the call idempotent: a second create with the same token returns the first server.
    public var clientToken: String?

    public init(name: String, flavorID: String, imageID: String?, keyName: String? = nil, metadata: [String: String] = [:],
                userData: String? = nil, configDrive: Bool = false, networks: [ServerNetworkRequest] = [], autoNetwork: Bool = true,
                securityGroups: [String] = [], blockDevices: [BlockDeviceRequest] = [], availabilityZone: String? = nil,
                schedulerHints: [String: String] = [:], tags: [String] = [], adminPass: String? = nil, clientToken: String? = nil) {
        self.name = name
        self.flavorID = flavorID
        self.imageID = imageID
        self.keyName = keyName
        self.metadata = metadata
        self.userData = userData
        self.configDrive = configDrive
        self.networks = networks
        self.autoNetwork = autoNetwork
        self.securityGroups = securityGroups
        self.blockDevices = blockDevices
        self.availabilityZone = availabilityZone
        self.schedulerHints = schedulerHints
        self.tags = tags
        self.adminPass = adminPass
        self.clientToken = clientToken
    }
}

/// A server action (Nova's `POST /servers/{id}/action`).
public enum ServerAction: Sendable, Equatable {
    case reboot(hard: Bool)
    case stop
    case start
    case suspend
    case resume
    case pause
    case unpause
    case resize(flavorID: String)
    case confirmResize
    case revertResize
    case rebuild(imageID: String, name: String?)
}

/// A server's changeable fields (`PUT /servers/{id}` and its metadata).
public struct ServerUpdate: Sendable {
    public var name: String?
    public var metadata: [String: String]?
    public var tags: [String]?
    public init(name: String? = nil, metadata: [String: String]? = nil, tags: [String]? = nil) {
        self.name = name
        self.metadata = metadata
        self.tags = tags
    }
}

/// A volume attached to a server (`os-volume_attachments`).
public struct VolumeAttachmentInfo: Codable, Sendable, Equatable {
    public var id: String
    public var serverID: String
    public var volumeID: String
    public var device: String
    public init(id: String, serverID: String, volumeID: String, device: String) {
        self.id = id
        self.serverID = serverID
        self.volumeID = volumeID
        self.device = device
    }
}
