import Foundation
import Hummingbird
import HummingbirdTesting
import KilnClient
import KilnCloud
import KilnEmulator
import KilnEngine
import KilnModel
@testable import KilnOpenStack
import KilnResources
import KilnServer
import KilnStore
import Testing

/// `OpenStackCloud` against `kiln serve`'s emulated cloud as if it were a real one: Keystone
/// sign-in, the catalog, the REST APIs, real HTTP on loopback.
@Suite("The OpenStack driver against kiln serve", .serialized)
struct OpenStackCloudTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    /// A `kiln serve` with the emulated cloud; the test gets a signed-in driver for it.
    func withServer(_ test: @Sendable (OpenStackCloud, EmulatedCloud) async throws -> Void) async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-openstack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let store = try SQLiteStore(path: home.appendingPathComponent("kiln.db").path)
        // Few hash iterations: sign-in speed is not what these tests are about.
        let (file, password) = try IdentityFile.openOrCreate(path: home.appendingPathComponent("identity.json").path, iterations: 1_000)
        var options = IdentityOptions()
        options.passwordIterations = 1_000
        let emulator = try await EmulatedCloud(store: store)
        let server = KilnServer(
            engine: Engine(store: store, plugins: .standard, cloud: emulator), identity: IdentityService(file: file, options: options))
        let app = server.application(host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let config = CloudConfig(
                name: "emulated", authURL: "http://127.0.0.1:\(port)/v3", username: "admin", password: password ?? "",
                projectName: "admin", userDomainName: "Default", projectDomainName: "Default")
            try await test(OpenStackCloud(config: config, pollInterval: 0.05), emulator)
        }
    }

    /// What a project holds, to compare topologies.
    static func inventory(_ session: CloudSession) async throws -> [String: Int] {
        var members = 0
        for pool in try await session.loadBalancer.pools() { members += try await session.loadBalancer.members(poolID: pool.id).count }
        return [
            "servers": try await session.compute.servers().count, "volumes": try await session.blockStorage.volumes().count,
            "ports": try await session.network.ports(networkID: nil, deviceID: nil).count,
            "routers": try await session.network.routers().count, "floatingips": try await session.network.floatingIPs().count,
            "loadbalancers": try await session.loadBalancer.loadBalancers().count, "members": members,
        ]
    }

    static func request(web: Int) throws -> StackRequest {
        StackRequest(
            name: "app", templateName: "three-tier.yaml",
            template: try String(contentsOf: examples.appendingPathComponent("three-tier.yaml"), encoding: .utf8),
            parameters: ["web_count": String(web)],
            files: ["web-server.yaml": try String(contentsOf: examples.appendingPathComponent("web-server.yaml"), encoding: .utf8)])
    }

    @Test func catalogCallsAndErrorsGoThroughKeystoneAndTheRESTAPIs() async throws {
        try await withServer { cloud, _ in
            let session = cloud.session(projectID: "ignored")
            let flavor = try await session.compute.flavor("m1.small")
            #expect(flavor?.ramMB == 2048)
            let image = try await session.images.image("cirros-0.6.2-x86_64-disk")
            #expect(image?.status == "active")
            let external = try await session.network.network("public")
            #expect(external?.external == true)
            var refusal: CloudError?
            do {
                _ = try await session.compute.createServer(ServerRequest(name: "x", flavorID: "m1.huge", imageID: "cirros-0.6.2-x86_64-disk"))
            } catch let error as CloudError {
                refusal = error
            }
            #expect(refusal?.message == "Flavor m1.huge could not be found.")

            // Keystone refusing the password: unauthorized, in Keystone's words.
            var wrong = cloud.config
            wrong.password = "not-the-password"
            var refused: CloudError?
            do { _ = try await OpenStackCloud(config: wrong).session(projectID: "admin").compute.flavors() } catch let error as CloudError { refused = error }
            #expect(refused?.kind == .unauthorized && refused?.httpStatus == 401, "\(String(describing: refused))")
            #expect(refused?.message.hasPrefix("cloud 'emulated': Keystone at http://127.0.0.1:") == true, "\(String(describing: refused))")
        }
    }

    @Test func theThreeTierExampleBuildsScalesAndDeletesThroughTheDriverAsOnTheEmulator() async throws {
        // The same template directly on an emulator, for the expected shape.
        let direct = try await EmulatedCloud(store: try SQLiteStore.inMemory())
        let directEngine = Engine(store: direct.store, plugins: .standard, cloud: direct)
        let directStack = try await directEngine.create(try Self.request(web: 2))
        #expect(directStack.statusText == "CREATE_COMPLETE")
        let expected = try await Self.inventory(direct.session(projectID: "default"))

        try await withServer { cloud, emulator in
            let engine = Engine(store: try SQLiteStore.inMemory(), plugins: .standard, cloud: cloud)
            let stack = try await engine.create(try Self.request(web: 2))
            #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
            let session = cloud.session(projectID: "admin")
            let made = try await Self.inventory(session)
            #expect(made == expected)
            // The emulator behind the API holds the same objects the driver made.
            let servers = try await session.compute.servers()
            #expect(servers.allSatisfy { $0.status == "ACTIVE" && !$0.addresses.isEmpty })

            let grown = try await engine.update(stack.id, UpdateRequest(
                templateName: "three-tier.yaml", template: try Self.request(web: 3).template, parameters: ["web_count": "3"],
                files: try Self.request(web: 3).files))
            #expect(grown.statusText == "UPDATE_COMPLETE", "\(grown.statusReason)")
            let grownServers = try await session.compute.servers()
            #expect(grownServers.count == 4)

            let deleted = try await engine.delete(stack.id)
            #expect(deleted.statusText == "DELETE_COMPLETE", "\(deleted.statusReason)")
            let left = try await Self.inventory(session)
            #expect(left.values.allSatisfy { $0 == 0 }, "\(left)")
            _ = emulator
        }
    }

    @Test func networksServersVolumesAndLoadBalancersThroughTheDriver() async throws {
        try await withServer { cloud, _ in
            let session = cloud.session(projectID: "ignored")
            let network = session.network
            let net = try await network.createNetwork(NetworkRequest(name: "app-net"))
            let subnet = try await network.createSubnet(SubnetRequest(name: "app-subnet", networkID: net.id, cidr: "10.9.0.0/24"))
            #expect(subnet.gatewayIP == "10.9.0.1" && subnet.networkID == net.id)
            let port = try await network.createPort(PortRequest(name: "app-port", networkID: net.id, fixedIPs: [FixedIPRequest(subnetID: subnet.id, ipAddress: "10.9.0.20")]))
            #expect(port.fixedIPs.map(\.ipAddress) == ["10.9.0.20"])
            #expect(try await network.ports(networkID: net.id, deviceID: nil).map(\.id).contains(port.id))
            #expect(try await network.network("app-net")?.id == net.id)
            #expect(try await network.subnet(subnet.id)?.cidr == "10.9.0.0/24")
            // The same address twice is Neutron's 409.
            await #expect(throws: CloudError.self) {
                _ = try await network.createPort(PortRequest(name: "dup", networkID: net.id, fixedIPs: [FixedIPRequest(subnetID: subnet.id, ipAddress: "10.9.0.20")]))
            }

            // A server on the port, awaited until ACTIVE; the same client token finds it again.
            let request = ServerRequest(name: "web-0", flavorID: "m1.small", imageID: "cirros-0.6.2-x86_64-disk",
                                        networks: [ServerNetworkRequest(portID: port.id)], tags: ["web"], clientToken: "kiln-test-web-0")
            let booted = try await session.compute.createServer(request)
            let again = try await session.compute.createServer(request)
            #expect(again.id == booted.id)
            let active = try #require(try await session.compute.waitForServer(id: booted.id, statuses: ["ACTIVE"], untilGone: false, timeout: 30))
            #expect(active.status == "ACTIVE" && active.tags == ["web"] && active.metadata["kiln_client_token"] == "kiln-test-web-0")
            #expect(active.addresses["app-net"]?.map(\.address) == ["10.9.0.20"])
            #expect(try await session.compute.servers().filter { $0.name == "web-0" }.count == 1)
            // New metadata replaces the old, but the client token stays, so a retried create still finds the server.
            let renamed = try await session.compute.updateServer(id: booted.id, ServerUpdate(name: "web-0b", metadata: ["role": "web"]))
            #expect(renamed.name == "web-0b" && renamed.metadata == ["role": "web", "kiln_client_token": "kiln-test-web-0"])
            #expect(try await session.compute.createServer(request).id == booted.id)

            // A volume, awaited until available, attached and detached.
            let volume = try await session.blockStorage.createVolume(VolumeRequest(name: "data", sizeGB: 2, clientToken: "kiln-test-data"))
            #expect(try await session.blockStorage.createVolume(VolumeRequest(name: "data", sizeGB: 2, clientToken: "kiln-test-data")).id == volume.id)
            let available = try #require(try await session.blockStorage.waitForVolume(id: volume.id, statuses: ["available"], untilGone: false, timeout: 30))
            #expect(available.sizeGB == 2 && available.name == "data")
            let attachment = try await session.compute.attachVolume(serverID: booted.id, volumeID: volume.id, device: nil)
            #expect(attachment.volumeID == volume.id)
            _ = try await session.blockStorage.waitForVolume(id: volume.id, statuses: ["in-use"], untilGone: false, timeout: 30)
            #expect(try await session.compute.volumeAttachments(serverID: booted.id).map(\.volumeID) == [volume.id])
            try await session.compute.detachVolume(serverID: booted.id, volumeID: volume.id)
            _ = try await session.blockStorage.waitForVolume(id: volume.id, statuses: ["available"], untilGone: false, timeout: 30)

            // A load balancer with a listener, a pool and the server as its member.
            let lbs = session.loadBalancer
            let lb = try await lbs.createLoadBalancer(LoadBalancerRequest(name: "app-lb", vipSubnetID: subnet.id, clientToken: "kiln-test-lb"))
            let ready = try #require(try await lbs.waitForLoadBalancer(id: lb.id, untilGone: false, timeout: 30))
            #expect(ready.status.provisioning == "ACTIVE" && ready.vipSubnetID == subnet.id)
            let listener = try await lbs.createListener(ListenerRequest(name: "http", loadBalancerID: lb.id, protocol: "HTTP", protocolPort: 80))
            _ = try await lbs.waitForLoadBalancer(id: lb.id, untilGone: false, timeout: 30)
            let pool = try await lbs.createPool(PoolRequest(name: "web", listenerID: listener.id, protocol: "HTTP", lbAlgorithm: "ROUND_ROBIN"))
            _ = try await lbs.waitForLoadBalancer(id: lb.id, untilGone: false, timeout: 30)
            let member = try await lbs.createMember(PoolMemberRequest(name: "web-0", poolID: pool.id, address: "10.9.0.20", protocolPort: 80, subnetID: subnet.id, weight: 5))
            _ = try await lbs.waitForLoadBalancer(id: lb.id, untilGone: false, timeout: 30)
            #expect(try await lbs.members(poolID: pool.id).map(\.id) == [member.id])
            #expect(try await lbs.member(poolID: pool.id, id: member.id)?.weight == 5)
            #expect(try await lbs.listener("http")?.protocolPort == 80)
            #expect(try await lbs.pool(pool.id)?.listenerIDs == [listener.id])

            // A refused token is renewed once, transparently.
            cloud.replaceToken("revoked")
            #expect(try await lbs.loadBalancer(lb.id)?.name == "app-lb")

            // Deletes: the load balancer with everything under it, the server, the volume, the network.
            try await lbs.deleteLoadBalancer(id: lb.id, cascade: true)
            #expect(try await lbs.waitForLoadBalancer(id: lb.id, untilGone: true, timeout: 30) == nil)
            try await session.compute.deleteServer(id: booted.id)
            #expect(try await session.compute.waitForServer(id: booted.id, statuses: [], untilGone: true, timeout: 30) == nil)
            try await session.blockStorage.deleteVolume(id: volume.id)
            #expect(try await session.blockStorage.waitForVolume(id: volume.id, statuses: [], untilGone: true, timeout: 30) == nil)
            try await network.deletePort(id: port.id)
            try await network.deleteSubnet(id: subnet.id)
            try await network.deleteNetwork(id: net.id)
            #expect(try await network.network(net.id) == nil)
            #expect(try await session.compute.server(id: booted.id) == nil)
            var missing: CloudError?
            do { try await network.deleteNetwork(id: net.id) } catch let error as CloudError { missing = error }
            #expect(missing?.kind == .notFound && missing?.httpStatus == 404)
        }
    }

    @Test func alarmsThroughTheDriverAgainstAodhsAPI() async throws {
        try await withServer { cloud, emulator in
            let alarms = try #require(cloud.session(projectID: "ignored").alarms)
            let rule: Value = ["metric": "cpu", "aggregation_method": "rate:mean", "granularity": 60, "threshold": 80,
                               "comparison_operator": "gt", "resource_type": "instance", "query": "{\"=\": {\"server_group\": \"g\"}}"]
            let request = AlarmRequest(
                name: "cpu-high", type: "gnocchi_aggregation_by_resources_threshold", severity: "critical", rule: rule,
                alarmActions: ["trust+http://localhost/signal"], repeatActions: true, clientToken: "t1")
            let id = try await alarms.createAlarm(request)
            // A retried create (same client token, same name) finds the first alarm.
            #expect(try await alarms.createAlarm(request) == id)
            let shown = try #require(try await alarms.alarm(id: id))
            #expect(shown["name"] == "cpu-high" && shown["state"] == "insufficient data" && shown["severity"] == "critical")
            #expect(shown["gnocchi_aggregation_by_resources_threshold_rule"]["threshold"] == 80.0)
            #expect(shown["alarm_actions"] == ["trust+http://localhost/signal"] && shown["user_id"].stringValue?.isEmpty == false)
            // The emulator behind the API holds the same alarm.
            let projectID = try await cloud.projectID()
            #expect(try await emulator.session(projectID: projectID).alarms?.alarm(id: id)?["name"] == "cpu-high")

            try await alarms.setAlarmState(id: id, state: "alarm")
            var updated = request
            updated.name = "cpu-higher"
            updated.rule = ["metric": "cpu", "aggregation_method": "rate:mean", "threshold": 90, "resource_type": "instance", "query": "{}"]
            try await alarms.updateAlarm(id: id, updated)
            let after = try #require(try await alarms.alarm(id: id))
            #expect(after["name"] == "cpu-higher" && after["state"] == "alarm")  // the update keeps the state
            #expect(after["gnocchi_aggregation_by_resources_threshold_rule"]["threshold"] == 90.0)

            let history = try await alarms.alarmHistory(id: id)
            #expect(history.compactMap { $0["type"].stringValue }.first == "rule change")
            #expect(history.contains { $0["type"] == "state transition" } && history.last?["type"] == "creation")
            #expect(try await alarms.alarms().compactMap { $0["alarm_id"].stringValue } == [id])

            var refusal: CloudError?
            do { try await alarms.setAlarmState(id: id, state: "on fire") } catch let error as CloudError { refusal = error }
            #expect(refusal?.kind == .badRequest && refusal?.message.contains("state") == true)
            var conflict: CloudError?
            var other = request
            other.clientToken = nil
            other.name = "cpu-higher"
            do { _ = try await alarms.createAlarm(other) } catch let error as CloudError { conflict = error }
            #expect(conflict?.kind == .conflict && conflict?.message == "Alarm with name='cpu-higher' exists")

            try await alarms.deleteAlarm(id: id)
            #expect(try await alarms.alarm(id: id) == nil)
            try await alarms.deleteAlarm(id: id)  // gone already is not an error
            var missing: CloudError?
            do { try await alarms.setAlarmState(id: id, state: "ok") } catch let error as CloudError { missing = error }
            #expect(missing?.kind == .notFound && missing?.httpStatus == 404 && missing?.message == "Alarm \(id) not found")
            var noHistory: CloudError?
            do { _ = try await alarms.alarmHistory(id: id) } catch let error as CloudError { noHistory = error }
            #expect(noHistory?.kind == .notFound)
            var noUpdate: CloudError?
            do { try await alarms.updateAlarm(id: id, updated) } catch let error as CloudError { noUpdate = error }
            #expect(noUpdate?.kind == .notFound)
        }
    }
}
