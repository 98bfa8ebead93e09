import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `AWS::EC2::Instance`: a server described in CloudFormation's terms, booted through the
/// same calls as `OS::Nova::Server` (ImageId, InstanceType, KeyName, SubnetId, UserData...).
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
            "scheduler_hints": resource[property: "NovaSchedulerHints"], "flavor_update_policy": "RESIZE", "image_update_policy": "REPLACE",
            "user_data_update_policy": "REPLACE",
        ]
        if let subnet = CloudPlugin.string(resource[property: "SubnetId"]) {
            properties["networks"] = .list([["subnet": .string(subnet)]])
        }
        var server = resource
        server.properties = properties.filter { $0.value != .null }
        return server
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
