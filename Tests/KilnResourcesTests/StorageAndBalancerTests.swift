import Foundation
import KilnCloud
import KilnEmulator
import KilnEngine
import KilnModel
import KilnStore
import Testing

@Suite("Cinder, Octavia, Glance, key pairs and CFN types on the emulated cloud")
struct StorageAndBalancerTests {
    static func volumes(size: Int = 1, mountpoint: String = "/dev/vdb") -> String {
        """
        heat_template_version: 2021-04-16
        resources:
          server:
            type: OS::Nova::Server
            properties: {flavor: m1.tiny, image: cirros-0.6.2-x86_64-disk}
          volume:
            type: OS::Cinder::Volume
            properties: {name: data, size: \(size), metadata: {tier: db}, description: data disk}
          from_image:
            type: OS::Cinder::Volume
            properties: {size: 2, image: cirros-0.6.2-x86_64-disk}
          attachment:
            type: OS::Cinder::VolumeAttachment
            properties: {instance_uuid: {get_resource: server}, volume_id: {get_resource: volume}, mountpoint: \(mountpoint)}
        outputs:
          size: {value: {get_attr: [volume, size]}}
          volume: {value: {get_resource: volume}}
          bootable: {value: {get_attr: [from_image, bootable]}}
          metadata: {value: {get_attr: [volume, metadata_values]}}
          attached_to: {value: {get_attr: [volume, attachments_list, 0, server_id]}}
          device: {value: {get_attr: [volume, attachments_list, 0, device]}}
          server: {value: {get_resource: server}}
        """
    }

    @Test func volumesAttachExtendInPlaceAndRefuseToShrink() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.create("vol", Self.volumes())
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        var outputs = try await fixture.outputs(stack)
        let id = try #require(outputs["volume"]?.stringValue)
        #expect(outputs["size"] == 1 && outputs["bootable"] == true && outputs["metadata"] == ["tier": "db"])
        // The attachment, made after the volume, shows in the volume's attributes.
        #expect(outputs["attached_to"] != nil && outputs["attached_to"] == outputs["server"])
        var volume = try #require(try await fixture.session.blockStorage.volume(id))
        #expect(volume.status == "in-use" && volume.attachments.first?.device == "/dev/vdb" && volume.name == "data")

        let extended = try await fixture.update(stack, Self.volumes(size: 3))
        #expect(extended.statusText == "UPDATE_COMPLETE", "\(extended.statusReason)")
        outputs = try await fixture.outputs(extended)
        #expect(outputs["volume"]?.stringValue == id && outputs["size"] == 3)
        volume = try #require(try await fixture.session.blockStorage.volume(id))
        #expect(volume.sizeGB == 3)

        let shrunk = try await fixture.update(stack, Self.volumes(size: 2))
        #expect(shrunk.statusText == "UPDATE_FAILED")
        #expect(try await fixture.resource(stack, "volume").statusReason.contains("Shrinking volume is not supported"))

