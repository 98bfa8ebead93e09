import Foundation

/// A cloud: OpenStack's services as one project sees them. Resource plugins talk only to
/// these protocols; `EmulatedCloud` (in the store, the embedded default) and
/// `OpenStackCloud` (a real cloud's REST APIs) implement them.
public protocol Cloud: Sendable {
    /// The services scoped to a project (the stack's project with the emulator; a real
    /// cloud scopes by its credentials).
    func session(projectID: String) -> CloudSession
    /// A short description for messages: "the emulated cloud", "cloud 'prod'".
    var displayName: String { get }
}

/// One project's view of the cloud's services.
public struct CloudSession: Sendable {
    public let projectID: String
    public let compute: any ComputeService
    public let images: any ImageService
    public let network: any NetworkService
    public let blockStorage: any BlockStorageService
    public let loadBalancer: any LoadBalancerService
    /// The agent inside the cloud's servers, when the cloud runs one for Kiln (the emulator);
    /// nil when servers' agents signal Heat's API themselves.
    public let agent: (any ServerAgent)?
    /// Gnocchi and Aodh, when the cloud has them.
    public let metrics: (any MetricService)?
    public let alarms: (any AlarmService)?
    /// Zaqar, when the cloud has it: where `zaqar-queue` notification sinks post.
    public let messaging: (any MessagingService)?

    public init(projectID: String, compute: any ComputeService, images: any ImageService, network: any NetworkService,
                blockStorage: any BlockStorageService, loadBalancer: any LoadBalancerService, agent: (any ServerAgent)? = nil,
                metrics: (any MetricService)? = nil, alarms: (any AlarmService)? = nil, messaging: (any MessagingService)? = nil) {
        self.agent = agent
        self.messaging = messaging
        self.metrics = metrics
        self.alarms = alarms
        self.projectID = projectID
        self.compute = compute
        self.images = images
        self.network = network
        self.blockStorage = blockStorage
        self.loadBalancer = loadBalancer
    }
}

/// Nova.
public protocol ComputeService: Sendable {
    func flavors() async throws -> [Flavor]
    /// By id or name.
    func flavor(_ idOrName: String) async throws -> Flavor?
    /// Makes a flavor (an administrator's call in Nova); a private one is shared with `tenants`.
    func createFlavor(_ flavor: Flavor, tenants: [String]) async throws -> Flavor
    /// Replaces the flavor's extra specs.
    func setFlavorExtraSpecs(id: String, _ extraSpecs: [String: String]) async throws -> Flavor
    /// Gone already is not an error.
    func deleteFlavor(id: String) async throws

    func keyPairs() async throws -> [KeyPair]
    func keyPair(named name: String) async throws -> KeyPair?
    /// Imports `publicKey`, or makes a key pair and returns its private key once.
    func createKeyPair(name: String, publicKey: String?, type: String) async throws -> (KeyPair, privateKey: String?)
    func deleteKeyPair(named name: String) async throws

    func serverGroups() async throws -> [ServerGroup]
    func serverGroup(id: String) async throws -> ServerGroup?
    func createServerGroup(name: String, policies: [String], rules: [String: String], clientToken: String?) async throws -> ServerGroup
    func deleteServerGroup(id: String) async throws

    func servers() async throws -> [Server]
    func server(id: String) async throws -> Server?
    /// Starts a boot: the server is returned in BUILD (or already ACTIVE when the cloud is instant).
    func createServer(_ request: ServerRequest) async throws -> Server
    func updateServer(id: String, _ update: ServerUpdate) async throws -> Server
    func performAction(_ action: ServerAction, serverID: String) async throws
    /// Starts the deletion; a server already gone is not an error.
    func deleteServer(id: String) async throws
    /// Waits until the server reaches one of `statuses` (throws `.failedState` on ERROR, or
    /// when `timeout` passes), or, with `untilGone`, until it no longer exists.
    func waitForServer(id: String, statuses: Set<String>, untilGone: Bool, timeout: Double) async throws -> Server?

    func attachVolume(serverID: String, volumeID: String, device: String?) async throws -> VolumeAttachmentInfo
    func detachVolume(serverID: String, volumeID: String) async throws
    func volumeAttachments(serverID: String) async throws -> [VolumeAttachmentInfo]
    /// Plugs a port (or a new port on a network) into the server.
    func attachInterface(serverID: String, portID: String?, networkID: String?, fixedIP: String?) async throws -> NetworkPort
    func detachInterface(serverID: String, portID: String) async throws
}

/// Glance.
public protocol ImageService: Sendable {
    func images() async throws -> [Image]
    /// By id or name.
    func image(_ idOrName: String) async throws -> Image?
    func createImage(_ request: ImageRequest) async throws -> Image
    func deleteImage(id: String) async throws
}

/// Neutron.
public protocol NetworkService: Sendable {
    /// The project's networks, shared ones and external ones.
    func networks() async throws -> [Network]
    func network(_ idOrName: String) async throws -> Network?
    func createNetwork(_ request: NetworkRequest) async throws -> Network
    func updateNetwork(id: String, _ update: NetworkUpdate) async throws -> Network
    func deleteNetwork(id: String) async throws

