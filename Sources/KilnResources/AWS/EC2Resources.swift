import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `AWS::EC2::Instance`: a server described in CloudFormation's terms, booted through the
/// same calls as `OS::Nova::Server` (ImageId, InstanceType, KeyName, SubnetId or
/// NetworkInterfaces, UserData, Tags as metadata...); `Volumes` are attached once it is
/// ACTIVE and detached before it is deleted, as Heat does.
public struct EC2InstanceResource: ResourcePlugin {
    public static let typeName = "AWS::EC2::Instance"
    public static let schema = CloudPlugin.schema(typeName)

    public init() {}

    /// The instance as an `OS::Nova::Server` resource. Heat boots instances with heat-cfntools
    /// user data (HEAT_CFNTOOLS); `SubnetId` puts the instance on that subnet's network.
    static func server(_ resource: LiveResource) -> LiveResource {
        let groups = (resource[property: "SecurityGroups"].listValue ?? []) + (resource[property: "SecurityGroupIds"].listValue ?? [])
        var properties: [String: Value] = [
            "flavor": resource[property: "InstanceType"], "image": resource[property: "ImageId"], "key_name": resource[property: "KeyName"],
            "availability_zone": resource[property: "AvailabilityZone"], "user_data": resource[property: "UserData"],
            "user_data_format": "HEAT_CFNTOOLS", "security_groups": groups.isEmpty ? .null : .list(groups),
            "scheduler_hints": keyValues(resource[property: "NovaSchedulerHints"]), "metadata": keyValues(resource[property: "Tags"]),
            "flavor_update_policy": "RESIZE", "image_update_policy": "REPLACE", "user_data_update_policy": "REPLACE",
        ]
        if let interfaces = resource[property: "NetworkInterfaces"].listValue, !interfaces.isEmpty {
            // Port ids, or {NetworkInterfaceId, DeviceIndex} in device order.
            let ordered = interfaces.sorted { CloudPlugin.int($0.mapValue?["DeviceIndex"] ?? .null) ?? 0 < CloudPlugin.int($1.mapValue?["DeviceIndex"] ?? .null) ?? 0 }
            properties["networks"] = .list(ordered.compactMap { item in
                (CloudPlugin.string(item) ?? item.mapValue?["NetworkInterfaceId"].flatMap(CloudPlugin.string)).map { ["port": .string($0)] }
            })
        } else if let subnet = CloudPlugin.string(resource[property: "SubnetId"]) {
            var entry: [String: Value] = ["subnet": .string(subnet)]
            if let address = CloudPlugin.string(resource[property: "PrivateIpAddress"]) { entry["fixed_ip"] = .string(address) }
            properties["networks"] = .list([.map(entry)])
        }
        var server = resource
        server.properties = properties.filter { $0.value != .null }
        return server
    }