        let deleted = try await fixture.engine.delete(stack.id)
        #expect(deleted.statusText == "DELETE_COMPLETE", "\(deleted.statusReason)")
        #expect(try await fixture.isEmpty())
    }

    @Test func aMovedMountpointReattachesTheVolume() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.create("remount", Self.volumes())
        let moved = try await fixture.update(stack, Self.volumes(mountpoint: "/dev/vdc"))
        #expect(moved.statusText == "UPDATE_COMPLETE", "\(moved.statusReason)")
        let id = try #require(try await fixture.outputs(moved)["volume"]?.stringValue)
        let volume = try #require(try await fixture.session.blockStorage.volume(id))
        #expect(volume.attachments.map(\.device) == ["/dev/vdc"] && volume.status == "in-use")
        #expect(try await fixture.outputs(moved)["device"] == "/dev/vdc")
        _ = try await fixture.engine.delete(stack.id)
        #expect(try await fixture.isEmpty())
    }

    @Test func aVolumeInErrorFailsAsHeatSaysIt() async throws {
        let fixture = try await CloudFixture(EmulatorOptions(faults: try CloudFaults(parsing: "volume.create=1")))
        let template = """
            heat_template_version: 2021-04-16
            resources:
              volume: {type: OS::Cinder::Volume, properties: {size: 1}}
            """
        let stack = try await fixture.create("volerr", template)
        #expect(stack.statusText == "CREATE_FAILED")
        #expect(try await fixture.resource(stack, "volume").statusReason == "ResourceInError: resources.volume: Went to status error due to \"Unknown\"")
        _ = try await fixture.engine.delete(stack.id)
        #expect(try await fixture.session.blockStorage.volumes().isEmpty)
    }

    static func balancer(weight: Int = 1) -> String {
        """
        heat_template_version: 2021-04-16
        resources:
        \(networkResources)
          lb:
            type: OS::Octavia::LoadBalancer
            properties: {vip_subnet: {get_resource: subnet}, name: front}
          listener:
            type: OS::Octavia::Listener
            properties: {loadbalancer: {get_resource: lb}, protocol: HTTP, protocol_port: 80}
          pool:
            type: OS::Octavia::Pool
            properties: {listener: {get_resource: listener}, protocol: HTTP, lb_algorithm: ROUND_ROBIN}
          member:
            type: OS::Octavia::PoolMember
            properties: {pool: {get_resource: pool}, address: 10.0.0.30, protocol_port: 8080, subnet: {get_resource: subnet}, weight: \(weight)}
          monitor:
            type: OS::Octavia::HealthMonitor
            properties: {pool: {get_resource: pool}, type: HTTP, delay: 5, timeout: 3, max_retries: 2, url_path: /health}
        outputs:
          vip: {value: {get_attr: [lb, vip_address]}}
          vip_port: {value: {get_attr: [lb, vip_port_id]}}
          pool: {value: {get_resource: pool}}
          member: {value: {get_resource: member}}
        """
    }

    @Test func aLoadBalancerWithListenerPoolMemberAndMonitor() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.create("lb", Self.balancer())
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let outputs = try await fixture.outputs(stack)
        #expect(outputs["vip"]?.stringValue?.hasPrefix("10.0.0.") == true)
        let vipPort = try #require(outputs["vip_port"]?.stringValue)
        #expect(try await fixture.session.network.port(vipPort) != nil)
        let poolID = try #require(outputs["pool"]?.stringValue)
        let memberID = try #require(outputs["member"]?.stringValue)
        let lb = fixture.session.loadBalancer
        #expect(try await lb.pool(poolID)?.healthMonitorID != nil)
        #expect(try await lb.member(poolID: poolID, id: memberID)?.weight == 1)

        let reweighted = try await fixture.update(stack, Self.balancer(weight: 5))
        #expect(reweighted.statusText == "UPDATE_COMPLETE", "\(reweighted.statusReason)")
        #expect(try await fixture.outputs(reweighted)["member"]?.stringValue == memberID)
        #expect(try await lb.member(poolID: poolID, id: memberID)?.weight == 5)

        // The pools and listeners, made after the load balancer, show in its attributes.
        let attributes = try await fixture.resource(stack, "lb").attributes.mapValue ?? [:]
        let listenerID = try await fixture.resource(stack, "listener").physicalID ?? ""
        #expect(attributes["pools"] == [.string(poolID)] && attributes["listeners"] == [.string(listenerID)])
        let checked = try await fixture.engine.check(stack.id)
        #expect(checked.statusText == "CHECK_COMPLETE", "\(checked.statusReason)")

        let deleted = try await fixture.engine.delete(stack.id)
        #expect(deleted.statusText == "DELETE_COMPLETE", "\(deleted.statusReason)")
        #expect(try await fixture.isEmpty())
    }

    @Test func keyPairsKeepThePrivateKeyOnlyAsTheirAttributeNeverInEvents() async throws {
        let fixture = try await CloudFixture()
        let template = """
            heat_template_version: 2021-04-16
            resources:
              key:
                type: OS::Nova::KeyPair
                properties: {name: deployer, save_private_key: true}
              unsaved:
                type: OS::Nova::KeyPair
                properties: {name: other}
              server:
                type: OS::Nova::Server
                properties: {flavor: m1.tiny, image: cirros-0.6.2-x86_64-disk, key_name: {get_resource: key}}
            outputs:
              ref: {value: {get_resource: key}}
              private: {value: {get_attr: [key, private_key]}}
              public: {value: {get_attr: [key, public_key]}}
              unsaved_private: {value: {get_attr: [unsaved, private_key]}}
            """
        let stack = try await fixture.create("keys", template)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let outputs = try await fixture.outputs(stack)
        #expect(outputs["ref"] == "deployer" && outputs["unsaved_private"] == "")
        let privateKey = try #require(outputs["private"]?.stringValue)
        #expect(privateKey.contains("PRIVATE KEY"))
        let pair = try #require(try await fixture.session.compute.keyPair(named: "deployer"))
        #expect(outputs["public"]?.stringValue == pair.publicKey)
        let server = try #require(try await fixture.session.compute.servers().first)
        #expect(server.keyName == "deployer")
        let events = try await fixture.engine.events(of: stack, nestedDepth: 0)
        #expect(!events.contains { $0.reason.contains(privateKey) })
        let show = try await fixture.resource(stack, "key").attributes.mapValue?["show"]
        #expect(!(show?.jsonText().contains("PRIVATE KEY") ?? false))
        _ = try await fixture.engine.delete(stack.id)
        #expect(try await fixture.session.compute.keyPairs().isEmpty)
    }

    @Test func cfnInstanceVolumeAndAttachment() async throws {
        let fixture = try await CloudFixture()
        let template = """
            HeatTemplateFormatVersion: '2012-12-12'
            Resources:
              Net: {Type: OS::Neutron::Net}
              Subnet:
                Type: OS::Neutron::Subnet
                Properties: {network: {Ref: Net}, cidr: 10.9.0.0/24}
              Instance:
                Type: AWS::EC2::Instance
                Properties:
                  ImageId: cirros-0.6.2-x86_64-disk
                  InstanceType: m1.small
                  SubnetId: {Ref: Subnet}
                  PrivateIpAddress: 10.9.0.44
                  UserData: echo hi
                  Tags: [{Key: role, Value: web}]
                  Volumes: [{VolumeId: {Ref: Logs}, Device: /dev/vdc}]
              Logs:
                Type: AWS::EC2::Volume
                Properties: {Size: 1, AvailabilityZone: nova}
              Disk:
                Type: AWS::EC2::Volume
                Properties: {Size: 2, AvailabilityZone: {'Fn::GetAtt': [Instance, AvailabilityZone]}}
              Mount:
                Type: AWS::EC2::VolumeAttachment
                Properties: {InstanceId: {Ref: Instance}, VolumeId: {Ref: Disk}, Device: /dev/vdb}
            Outputs:
              PrivateIp: {Value: {'Fn::GetAtt': [Instance, PrivateIp]}}
              Zone: {Value: {'Fn::GetAtt': [Instance, AvailabilityZone]}}
            """
        let stack = try await fixture.create("cfn", template)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let outputs = try await fixture.outputs(stack)
        #expect(outputs["PrivateIp"] == "10.9.0.44" && outputs["Zone"] == "nova")
        let volumes = try await fixture.session.blockStorage.volumes()
        let disk = try #require(volumes.first { $0.sizeGB == 2 }), logs = try #require(volumes.first { $0.sizeGB == 1 })
        #expect(disk.status == "in-use" && disk.attachments.first?.device == "/dev/vdb")
        #expect(logs.status == "in-use" && logs.attachments.first?.device == "/dev/vdc")
        let server = try #require(try await fixture.session.compute.servers().first)
        #expect(server.flavorID == "2" && server.metadata == ["role": "web"])
        let deleted = try await fixture.engine.delete(stack.id)
        #expect(deleted.statusText == "DELETE_COMPLETE", "\(deleted.statusReason)")
        #expect(try await fixture.isEmpty())
    }

    @Test func aWebImageIsMadeAndRemoved() async throws {
        let fixture = try await CloudFixture()
        let template = """
            heat_template_version: 2021-04-16
            resources:
              image:
                type: OS::Glance::WebImage
                properties: {name: fedora, location: "https://example.org/fedora.qcow2", disk_format: qcow2, container_format: bare, min_disk: 2}
              server:
                type: OS::Nova::Server
                properties: {flavor: m1.small, image: {get_resource: image}}
            """
        let stack = try await fixture.create("img", template)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let image = try #require(try await fixture.session.images.image("fedora"))
        #expect(image.minDiskGB == 2)
        _ = try await fixture.engine.delete(stack.id)
        #expect(try await fixture.session.images.image("fedora") == nil)
    }

    @Test func objectsOfAnotherStackAreFoundByName() async throws {
        let fixture = try await CloudFixture()
        let shared = """
            heat_template_version: 2021-04-16
            resources:
              net: {type: OS::Neutron::Net, properties: {name: shared-net}}
              subnet: {type: OS::Neutron::Subnet, properties: {name: shared-subnet, network: {get_resource: net}, cidr: 10.8.0.0/24}}
              sg: {type: OS::Neutron::SecurityGroup, properties: {name: shared-sg}}
              volume: {type: OS::Cinder::Volume, properties: {name: shared-vol, size: 1}}
            """
        let base = try await fixture.create("base", shared)
        #expect(base.statusText == "CREATE_COMPLETE", "\(base.statusReason)")
        let consumer = """
            heat_template_version: 2021-04-16
            resources:
              port:
                type: OS::Neutron::Port
                properties: {network: shared-net, fixed_ips: [{subnet: shared-subnet}], security_groups: [shared-sg]}
              server:
                type: OS::Nova::Server
                properties: {flavor: m1.tiny, image: cirros-0.6.2-x86_64-disk, networks: [{network: shared-net}]}
              attach:
                type: OS::Cinder::VolumeAttachment
                properties: {instance_uuid: {get_resource: server}, volume_id: shared-vol}
            """
        let stack = try await fixture.create("consumer", consumer)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let sg = try #require(try await fixture.session.network.securityGroup("shared-sg"))
        let portID = try #require(try await fixture.resource(stack, "port").physicalID)
        #expect(try await fixture.session.network.port(portID)?.securityGroupIDs == [sg.id])
        #expect(try await fixture.session.blockStorage.volume("shared-vol")?.status == "in-use")
        _ = try await fixture.engine.delete(stack.id)
        #expect(try await fixture.session.blockStorage.volume("shared-vol")?.status == "available")
        _ = try await fixture.engine.delete(base.id)
        #expect(try await fixture.isEmpty())
    }

    @Test func aLoadBalancerInErrorFailsAsHeatSaysIt() async throws {
        let fixture = try await CloudFixture(EmulatorOptions(faults: try CloudFaults(parsing: "loadbalancer.create=1")))
        let stack = try await fixture.create("lberr", Self.balancer())
        #expect(stack.statusText == "CREATE_FAILED")
        #expect(try await fixture.resource(stack, "lb").statusReason == "ResourceInError: resources.lb: Went to status ERROR due to \"Unknown\"")
        let deleted = try await fixture.engine.delete(stack.id)
        #expect(deleted.statusText == "DELETE_COMPLETE", "\(deleted.statusReason)")
        #expect(try await fixture.isEmpty())
    }

    @Test func objectsDeletedBehindTheStacksBackDoNotStopItsDelete() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.create("gone", Self.balancer())
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let lbID = try #require(try await fixture.resource(stack, "lb").physicalID)
        try await fixture.session.loadBalancer.deleteLoadBalancer(id: lbID, cascade: true)
        _ = try await fixture.session.loadBalancer.waitForLoadBalancer(id: lbID, untilGone: true, timeout: 60)
        let deleted = try await fixture.engine.delete(stack.id)
        #expect(deleted.statusText == "DELETE_COMPLETE", "\(deleted.statusReason)")
        #expect(try await fixture.isEmpty())

        let volumes = try await fixture.create("gonevol", Self.volumes())
        let volumeID = try #require(try await fixture.resource(volumes, "from_image").physicalID)
        try await fixture.session.blockStorage.deleteVolume(id: volumeID)
        let server = try #require(try await fixture.resource(volumes, "server").physicalID)
        try await fixture.session.compute.deleteServer(id: server)
        _ = try await fixture.session.compute.waitForServer(id: server, statuses: [], untilGone: true, timeout: 60)
        let gone = try await fixture.engine.delete(volumes.id)
        #expect(gone.statusText == "DELETE_COMPLETE", "\(gone.statusReason)")
        #expect(try await fixture.isEmpty())
    }
}