    func subnets(networkID: String?) async throws -> [Subnet]
    func subnet(_ idOrName: String) async throws -> Subnet?
    func createSubnet(_ request: SubnetRequest) async throws -> Subnet
    func updateSubnet(id: String, _ update: SubnetUpdate) async throws -> Subnet
    func deleteSubnet(id: String) async throws

    func ports(networkID: String?, deviceID: String?) async throws -> [NetworkPort]
    func port(_ idOrName: String) async throws -> NetworkPort?
    func createPort(_ request: PortRequest) async throws -> NetworkPort
    func updatePort(id: String, _ update: PortUpdate) async throws -> NetworkPort
    func deletePort(id: String) async throws

    func routers() async throws -> [NetworkRouter]
    func router(_ idOrName: String) async throws -> NetworkRouter?
    func createRouter(_ request: RouterRequest) async throws -> NetworkRouter
    func updateRouter(id: String, _ update: RouterUpdate) async throws -> NetworkRouter
    func deleteRouter(id: String) async throws
    /// Joins the router to a subnet (a new port at the subnet's gateway address) or a port.
    func addRouterInterface(routerID: String, subnetID: String?, portID: String?) async throws -> RouterInterface
    func removeRouterInterface(routerID: String, subnetID: String?, portID: String?) async throws

    func floatingIPs() async throws -> [FloatingIP]
    func floatingIP(id: String) async throws -> FloatingIP?
    func createFloatingIP(_ request: FloatingIPRequest) async throws -> FloatingIP
    /// Maps the address to a port (nil: unmaps it).
    func associateFloatingIP(id: String, portID: String?, fixedIPAddress: String?) async throws -> FloatingIP
    func deleteFloatingIP(id: String) async throws

    func securityGroups() async throws -> [SecurityGroup]
    func securityGroup(_ idOrName: String) async throws -> SecurityGroup?
    /// A new group has Neutron's two default egress rules (IPv4 and IPv6, any).
    func createSecurityGroup(name: String, description: String, clientToken: String?) async throws -> SecurityGroup
    func updateSecurityGroup(id: String, name: String?, description: String?) async throws -> SecurityGroup
    func deleteSecurityGroup(id: String) async throws
    func createSecurityGroupRule(_ request: SecurityGroupRuleRequest) async throws -> SecurityGroupRule
    func securityGroupRules() async throws -> [SecurityGroupRule]
    func deleteSecurityGroupRule(id: String) async throws
}

/// Cinder.
public protocol BlockStorageService: Sendable {
    func volumes() async throws -> [Volume]
    func volume(_ idOrName: String) async throws -> Volume?
    func volumeTypes() async throws -> [String]
    /// Starts making a volume: returned `creating` (or `available` when the cloud is instant).
    func createVolume(_ request: VolumeRequest) async throws -> Volume
    func updateVolume(id: String, _ update: VolumeUpdate) async throws -> Volume
    func deleteVolume(id: String) async throws
    /// Waits until the volume reaches one of `statuses` (throws on `error`), or is gone.
    func waitForVolume(id: String, statuses: Set<String>, untilGone: Bool, timeout: Double) async throws -> Volume?
}

/// Octavia.
public protocol LoadBalancerService: Sendable {
    func loadBalancers() async throws -> [LoadBalancer]
    func loadBalancer(_ idOrName: String) async throws -> LoadBalancer?
    func createLoadBalancer(_ request: LoadBalancerRequest) async throws -> LoadBalancer
    func updateLoadBalancer(id: String, name: String?, description: String?, adminStateUp: Bool?) async throws -> LoadBalancer
    /// `cascade`: its listeners, pools, members and monitors go too.
    func deleteLoadBalancer(id: String, cascade: Bool) async throws
    /// Waits until the load balancer's provisioning status is ACTIVE (throws on ERROR), or it is gone.
    func waitForLoadBalancer(id: String, untilGone: Bool, timeout: Double) async throws -> LoadBalancer?

    func listeners() async throws -> [Listener]
    func listener(_ idOrName: String) async throws -> Listener?
    func createListener(_ request: ListenerRequest) async throws -> Listener
    func updateListener(id: String, _ update: ListenerUpdate) async throws -> Listener
    func deleteListener(id: String) async throws

    func pools() async throws -> [Pool]
    func pool(_ idOrName: String) async throws -> Pool?
    func createPool(_ request: PoolRequest) async throws -> Pool
    func updatePool(id: String, _ update: PoolUpdate) async throws -> Pool
    func deletePool(id: String) async throws

    func members(poolID: String) async throws -> [PoolMember]
    func member(poolID: String, id: String) async throws -> PoolMember?
    func createMember(_ request: PoolMemberRequest) async throws -> PoolMember
    func updateMember(poolID: String, id: String, _ update: PoolMemberUpdate) async throws -> PoolMember
    func deleteMember(poolID: String, id: String) async throws

    func healthMonitors() async throws -> [HealthMonitor]
    func healthMonitor(id: String) async throws -> HealthMonitor?
    func createHealthMonitor(_ request: HealthMonitorRequest) async throws -> HealthMonitor
    func updateHealthMonitor(id: String, _ update: HealthMonitorUpdate) async throws -> HealthMonitor
    func deleteHealthMonitor(id: String) async throws
}
