import KilnModel
import Foundation
import KilnCloud
import KilnEmulator
import KilnStore
import Testing

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let time = Locked(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { time.withLock { $0 } }
    func advance(_ seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

@Suite("Emulated compute, block storage and load balancing")
struct ComputeTests {
    @Test func theDefaultCatalogHasFlavorsImagesAndThePublicNetwork() async throws {
        let (_, session) = try await emulatedCloud()
        #expect(try await session.compute.flavors().map(\.name) == ["m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge"])
        #expect(try await session.images.image("cirros-0.6.2-x86_64-disk")?.status == "active")
        let publicNetwork = try #require(try await session.network.network("public"))
        #expect(publicNetwork.external)
    }

    @Test func aServerBuildsForItsLatencyThenIsActiveWithAnAddress() async throws {
        let clock = TestClock()
        let cloud = try await EmulatedCloud(
            store: try SQLiteStore.inMemory(), options: EmulatorOptions(latency: CloudLatency(seconds: ["server": 20])),
            clock: { clock.now })
        let session = cloud.session(projectID: "demo")
        let (network, _) = try await makeNetwork(session)
        let server = try await session.compute.createServer(ServerRequest(
            name: "web", flavorID: "m1.small", imageID: "cirros-0.6.2-x86_64-disk", networks: [ServerNetworkRequest(networkID: network.id)]))
        #expect(server.status == "BUILD")
        #expect(server.addresses["private"]?.map(\.address) == ["10.0.0.2"])
        clock.advance(19)
        #expect(try await session.compute.server(id: server.id)?.status == "BUILD")
        clock.advance(1)
        #expect(try await session.compute.server(id: server.id)?.status == "ACTIVE")
        let port = try #require(try await session.network.ports(networkID: network.id, deviceID: server.id).first)
        #expect(port.deviceOwner == "compute:nova" && port.status == "ACTIVE")

        // Deleting the server frees its port and address.
        try await session.compute.deleteServer(id: server.id)
        #expect(try await session.compute.server(id: server.id) == nil)
        #expect(try await session.network.ports(networkID: network.id, deviceID: nil).isEmpty)
    }

    @Test func instanceQuotaIsNovasRefusalAndCountsDeletes() async throws {
        let (cloud, session) = try await emulatedCloud(EmulatorOptions(quotas: Quotas(limits: ["instances": 2, "cores": 20, "ram": 51200])))
        _ = cloud
        var made: [Server] = []
        for index in 0..<2 {
            made.append(try await session.compute.createServer(ServerRequest(name: "s\(index)", flavorID: "1", imageID: "cirros-0.6.2-x86_64-disk")))
        }
        let refused = await cloudError {
            _ = try await session.compute.createServer(ServerRequest(name: "s2", flavorID: "1", imageID: "cirros-0.6.2-x86_64-disk"))
        }
        #expect(refused?.message == "Quota exceeded for instances: Requested 1, but already used 2 of 2 instances")
        #expect(refused?.httpStatus == 403)
        try await session.compute.deleteServer(id: made[0].id)
        _ = try await session.compute.createServer(ServerRequest(name: "s3", flavorID: "1", imageID: "cirros-0.6.2-x86_64-disk"))
    }

    @Test func unknownFlavorsImagesAndKeysAreNovasBadRequests() async throws {
        let (_, session) = try await emulatedCloud()
        let flavor = await cloudError { _ = try await session.compute.createServer(ServerRequest(name: "x", flavorID: "m1.huge", imageID: nil)) }
        #expect(flavor?.message == "Flavor m1.huge could not be found.")
        let image = await cloudError { _ = try await session.compute.createServer(ServerRequest(name: "x", flavorID: "1", imageID: "nope")) }
        #expect(image?.message == "Image nope could not be found.")
        let key = await cloudError {
            _ = try await session.compute.createServer(ServerRequest(name: "x", flavorID: "1", imageID: "cirros-0.6.2-x86_64-disk", keyName: "k"))
        }
        #expect(key?.message == "Invalid key_name provided.")
    }

    @Test func resizeAwaitsConfirmationAndActionsCheckTheState() async throws {
        let (_, session) = try await emulatedCloud()
        let server = try await session.compute.createServer(ServerRequest(name: "db", flavorID: "1", imageID: "cirros-0.6.2-x86_64-disk"))
        try await session.compute.performAction(.resize(flavorID: "m1.small"), serverID: server.id)
        #expect(try await session.compute.server(id: server.id)?.status == "VERIFY_RESIZE")
        try await session.compute.performAction(.confirmResize, serverID: server.id)
        let resized = try #require(try await session.compute.server(id: server.id))
        #expect(resized.status == "ACTIVE" && resized.flavorID == "2")
        try await session.compute.performAction(.stop, serverID: server.id)
        let again = await cloudError { try await session.compute.performAction(.stop, serverID: server.id) }
        #expect(again?.message == "Cannot 'stop' instance \(server.id) while it is in vm_state stopped")
        try await session.compute.performAction(.start, serverID: server.id)
        try await session.compute.performAction(.suspend, serverID: server.id)
        #expect(try await session.compute.server(id: server.id)?.status == "SUSPENDED")
    }

    @Test func aSameTokenCreateReturnsTheFirstServer() async throws {
        let (_, session) = try await emulatedCloud()
        let request = ServerRequest(name: "once", flavorID: "1", imageID: "cirros-0.6.2-x86_64-disk", clientToken: "stack/res/1")
        let first = try await session.compute.createServer(request)
        let second = try await session.compute.createServer(request)
        #expect(first.id == second.id)
        #expect(try await session.compute.servers().count == 1)
    }

    @Test func injectedFaultsSendServersToErrorAndRefuseOtherCalls() async throws {
        let (_, session) = try await emulatedCloud(EmulatorOptions(faults: try CloudFaults(parsing: "server.create=1,network.create=1")))
        let broken = try await session.compute.createServer(ServerRequest(name: "x", flavorID: "1", imageID: "cirros-0.6.2-x86_64-disk"))
        #expect(broken.status == "ERROR")
        let waited = await cloudError {
            _ = try await session.compute.waitForServer(id: broken.id, statuses: ["ACTIVE"], untilGone: false, timeout: 5)
        }
        #expect(waited?.kind == .failedState)
        #expect(waited?.message == "No valid host was found. There are not enough hosts available.")
        let fine = try await session.compute.createServer(ServerRequest(name: "y", flavorID: "1", imageID: "cirros-0.6.2-x86_64-disk"))
        #expect(fine.status == "ACTIVE")
        let network = await cloudError { _ = try await session.network.createNetwork(NetworkRequest(name: "n")) }
        #expect(network?.httpStatus == 500)
        _ = try await session.network.createNetwork(NetworkRequest(name: "n"))
    }

    @Test func volumesAttachAtTheNextDeviceAndCannotBeDeletedInUse() async throws {
        let (_, session) = try await emulatedCloud()
        let server = try await session.compute.createServer(ServerRequest(name: "db", flavorID: "1", imageID: "cirros-0.6.2-x86_64-disk"))
        let volume = try await session.blockStorage.createVolume(VolumeRequest(name: "data", sizeGB: 10))
        #expect(volume.status == "available")
        let attachment = try await session.compute.attachVolume(serverID: server.id, volumeID: volume.id, device: nil)
        #expect(attachment.device == "/dev/vdb")
        #expect(try await session.blockStorage.volume("data")?.status == "in-use")
        let inUse = await cloudError { try await session.blockStorage.deleteVolume(id: volume.id) }
        #expect(inUse?.kind == .badRequest)
        let twice = await cloudError { _ = try await session.compute.attachVolume(serverID: server.id, volumeID: volume.id, device: nil) }
        #expect(twice?.message.contains("status must be available") == true)
        try await session.compute.detachVolume(serverID: server.id, volumeID: volume.id)
        try await session.blockStorage.deleteVolume(id: volume.id)
        let gigabytes = await cloudError { _ = try await session.blockStorage.createVolume(VolumeRequest(sizeGB: 2000)) }
        #expect(gigabytes?.message.hasPrefix("VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 2000G, quota is 1000G") == true)
    }

    @Test func loadBalancerChildrenWaitForItToBeActive() async throws {
        let clock = TestClock()
        let cloud = try await EmulatedCloud(
            store: try SQLiteStore.inMemory(), options: EmulatorOptions(latency: CloudLatency(seconds: ["loadbalancer": 30])),
            clock: { clock.now })
        let session = cloud.session(projectID: "demo")
        let (_, subnet) = try await makeNetwork(session)
        let lb = try await session.loadBalancer.createLoadBalancer(LoadBalancerRequest(name: "lb", vipSubnetID: subnet.id))
        #expect(lb.status.provisioning == "PENDING_CREATE" && lb.vipAddress == "10.0.0.2")
        let early = await cloudError {
            _ = try await session.loadBalancer.createListener(ListenerRequest(loadBalancerID: lb.id, protocol: "HTTP", protocolPort: 80))
        }
        #expect(early?.message == "Load Balancer \(lb.id) is immutable and cannot be updated.")
        clock.advance(30)
        let listener = try await session.loadBalancer.createListener(ListenerRequest(loadBalancerID: lb.id, protocol: "HTTP", protocolPort: 80))
        let pool = try await session.loadBalancer.createPool(PoolRequest(listenerID: listener.id, protocol: "HTTP", lbAlgorithm: "ROUND_ROBIN"))
        let member = try await session.loadBalancer.createMember(PoolMemberRequest(poolID: pool.id, address: "10.0.0.9", protocolPort: 80))
        #expect(member.status.operating == "NO_MONITOR")
        _ = try await session.loadBalancer.createHealthMonitor(HealthMonitorRequest(poolID: pool.id, type: "HTTP", delay: 5, timeout: 3, maxRetries: 3))
        #expect(try await session.loadBalancer.members(poolID: pool.id).map(\.status.operating) == ["ONLINE"])
        let duplicate = await cloudError {
            _ = try await session.loadBalancer.createMember(PoolMemberRequest(poolID: pool.id, address: "10.0.0.9", protocolPort: 80))
        }
        #expect(duplicate?.message == "Duplicate member with address and port 10.0.0.9:80")
        let children = await cloudError { try await session.loadBalancer.deleteLoadBalancer(id: lb.id, cascade: false) }
        #expect(children?.message == "Cannot delete Load Balancer \(lb.id) - it has children")
        try await session.loadBalancer.deleteLoadBalancer(id: lb.id, cascade: true)
        #expect(try await session.loadBalancer.pools().isEmpty)
        #expect(try await session.network.ports(networkID: nil, deviceID: nil).isEmpty)
    }

    @Test func theCloudIsKeptInTheDatabaseFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-emulator-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("kiln.db").path
        let serverID: String
        do {
            let cloud = try await EmulatedCloud(store: try SQLiteStore(path: path))
            let session = cloud.session(projectID: "demo")
            _ = try await makeNetwork(session)
            serverID = try await session.compute.createServer(ServerRequest(name: "kept", flavorID: "1", imageID: "cirros-0.6.2-x86_64-disk")).id
        }
        let reopened = try await EmulatedCloud(store: try SQLiteStore(path: path)).session(projectID: "demo")
        let server = try #require(try await reopened.compute.server(id: serverID))
        #expect(server.name == "kept" && server.addresses["private"]?.first?.address == "10.0.0.2")
        // Another project sees none of it.
        let other = try await EmulatedCloud(store: try SQLiteStore(path: path)).session(projectID: "other")
        #expect(try await other.compute.servers().isEmpty)
        #expect(try await other.network.networks().map(\.name) == ["public"])
    }
}
