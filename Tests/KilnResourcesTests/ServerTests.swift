import Foundation
import KilnCloud
import KilnEmulator
import KilnEngine
import KilnModel
import KilnStore
import Testing

@Suite("OS::Nova::Server on the emulated cloud")
struct ServerTests {
    static let networked = """
        heat_template_version: 2021-04-16
        parameters:
          name: {type: string, default: web}
          meta: {type: json, default: {role: web}}
          tags: {type: comma_delimited_list, default: "a"}
          image: {type: string, default: cirros-0.6.2-x86_64-disk}
          image_policy: {type: string, default: REBUILD}
        resources:
        \(networkResources)
          other_net:
            type: OS::Neutron::Net
            properties: {name: other}
          other_subnet:
            type: OS::Neutron::Subnet
            properties: {network: {get_resource: other_net}, cidr: 10.1.0.0/24}
          port:
            type: OS::Neutron::Port
            properties:
              network: {get_resource: net}
              fixed_ips: [{subnet: {get_resource: subnet}, ip_address: 10.0.0.50}]
          group:
            type: OS::Nova::ServerGroup
            properties: {name: spread, policies: [anti-affinity]}
          server:
            type: OS::Nova::Server
            properties:
              name: {get_param: name}
              flavor: m1.small
              image: {get_param: image}
              image_update_policy: {get_param: image_policy}
              metadata: {get_param: meta}
              tags: {get_param: tags}
              user_data_format: RAW
              user_data: "#!/bin/sh\\necho hi"
              scheduler_hints: {group: spread}
              networks:
                - port: {get_resource: port}
                - subnet: {get_resource: other_subnet}
                  fixed_ip: 10.1.0.20
        outputs:
          first_address: {value: {get_attr: [server, first_address]}}
          networks: {value: {get_attr: [server, networks]}}
          name: {value: {get_attr: [server, name]}}
          instance_name: {value: {get_attr: [server, instance_name]}}
          show_status: {value: {get_attr: [server, show, status]}}
          id: {value: {get_resource: server}}
        """

