import Foundation
import KilnClient
import KilnCloud
import KilnModel
@testable import KilnOpenStack
import Testing

/// What needs no server: endpoints from a Keystone catalog, errors from the services' error
/// bodies, and the services' JSON (their API references' samples) decoded into KilnCloud's objects.
@Suite("The OpenStack driver's pieces")
struct OpenStackDecodingTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Samples")

    static func sample(_ name: String) throws -> Value {
        try Value.parseJSON(try String(contentsOf: samples.appendingPathComponent(name), encoding: .utf8))
    }

    // MARK: Catalog

    @Test func endpointsComeFromKeystonesCatalogByTypeRegionAndInterface() throws {
        let body = try Self.sample("keystone-auth-password-project-scoped-response.json")
        let project = "a6944d763bf64ee6a275f1263fae0352"
        func url(_ service: OpenStackService, region: String? = "RegionOne", interface: String = "public") throws -> String {
            try OpenStackAPI.endpoint(service, catalog: body, region: region, interface: interface)
        }
        #expect(try url(.compute) == "http://23.253.248.171:8774/v2.1/\(project)")
        // Neutron's and Glance's catalog URLs are the unversioned roots.
        #expect(try url(.network) == "http://23.253.248.171:9696/v2.0")
        #expect(try url(.image, region: nil) == "http://23.253.248.171:9292/v2")
        // No volumev3 or block-storage: Cinder's v2 entry, asked for v3.
        #expect(try url(.volume) == "http://23.253.248.171:8776/v3/\(project)")
        #expect(try url(.compute, interface: "internalURL") == "http://23.253.248.171:8774/v2.1/\(project)")
        #expect(throws: KilnClientError.self) { try url(.compute, region: "RegionTwo") }
        do {
            _ = try url(.loadBalancer)
            Issue.record("the sample catalog has no load-balancer")
        } catch {
            #expect("\(error)".contains("load-balancer"))
        }
    }

    @Test func theRegionAndInterfaceAskedForWinAndVolumeV3IsPreferred() throws {
        func service(_ type: String, _ endpoints: [(String, String, String)]) -> Value {
            ["type": .string(type), "endpoints": .list(endpoints.map { ["region_id": .string($0.0), "interface": .string($0.1), "url": .string($0.2)] })]
        }
        let body: Value = ["token": ["catalog": [
            service("volume", [("east", "public", "http://east:8776/v1/p")]),
            service("volumev3", [("west", "public", "https://west.example/volume/v3/p"), ("east", "public", "https://east.example/volume/v3/p"),
                                 ("east", "internal", "http://10.0.0.5:8776/v3/p")]),
            service("load-balancer", [("east", "public", "https://east.example/load-balancer/"), ("west", "public", "https://west.example:9876")]),
            service("compute", [("east", "public", "https://east.example/compute/v2/p")]),
        ]]]
        #expect(try OpenStackAPI.endpoint(.volume, catalog: body, region: "east", interface: "public") == "https://east.example/volume/v3/p")
        #expect(try OpenStackAPI.endpoint(.volume, catalog: body, region: "east", interface: "internal") == "http://10.0.0.5:8776/v3/p")
        #expect(try OpenStackAPI.endpoint(.loadBalancer, catalog: body, region: "east", interface: "public") == "https://east.example/load-balancer/v2")
        #expect(try OpenStackAPI.endpoint(.loadBalancer, catalog: body, region: "west", interface: "public") == "https://west.example:9876/v2")
        // Nova's legacy v2 root: the same service answers v2.1 with microversions.
        #expect(try OpenStackAPI.endpoint(.compute, catalog: body, region: nil, interface: "public") == "https://east.example/compute/v2.1/p")
        #expect(OpenStackService.compute.headers["OpenStack-API-Version"] == "compute 2.79")
        #expect(OpenStackService.compute.headers["X-OpenStack-Nova-API-Version"] == "2.79")
        #expect(OpenStackService.network.headers.isEmpty)
    }

    @Test func aTokenIsRenewedAMinuteBeforeItExpires() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        func signedIn(_ expires: String?) -> Keystone.SignedIn {
            Keystone.SignedIn(token: "t", projectID: "p", body: ["token": expires.map { ["expires_at": .string($0)] } ?? [:]])
        }
        #expect(OpenStackCloud.expiresSoon(signedIn("2023-11-14T22:13:50.000000Z"), now: now))
        #expect(!OpenStackCloud.expiresSoon(signedIn("2023-11-14T23:13:20.000000Z"), now: now))
        #expect(!OpenStackCloud.expiresSoon(signedIn(nil), now: now))
    }

    // MARK: Errors

    static func refusal(_ status: Int, _ body: String) -> CloudError {
        OpenStackAPI.error(status, body: Data(body.utf8))
    }

    @Test func aodhErrorsTakeTheFaultstring() {
        let missing = Self.refusal(404, #"{"error_message": {"faultcode": "Client", "faultstring": "Alarm a1 not found", "debuginfo": null}}"#)
        #expect(missing == CloudError(.notFound, "Alarm a1 not found", httpStatus: 404))
        let taken = Self.refusal(409, #"{"error_message": {"faultcode": "Client", "faultstring": "Alarm with name='x' exists", "debuginfo": null}}"#)
        #expect(taken == CloudError(.conflict, "Alarm with name='x' exists", httpStatus: 409))
        let quota = Self.refusal(403, #"{"error_message": {"faultcode": "Client", "faultstring": "Alarm quota exceeded for user u on project p", "debuginfo": null}}"#)
        #expect(quota.kind == .quotaExceeded)
    }

    @Test func errorsTakeTheServicesMessageAndKind() {
        let nova = Self.refusal(404, #"{"itemNotFound": {"code": 404, "message": "Instance 8a1c could not be found."}}"#)
        #expect(nova == CloudError(.notFound, "Instance 8a1c could not be found.", httpStatus: 404))
        let novaQuota = Self.refusal(403, #"{"forbidden": {"code": 403, "message": "Quota exceeded for cores: Requested 4, but already used 20 of 20 cores"}}"#)
        #expect(novaQuota.kind == .quotaExceeded && novaQuota.httpStatus == 403 && novaQuota.message.hasPrefix("Quota exceeded for cores"))
        let policy = Self.refusal(403, #"{"forbidden": {"code": 403, "message": "Policy doesn't allow os_compute_api:servers:create to be performed."}}"#)
        #expect(policy.kind == .unauthorized && policy.httpStatus == 403)
        let cinderQuota = Self.refusal(413, #"{"overLimit": {"code": 413, "message": "VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded for quota 'volumes'.", "retryAfter": "0"}}"#)
        #expect(cinderQuota.kind == .quotaExceeded)
        let cinderBad = Self.refusal(400, #"{"badRequest": {"code": 400, "message": "Invalid input received: 'size' parameter must be between 1 and 2147483647"}}"#)
        #expect(cinderBad == CloudError(.badRequest, "Invalid input received: 'size' parameter must be between 1 and 2147483647", httpStatus: 400))
        let neutronQuota = Self.refusal(409, #"{"NeutronError": {"type": "OverQuota", "message": "Quota exceeded for resources: ['port'].", "detail": ""}}"#)
        #expect(neutronQuota == CloudError(.quotaExceeded, "Quota exceeded for resources: ['port'].", httpStatus: 409))
        let inUse = Self.refusal(409, #"{"NeutronError": {"type": "IpAddressAlreadyAllocated", "message": "IP address 10.0.0.5 already allocated in subnet 54d6f61d", "detail": ""}}"#)
        #expect(inUse.kind == .conflict && inUse.message == "IP address 10.0.0.5 already allocated in subnet 54d6f61d")
        let neutronMissing = Self.refusal(404, #"{"NeutronError": {"type": "NetworkNotFound", "message": "Network d32019d3 could not be found.", "detail": ""}}"#)
        #expect(neutronMissing.kind == .notFound)
        let immutable = Self.refusal(409, #"{"faultcode": "Client", "faultstring": "Load Balancer 607226db is immutable and cannot be updated.", "debuginfo": null}"#)
        #expect(immutable == CloudError(.conflict, "Load Balancer 607226db is immutable and cannot be updated.", httpStatus: 409))
        let octaviaQuota = Self.refusal(403, #"{"faultcode": "Client", "faultstring": "Quota has been met for resources: Load Balancer", "debuginfo": null}"#)
        #expect(octaviaQuota.kind == .quotaExceeded)
        let keystone = Self.refusal(401, #"{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}"#)
        #expect(keystone == CloudError(.unauthorized, "The request you have made requires authentication.", httpStatus: 401))
        // Glance, and proxies, answer in text or HTML.
        let glance = Self.refusal(404, "404 Not Found\n\nThe resource could not be found.\n\n   ")
        #expect(glance == CloudError(.notFound, "404 Not Found The resource could not be found.", httpStatus: 404))
        let proxy = Self.refusal(503, "<html><body><h1>503 Service Unavailable</h1>\nNo server is available.</body></html>")
        #expect(proxy == CloudError(.serverError, "503 Service Unavailable No server is available.", httpStatus: 503))
        #expect(Self.refusal(500, "") == CloudError(.serverError, "HTTP 500", httpStatus: 500))
    }

    // MARK: Nova

    @Test func novaServersFlavorsKeyPairsGroupsAndAttachmentsDecode() throws {
        let server = OpenStackServices.server(try Self.sample("nova-server-get-resp.json")["server"])
        #expect(server.id == "0e12087a-7c87-476a-8f84-7398e991cecc")
        #expect(server.name == "new-server-test" && server.status == "ACTIVE")
        // From 2.47 the flavor is embedded without its id: its original name stands for it.
        #expect(server.flavorID == "m1.tiny")
        #expect(server.imageID == "70a599e0-31e7-49b7-b260-868f441e862b")
        #expect(server.addresses["private"]?.first == ServerAddress(address: "192.168.1.30", version: 4, type: "fixed", macAddress: "00:0c:29:0d:11:74"))
        #expect(server.metadata == ["My Server Name": "Apache1"])
        #expect(server.securityGroups == ["default"] && server.keyName == nil && server.accessIPv4 == "1.2.3.4")
        #expect(server.createdAt == Date(timeIntervalSince1970: 1_556_032_749))
        #expect(server.launchedAt.map { abs($0.timeIntervalSince1970 - 1_556_032_750.855016) < 0.001 } == true)
        #expect(server.projectID == "6f70656e737461636b20342065766572")

        let listed = (try Self.sample("nova-servers-details-resp.json")["servers"].listValue ?? []).map(OpenStackServices.server)
        #expect(listed.count == 1 && listed[0].status == "ACTIVE")

        // A server that failed to build: the fault's message is what the wait reports.
        guard case .map(var failed) = try Self.sample("nova-server-get-resp.json")["server"] else { Issue.record("not a map"); return }
        failed["status"] = "ERROR"
        failed["fault"] = ["code": 500, "created": "2019-04-23T15:19:10Z", "message": "No valid host was found. There are not enough hosts available."]
        #expect(OpenStackServices.server(.map(failed)).fault == "No valid host was found. There are not enough hosts available.")

        let flavors = (try Self.sample("nova-flavors-detail-resp.json")["flavors"].listValue ?? []).map(OpenStackServices.flavor)
        let small = try #require(flavors.first { $0.name == "m1.small" })
        #expect(small.id == "2" && small.ramMB == 2048 && small.diskGB == 20 && small.vcpus == 1 && small.isPublic)

        let pairs = try Self.sample("nova-keypairs-list-resp.json")["keypairs"].listValue ?? []
        let pair = OpenStackServices.keyPair(pairs[0]["keypair"])
        #expect(pair.name == "keypair-5d935425-31d5-48a7-a0f1-e76e9813f2c3" && pair.type == "ssh" && pair.publicKey.hasPrefix("ssh-rsa"))
        let made = try Self.sample("nova-keypairs-post-resp.json")["keypair"]
        #expect(made["private_key"].stringValue?.contains("PRIVATE KEY") == true)

        let group: ServerGroup = OpenStackServices.group(try Self.sample("nova-server-groups-get-resp.json")["server_group"])
        #expect(group.policies == ["anti-affinity"] && group.rules == ["max_server_per_host": "3"] && group.name == "test")

        let attachments = try Self.sample("nova-list-volume-attachments-resp.json")["volumeAttachments"].listValue ?? []
        #expect(attachments.map { $0["volumeId"].stringValue } == ["227cc671-f30b-4488-96fd-7d0bf13648d8", "a07f71dc-8151-4e7d-a0cc-cd24a3f11113"])
        #expect(try Self.sample("nova-attach-volume-to-server-resp.json")["volumeAttachment"]["device"].stringValue == "/dev/sdb")
    }

    @Test func clientTokenTagsFitNovasTagRules() {
        let token = "kiln-\(UUID().uuidString)-a-resource-name-that-is-quite-long-indeed-\(UUID().uuidString.prefix(8))"
        let tag = OpenStackServices.tokenTag(token)
        #expect(tag.count <= 60 && !tag.contains(",") && !tag.contains("/"))
        #expect(tag == OpenStackServices.tokenTag(token))
        #expect(tag != OpenStackServices.tokenTag(token + "x"))
    }

    // MARK: Neutron

    @Test func neutronObjectsDecode() throws {
        let network = OpenStackServices.network(try Self.sample("neutron-network-show-response.json")["network"])
        #expect(network.id == "d32019d3-bc6e-4319-9c1d-6722fc136a22" && network.name == "private-network" && network.mtu == 1500)
        #expect(network.subnetIDs == ["54d6f61d-db07-451c-9ab3-b9609b6b6f0b"] && network.status == "ACTIVE" && !network.external)

        let subnet = OpenStackServices.subnet(try Self.sample("neutron-subnet-show-response.json")["subnet"])
        #expect(subnet.cidr == "192.0.0.0/8" && subnet.gatewayIP == "192.0.0.1" && subnet.ipVersion == 4 && subnet.enableDHCP)
        #expect(subnet.allocationPools == [AddressRange(start: "192.0.0.2", end: "192.255.255.254")])
        #expect(subnet.networkID == "d32019d3-bc6e-4319-9c1d-6722fc136a22")

        let port = OpenStackServices.port(try Self.sample("neutron-port-show-response.json")["port"])
        #expect(port.fixedIPs == [FixedIP(subnetID: "a0304c3a-4f08-4c43-88af-d796509c97d2", ipAddress: "10.0.0.1")])
        #expect(port.macAddress == "fa:16:3e:23:fd:d7" && port.deviceOwner == "network:router_interface" && !port.portSecurityEnabled)
        #expect(port.status == "ACTIVE" && port.createdAt == Date(timeIntervalSince1970: 1_457_468_381))

        let router = OpenStackServices.router(try Self.sample("neutron-router-show-response.json")["router"])
        #expect(router.externalGateway?.networkID == "ae34051f-aa6c-4c75-abf5-50dc9ac99ef3")
        #expect(router.externalGateway?.fixedIPs.map(\.ipAddress) == ["172.24.4.6", "2001:db8::9"])
        #expect(router.externalGateway?.enableSNAT == true && router.status == "ACTIVE")

        let floating = OpenStackServices.floating(try Self.sample("neutron-floatingip-show-response.json")["floatingip"])
        #expect(floating.floatingIPAddress == "172.24.4.228" && floating.fixedIPAddress == "10.0.0.3")
        #expect(floating.portID == "ce705c24-c1ef-408a-bda3-7bbd946164ab" && floating.status == "ACTIVE")

        let group: SecurityGroup = OpenStackServices.group(try Self.sample("neutron-security-group-show-response.json")["security_group"])
        #expect(group.name == "default" && group.rules.count == 4)
        #expect(group.rules.allSatisfy { $0.securityGroupID == group.id && ["ingress", "egress"].contains($0.direction) })
    }

    // MARK: Cinder

    @Test func cinderVolumesDecode() throws {
        let volume = OpenStackServices.volume(try Self.sample("cinder-volume-show-response.json")["volume"])
        #expect(volume.id == "f7223234-1afc-4d19-bfa3-d19deb6235ef" && volume.status == "creating" && volume.sizeGB == 10)
        // Cinder says "false" as a string, and null for an unnamed volume.
        #expect(!volume.bootable && volume.name == "" && volume.volumeType == "__DEFAULT__")
        #expect(volume.projectID == "89afd400-b646-4bbc-b12b-c0a4d63e5bd3" && volume.attachments.isEmpty)
        #expect(abs(volume.createdAt.timeIntervalSince1970 - 1_543_474_207.770785) < 0.001)
    }

    // MARK: Octavia

    @Test func octaviaObjectsDecode() throws {
        let lb = OpenStackServices.loadBalancer(try Self.sample("octavia-loadbalancer-show-response.json")["loadbalancer"])
        #expect(lb.id == "8a562351-f0fb-424c-a0af-513461424ea5" && lb.vipAddress == "203.0.113.50")
        #expect(lb.status == LoadBalancerStatus(provisioning: "PENDING_CREATE", operating: "ONLINE"))
        #expect(lb.vipPortID == "b4ca07d1-a31e-43e2-891a-7d14f419f342" && lb.provider == "octavia" && lb.flavorID == nil)

        let listener = OpenStackServices.listener(try Self.sample("octavia-listener-show-response.json")["listener"])
        #expect(listener.protocol == "TERMINATED_HTTPS" && listener.protocolPort == 443)
        #expect(listener.loadBalancerID == "607226db-27ef-4d41-ae89-f2a800e9c2db" && listener.defaultPoolID == "ddb2b28f-89e9-45d3-a329-a359c3e39e4a")

        let pool = OpenStackServices.pool(try Self.sample("octavia-pool-show-response.json")["pool"])
        #expect(pool.lbAlgorithm == "ROUND_ROBIN" && pool.listenerIDs == ["023f2e34-7806-443b-bfae-16c324569a3d"])
        #expect(pool.sessionPersistence == SessionPersistence(type: "APP_COOKIE", cookieName: "ChocolateChip") && pool.healthMonitorID == nil)
        #expect(pool.tags == ["test_tag"])

        let member = OpenStackServices.member(try Self.sample("octavia-member-show-response.json")["member"], pool: "4029d267")
        #expect(member.address == "192.0.2.16" && member.protocolPort == 80 && member.weight == 20 && member.monitorPort == 8080)
        #expect(member.status.operating == "NO_MONITOR" && member.poolID == "4029d267" && !member.backup)

        let monitor = OpenStackServices.monitor(try Self.sample("octavia-healthmonitor-show-response.json")["healthmonitor"])
        #expect(monitor.poolID == "4029d267-3983-4224-a3d0-afb3fe16a2cd" && monitor.type == "HTTP" && monitor.delay == 10)
        #expect(monitor.maxRetriesDown == 3 && monitor.urlPath == "/" && monitor.expectedCodes == "200" && monitor.httpMethod == "GET")
    }

    // MARK: Glance

    @Test func glanceImagesDecodeWithTheirProperties() throws {
        let image = OpenStackServices.image(try Self.sample("glance-image-show-response.json"))
        #expect(image.id == "1bea47ed-f6a9-463b-b423-14b9cca9ad27" && image.name == "cirros-0.3.2-x86_64-disk" && image.status == "active")
        #expect(image.diskFormat == "qcow2" && image.sizeBytes == 13_167_616 && image.visibility == "public" && image.properties.isEmpty)
        #expect(image.ownerProjectID == "5ef70662f8b34079a6eddb8da9d75fe8")
        let listed = (try Self.sample("glance-images-list-response.json")["images"].listValue ?? []).map(OpenStackServices.image)
        #expect(listed.count == 2 && listed.allSatisfy { !$0.id.isEmpty })
        guard case .map(var custom) = try Self.sample("glance-image-show-response.json") else { Issue.record("not a map"); return }
        custom["os_distro"] = "cirros"
        custom["hw_disk_bus"] = "scsi"
        #expect(OpenStackServices.image(.map(custom)).properties == ["os_distro": "cirros", "hw_disk_bus": "scsi"])
    }

    // MARK: Times and clouds.yaml

    @Test func timesInEachServicesShape() {
        #expect(OpenStackTime.parse("2019-04-23T15:19:09Z") == Date(timeIntervalSince1970: 1_556_032_749))
        #expect(OpenStackTime.parse("2019-04-23T15:19:09") == Date(timeIntervalSince1970: 1_556_032_749))
        #expect(OpenStackTime.parse("2019-04-23T17:19:09+02:00") == Date(timeIntervalSince1970: 1_556_032_749))
        #expect(OpenStackTime.parse("2000-02-29T00:00:00.5Z") == Date(timeIntervalSince1970: 951_782_400.5))
        #expect(OpenStackTime.parse("yesterday") == nil)
    }

    @Test func cloudsYAMLTLSSettingsReachTheConfig() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("clouds.yaml")
        try """
        clouds:
          lab:
            auth: {auth_url: "https://keystone.lab:5000/v3", username: demo, password: secret, project_name: demo}
            verify: false
          corp:
            auth: {auth_url: "https://keystone.corp/v3", username: demo, password: secret, project_name: demo}
            cacert: /etc/ssl/corp-ca.pem
            cert: /etc/ssl/me.pem
            key: /etc/ssl/me-key.pem
        """.write(to: file, atomically: true, encoding: .utf8)
        let resolver = CloudConfigResolver(environment: ["OS_CLIENT_CONFIG_FILE": file.path], currentDirectory: directory.path, homeDirectory: directory.path)
        let lab = try resolver.resolve(cloud: "lab")
        #expect(!lab.verify && lab.caCertFile == nil)
        let corp = try resolver.resolve(cloud: "corp")
        #expect(corp.verify && corp.caCertFile == "/etc/ssl/corp-ca.pem")
        let insecure = CloudConfigResolver(environment: ["OS_CLIENT_CONFIG_FILE": file.path, "OS_INSECURE": "true"], currentDirectory: directory.path, homeDirectory: directory.path)
        #expect(try !insecure.resolve(cloud: "corp").verify)
        // clouds.yaml `cert`/`key` (a client certificate), OS_CERT/OS_KEY/OS_CACERT over them.
        #expect(corp.clientCertFile == "/etc/ssl/me.pem" && corp.clientKeyFile == "/etc/ssl/me-key.pem")
        let overridden = try CloudConfigResolver(
            environment: ["OS_CLIENT_CONFIG_FILE": file.path, "OS_CERT": "/tmp/c.pem", "OS_KEY": "/tmp/k.pem", "OS_CACERT": "/tmp/ca.pem"],
            currentDirectory: directory.path, homeDirectory: directory.path
        ).resolve(cloud: "corp")
        #expect(overridden.clientCertFile == "/tmp/c.pem" && overridden.clientKeyFile == "/tmp/k.pem" && overridden.caCertFile == "/tmp/ca.pem")
    }
}