    /// CloudFormation's `[{Key: K, Value: V}]` as a map.
    static func keyValues(_ value: Value) -> Value {
        guard let list = value.listValue else { return .null }
        var map: [String: Value] = [:]
        for item in list {
            if let entry = item.mapValue, let key = entry["Key"].flatMap(CloudPlugin.string) { map[key] = entry["Value"] ?? "" }
        }
        return .map(map)
    }

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let cloud = try context.cloud()
        // Located here first so a wrong name is reported under the instance's own property names.
        _ = try await CloudPlugin.locate(.flavor, resource[property: "InstanceType"], property: "InstanceType", of: resource, in: cloud)
        _ = try await CloudPlugin.locate(.image, resource[property: "ImageId"], property: "ImageId", of: resource, in: cloud)
        _ = try await CloudPlugin.locate(.keyPair, resource[property: "KeyName"], property: "KeyName", of: resource, in: cloud)
        _ = try await CloudPlugin.locate(.subnet, resource[property: "SubnetId"], property: "SubnetId", of: resource, in: cloud)
        var server = Self.server(resource)
        defer {
            resource.physicalID = server.physicalID
            resource.data = server.data
        }
        try await ServerResource().create(&server, context)
        Self.keep(server, in: &resource)
        resource.physicalID = server.physicalID
        resource.data = server.data
        try await attachVolumes(&resource, cloud, context)
    }

    /// Attaches `Volumes` ([{VolumeId, Device}]) to the ACTIVE instance.
    func attachVolumes(_ resource: inout LiveResource, _ cloud: CloudSession, _ context: ResourceContext) async throws {
        guard let serverID = resource.physicalID else { return }
        for (index, item) in (resource[property: "Volumes"].listValue ?? []).enumerated() {
            let map = item.mapValue ?? [:]
            guard let volumeID = try await CloudPlugin.locate(
                .volume, map["VolumeId"] ?? .null, property: "Volumes[\(index)].VolumeId", of: resource, in: cloud) else { continue }
            let snapshot = resource
            try await CloudPlugin.call(snapshot) {
                guard let volume = try await cloud.blockStorage.volume(volumeID), !volume.attachments.contains(where: { $0.serverID == serverID }) else { return }
                _ = try await cloud.compute.attachVolume(serverID: serverID, volumeID: volumeID, device: map["Device"].flatMap(CloudPlugin.string))
            }
            _ = try await VolumeResource.wait(resource.renamed(volumeID), cloud.blockStorage, statuses: ["in-use"])
            resource.data["volumes"] = .list((resource.data["volumes"]?.listValue ?? []) + [.string(volumeID)])
            try await context.save(resource)
        }
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        var server = Self.server(resource)
        var old = resource
        old.properties = previous
        try await ServerResource().update(&server, previous: Self.server(old).properties, context)
        resource.data = server.data
        Self.keep(server, in: &resource)
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        if let serverID = resource.physicalID {
            let cloud = try context.cloud()
            for volume in (resource.data["volumes"]?.listValue ?? []).compactMap(\.stringValue) {
                try await CloudPlugin.deleting(resource) { try await cloud.compute.detachVolume(serverID: serverID, volumeID: volume) }
            }
        }
        try await ServerResource().delete(Self.server(resource), context)
    }

    public func check(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        var server = Self.server(resource)
        try await ServerResource().check(&server, context)
        Self.keep(server, in: &resource)
    }

    public func suspend(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        var server = Self.server(resource)
        try await ServerResource().suspend(&server, context)
        Self.keep(server, in: &resource)
    }

    public func resume(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        var server = Self.server(resource)
        try await ServerResource().resume(&server, context)
        Self.keep(server, in: &resource)
    }

    static func keep(_ server: LiveResource, in resource: inout LiveResource) {
        let first = server.attributes["first_address"] ?? ""
        var floating: Value = first
        for case .list(let entries) in (server.attributes["addresses"]?.mapValue ?? [:]).values {
            for entry in entries where entry.mapValue?["OS-EXT-IPS:type"] == "floating" { floating = entry.mapValue?["addr"] ?? first }
        }
        resource.attributes = [
            "PrivateIp": first, "PublicIp": floating, "PrivateDnsName": first, "PublicDnsName": floating,
            "AvailabilityZone": server.attributes["show"]?.mapValue?["availability_zone"] ?? "nova",
            "show": server.attributes["show"] ?? .null,
        ]
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}

/// `AWS::EC2::Volume`: a volume of `Size` GB.
public struct EC2VolumeResource: ResourcePlugin {
    public static let typeName = "AWS::EC2::Volume"
    public static let schema = CloudPlugin.schema(typeName)

    public init() {}

    static func volume(_ resource: LiveResource) -> LiveResource {
        var volume = resource
        volume.properties = ["size": resource[property: "Size"], "availability_zone": resource[property: "AvailabilityZone"]]
            .filter { $0.value != .null }
        return volume
    }

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        var volume = Self.volume(resource)
        try await VolumeResource().create(&volume, context)
        resource.physicalID = volume.physicalID
        resource.data = volume.data
        resource.attributes = volume.attributes
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        try await VolumeResource().delete(Self.volume(resource), context)
    }
}

/// `AWS::EC2::VolumeAttachment`: attaches `VolumeId` to `InstanceId` at `Device`.
public struct EC2VolumeAttachmentResource: ResourcePlugin {
    public static let typeName = "AWS::EC2::VolumeAttachment"
    public static let schema = CloudPlugin.schema(typeName)

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        try await VolumeAttachmentResource().attach(
            &resource, context, server: ("InstanceId", resource[property: "InstanceId"]), volume: ("VolumeId", resource[property: "VolumeId"]),
            device: resource[property: "Device"])
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        try await VolumeAttachmentResource().delete(resource, context)
    }
}