    @Test func bootsOnPortsAndSubnetsByNameWithItsGroupAndShowsItsAddresses() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.create("boot", Self.networked)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let outputs = try await fixture.outputs(stack)
        let id = try #require(outputs["id"]?.stringValue)
        let server = try #require(try await fixture.session.compute.server(id: id))
        #expect(server.status == "ACTIVE" && server.name == "web" && server.metadata == ["role": "web"] && server.tags == ["a"])
        #expect(server.userData.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } == "#!/bin/sh\necho hi")
        let group = try #require(try await fixture.session.compute.serverGroups().first)
        #expect(server.serverGroupID == group.id && group.members == [id])
        let networks = outputs["networks"]?.mapValue ?? [:]
        #expect(networks["net"] == ["10.0.0.50"] && networks["other"] == ["10.1.0.20"], "\(networks)")
        #expect(outputs["name"] == "web" && outputs["show_status"] == "ACTIVE")
        #expect(["10.0.0.50", "10.1.0.20"].contains(outputs["first_address"]?.stringValue ?? ""))
        #expect(outputs["instance_name"]?.stringValue?.hasPrefix("instance-") == true)
        let deleted = try await fixture.engine.delete(stack.id)
        #expect(deleted.statusText == "DELETE_COMPLETE", "\(deleted.statusReason)")
        #expect(try await fixture.isEmpty())
    }

    @Test func nameMetadataAndTagsUpdateInPlaceAndANewImageRebuildsOrReplaces() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.create("inplace", Self.networked)
        let id = try #require(try await fixture.outputs(stack)["id"]?.stringValue)
        let renamed = try await fixture.update(stack, Self.networked, parameters: ["name": "web2", "meta": #"{"role": "db"}"#, "tags": "x,y"])
        #expect(renamed.statusText == "UPDATE_COMPLETE", "\(renamed.statusReason)")
        var server = try #require(try await fixture.session.compute.server(id: id))
        #expect(server.name == "web2" && server.metadata == ["role": "db"] && server.tags == ["x", "y"])
        #expect(try await fixture.outputs(renamed)["name"] == "web2")

        let rebuilt = try await fixture.update(stack, Self.networked, parameters: ["name": "web2", "meta": #"{"role": "db"}"#, "tags": "x,y", "image": "ubuntu-22.04"])
        #expect(rebuilt.statusText == "UPDATE_COMPLETE", "\(rebuilt.statusReason)")
        server = try #require(try await fixture.session.compute.server(id: id))
        #expect(server.imageID == "7c4dba6a-9bbd-4a9a-9f33-8ac0d9d2a002" && server.status == "ACTIVE")

        let replaced = try await fixture.update(
            stack, Self.networked,
            parameters: ["name": "web2", "meta": #"{"role": "db"}"#, "tags": "x,y", "image": "ubuntu-24.04", "image_policy": "REPLACE"])
        #expect(replaced.statusText == "UPDATE_COMPLETE", "\(replaced.statusReason)")
        let newID = try #require(try await fixture.outputs(replaced)["id"]?.stringValue)
        #expect(newID != id)
        #expect(try await fixture.session.compute.servers().map(\.id) == [newID])
        _ = try await fixture.engine.delete(stack.id)
        #expect(try await fixture.isEmpty())
    }

    static func interfaces(_ networks: String) -> String {
        """
        heat_template_version: 2021-04-16
        resources:
        \(networkResources)
          other_net:
            type: OS::Neutron::Net
            properties: {name: other}
          other_subnet:
            type: OS::Neutron::Subnet
            properties: {network: {get_resource: other_net}, cidr: 10.1.0.0/24}
          server:
            type: OS::Nova::Server
            depends_on: [subnet, other_subnet]
            properties:
              flavor: m1.tiny
              image: cirros-0.6.2-x86_64-disk
              networks: \(networks)
        outputs:
          networks: {value: {get_attr: [server, networks]}}
          id: {value: {get_resource: server}}
        """
    }

    @Test func changedNetworksAttachAndDetachInterfacesOfTheSameServer() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.create("nics", Self.interfaces("[{network: {get_resource: net}}]"))
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let id = try #require(try await fixture.outputs(stack)["id"]?.stringValue)

        let both = try await fixture.update(stack, Self.interfaces("[{network: {get_resource: net}}, {network: {get_resource: other_net}, fixed_ip: 10.1.0.9}]"))
        #expect(both.statusText == "UPDATE_COMPLETE", "\(both.statusReason)")
        var networks = try await fixture.outputs(both)["networks"]?.mapValue ?? [:]
        let otherID = try #require(try await fixture.resource(stack, "other_net").physicalID)
        // Listed by name and by id, as Heat lists them.
        #expect(Set(networks.keys).isSuperset(of: ["net", "other", otherID]) && networks.count == 4 && networks[otherID] == ["10.1.0.9"])

        let moved = try await fixture.update(stack, Self.interfaces("[{network: {get_resource: other_net}, fixed_ip: 10.1.0.9}]"))
        #expect(moved.statusText == "UPDATE_COMPLETE", "\(moved.statusReason)")
        networks = try await fixture.outputs(moved)["networks"]?.mapValue ?? [:]
        #expect(Set(networks.keys) == ["other", otherID], "\(networks)")
        #expect(try await fixture.session.compute.servers().map(\.id) == [id])
        // The interface made for `net` went with its detachment.
        let ports = try await fixture.session.network.ports(networkID: nil, deviceID: id)
        #expect(ports.count == 1 && ports.first?.fixedIPs.first?.ipAddress == "10.1.0.9")
        _ = try await fixture.engine.delete(stack.id)
        #expect(try await fixture.isEmpty())
    }

    static let single = """
        heat_template_version: 2021-04-16
        resources:
          server:
            type: OS::Nova::Server
            properties: {flavor: m1.tiny, image: cirros-0.6.2-x86_64-disk}
        """

    @Test func suspendResumeAndCheckFollowTheServer() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.create("life", Self.single)
        let id = try #require(try await fixture.resource(stack, "server").physicalID)
        let suspended = try await fixture.engine.suspend(stack.id)
        #expect(suspended.statusText == "SUSPEND_COMPLETE", "\(suspended.statusReason)")
        #expect(try await fixture.session.compute.server(id: id)?.status == "SUSPENDED")
        let checkedWhileSuspended = try await fixture.engine.check(stack.id)
        #expect(checkedWhileSuspended.statusText == "CHECK_FAILED")
        #expect(try await fixture.resource(stack, "server").statusReason == "Error: resources.server: 'status': expected 'ACTIVE', got 'SUSPENDED'")
        let resumed = try await fixture.engine.resume(stack.id)
        #expect(resumed.statusText == "RESUME_COMPLETE", "\(resumed.statusReason)")
        #expect(try await fixture.session.compute.server(id: id)?.status == "ACTIVE")
        let checked = try await fixture.engine.check(stack.id)
        #expect(checked.statusText == "CHECK_COMPLETE", "\(checked.statusReason)")

        // Gone behind the stack's back: check says so, delete still completes.
        try await fixture.session.compute.deleteServer(id: id)
        _ = try await fixture.session.compute.waitForServer(id: id, statuses: [], untilGone: true, timeout: 60)
        let missing = try await fixture.engine.check(stack.id)
        #expect(missing.statusText == "CHECK_FAILED")
        #expect(try await fixture.resource(stack, "server").statusReason.contains("NotFound: resources.server: Instance \(id) could not be found."))
        let deleted = try await fixture.engine.delete(stack.id)
        #expect(deleted.statusText == "DELETE_COMPLETE", "\(deleted.statusReason)")
    }

    @Test func aServerThatGoesToErrorFailsWithNovasFault() async throws {
        let fixture = try await CloudFixture(EmulatorOptions(faults: try CloudFaults(parsing: "server.create=1")))
        let stack = try await fixture.create("err", Self.single)
        #expect(stack.statusText == "CREATE_FAILED")
        let reason = try await fixture.resource(stack, "server").statusReason
        #expect(reason.hasPrefix("ResourceInError: resources.server: Went to status ERROR due to \"Message: "), "\(reason)")
        #expect(reason.hasSuffix(", Code: 500\""), "\(reason)")
        let deleted = try await fixture.engine.delete(stack.id)
        #expect(deleted.statusText == "DELETE_COMPLETE")
        #expect(try await fixture.session.compute.servers().isEmpty)
    }

    @Test func aQuotaRefusalIsWordedAsHeatShowsIt() async throws {
        let fixture = try await CloudFixture(EmulatorOptions(quotas: Quotas(limits: ["instances": 0, "cores": 20, "ram": 51200])))
        let stack = try await fixture.create("quota", Self.single)
        #expect(stack.statusText == "CREATE_FAILED")
        let reason = try await fixture.resource(stack, "server").statusReason
        #expect(reason.hasPrefix("Forbidden: resources.server: Quota exceeded for instances"), "\(reason)")
    }

    @Test func aFlavorKnownOnlyAtRunTimeIsLocatedWithThePropertyNamed() async throws {
        let fixture = try await CloudFixture()
        let template = """
            heat_template_version: 2021-04-16
            resources:
              choice:
                type: OS::Heat::Value
                properties: {value: m1.hugee}
              server:
                type: OS::Nova::Server
                properties: {flavor: {get_attr: [choice, value]}, image: cirros-0.6.2-x86_64-disk}
            """
        let stack = try await fixture.create("late", template)
        #expect(stack.statusText == "CREATE_FAILED")
        let reason = try await fixture.resource(stack, "server").statusReason
        #expect(reason == "Property error: resources.server.properties.flavor: Error validating value 'm1.hugee': The Flavor (m1.hugee) could not be found.")
        #expect(try await fixture.session.compute.servers().isEmpty)
    }

    @Test func heatCfntoolsAndSoftwareConfigUserDataAreMultipartWithThePayload() async throws {
        let fixture = try await CloudFixture()
        let template = """
            heat_template_version: 2021-04-16
            resources:
              config:
                type: OS::Heat::SoftwareConfig
                properties: {group: ungrouped, config: "#!/bin/sh\\necho from-config"}
              cfn:
                type: OS::Nova::Server
                metadata: {AWS::CloudFormation::Init: {config: {files: {}}}}
                properties: {flavor: m1.tiny, image: cirros-0.6.2-x86_64-disk, user_data: "echo cfn"}
              sc:
                type: OS::Nova::Server
                properties:
                  flavor: m1.tiny
                  image: cirros-0.6.2-x86_64-disk
                  user_data_format: SOFTWARE_CONFIG
                  user_data: {get_resource: config}
            """
        let stack = try await fixture.create("ud", template)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        func userData(_ name: String) async throws -> String {
            let id = try await fixture.resource(stack, name).physicalID ?? ""
            let server = try await fixture.session.compute.server(id: id)
            return server?.userData.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        let cfn = try await userData("cfn")
        #expect(cfn.hasPrefix("Content-Type: multipart/mixed") && cfn.contains("filename=\"cfn-userdata\"\n\necho cfn\n"))
        #expect(cfn.contains("filename=\"cfn-init-data\"") && cfn.contains("AWS::CloudFormation::Init"))
        let sc = try await userData("sc")
        #expect(sc.contains("#!/bin/sh\necho from-config") && !sc.contains("cfn-userdata"))
    }

    @Test func aReplacementThatFailsGivesTheOldServerItsPortBack() async throws {
        let fixture = try await CloudFixture(EmulatorOptions(quotas: Quotas(limits: ["instances": 1, "cores": 20, "ram": 51200])))
        let template = """
            heat_template_version: 2021-04-16
            parameters:
              flavor: {type: string, default: m1.tiny}
            resources:
            \(networkResources)
              port:
                type: OS::Neutron::Port
                properties: {network: {get_resource: net}, fixed_ips: [{subnet: {get_resource: subnet}}]}
              server:
                type: OS::Nova::Server
                properties:
                  flavor: {get_param: flavor}
                  image: cirros-0.6.2-x86_64-disk
                  flavor_update_policy: REPLACE
                  networks: [{port: {get_resource: port}}]
            """
        let stack = try await fixture.create("takeback", template)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let old = try #require(try await fixture.resource(stack, "server").physicalID)
        let port = try #require(try await fixture.resource(stack, "port").physicalID)
        let updated = try await fixture.update(stack, template, parameters: ["flavor": "m1.small"])
        #expect(updated.statusText == "UPDATE_FAILED")
        #expect(try await fixture.resource(stack, "server").statusReason.contains("Quota exceeded for instances"))
        #expect(try await fixture.session.network.port(port)?.deviceID == old)
        #expect(try await fixture.session.compute.servers().map(\.id) == [old])
        _ = try await fixture.engine.delete(stack.id)
        #expect(try await fixture.isEmpty())
    }

    @Test func allocateNetworkNoneBootsWithoutAnInterface() async throws {
        let fixture = try await CloudFixture()
        let template = """
            heat_template_version: 2021-04-16
            resources:
            \(networkResources)
              server:
                type: OS::Nova::Server
                depends_on: subnet
                properties: {flavor: m1.tiny, image: cirros-0.6.2-x86_64-disk, networks: [{allocate_network: none}]}
              auto:
                type: OS::Nova::Server
                depends_on: subnet
                properties: {flavor: m1.tiny, image: cirros-0.6.2-x86_64-disk}
            """
        let stack = try await fixture.create("nonet", template)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let none = try #require(try await fixture.session.compute.server(id: fixture.resource(stack, "server").physicalID ?? ""))
        #expect(none.addresses.isEmpty && none.portIDs.isEmpty)
        // Without networks, Nova picks the project's only network.
        let auto = try #require(try await fixture.session.compute.server(id: fixture.resource(stack, "auto").physicalID ?? ""))
        #expect(Array(auto.addresses.keys) == ["net"])
    }

    static func floating(_ networks: String) -> String {
        """
        heat_template_version: 2021-04-16
        resources:
        \(networkResources)
          router:
            type: OS::Neutron::Router
            properties: {external_gateway_info: {network: public}}
          iface:
            type: OS::Neutron::RouterInterface
            properties: {router: {get_resource: router}, subnet: {get_resource: subnet}}
          fip:
            type: OS::Neutron::FloatingIP
            properties: {floating_network: public}
          server:
            type: OS::Nova::Server
            depends_on: iface
            properties:
              flavor: m1.tiny
              block_device_mapping_v2: [{image: cirros-0.6.2-x86_64-disk, volume_size: 1, boot_index: 0, delete_on_termination: true}]
              networks: \(networks)
        outputs:
          fip: {value: {get_resource: fip}}
          address: {value: {get_attr: [fip, floating_ip_address]}}
          addresses: {value: {get_attr: [server, addresses, net]}}
        """
    }

    @Test func aFloatingIPInANetworksEntryIsAssociatedAndDissociatedWithIt() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.create("fip", Self.floating("[{network: {get_resource: net}, floating_ip: {get_resource: fip}}]"))
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let outputs = try await fixture.outputs(stack)
        let fipID = try #require(outputs["fip"]?.stringValue)
        let floating = try #require(try await fixture.session.network.floatingIP(id: fipID))
        #expect(floating.portID != nil && floating.fixedIPAddress?.hasPrefix("10.0.0.") == true)
        let types = outputs["addresses"]?.listValue?.compactMap { $0.mapValue?["OS-EXT-IPS:type"]?.stringValue } ?? []
        #expect(types.sorted() == ["fixed", "floating"], "\(outputs)")
        // Booted from a volume made from the image (by name), removed with the server.
        #expect(try await fixture.session.blockStorage.volumes().count == 1)

        let plain = try await fixture.update(stack, Self.floating("[{network: {get_resource: net}}]"))
        #expect(plain.statusText == "UPDATE_COMPLETE", "\(plain.statusReason)")
        #expect(try await fixture.session.network.floatingIP(id: fipID)?.portID == nil)
        _ = try await fixture.engine.delete(stack.id)
        #expect(try await fixture.isEmpty())
    }
}
