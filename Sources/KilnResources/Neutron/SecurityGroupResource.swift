import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// `OS::Neutron::SecurityGroup`: a group with its rules. As in Heat, the default egress
/// rules (any IPv4, any IPv6) stand unless the template gives egress rules of its own; a
/// change of `rules` updates in place: the group's rules become exactly the template's, so
/// rules added to the group by other means (an `OS::Neutron::SecurityGroupRule` too) are
/// removed then, as Heat removes them.
public struct SecurityGroupResource: ResourcePlugin {
    public static let typeName = "OS::Neutron::SecurityGroup"
    static let ruleFields: [String: PropertySchema] = [
        "direction": PropertySchema(.string, defaultValue: "ingress", allowedValues: ["ingress", "egress"]),
        "ethertype": PropertySchema(.string, defaultValue: "IPv4", allowedValues: ["IPv4", "IPv6"]),
        "port_range_min": PropertySchema(.integer), "port_range_max": PropertySchema(.integer),
        "protocol": PropertySchema(.string),
        "remote_mode": PropertySchema(.string, defaultValue: "remote_ip_prefix", allowedValues: ["remote_ip_prefix", "remote_group_id"]),
        "remote_ip_prefix": PropertySchema(.string), "remote_group_id": PropertySchema(.string),
    ]
    public static let schema = CloudPlugin.schema(typeName) { schema in
        schema.properties["rules"] = CloudPlugin.listOfMaps(ruleFields, updateAllowed: true)
    }

    public init() {}

    /// The rules a template asks for, as requests (`remote_group_id` empty means the group itself).
    static func requests(_ value: Value, groupID: String, network: any NetworkService) async throws -> [SecurityGroupRuleRequest] {
        var requests: [SecurityGroupRuleRequest] = []
        for item in value.listValue ?? [] {
            let map = item.mapValue ?? [:]
            let mode = map["remote_mode"]?.stringValue ?? "remote_ip_prefix"
            var remoteGroup: String?
            var remotePrefix: String?
            if mode == "remote_group_id" {
                let named = CloudPlugin.string(map["remote_group_id"] ?? .null)
                remoteGroup = try await named.asyncFlatMap { name in
                    guard let found = try await network.securityGroup(name) else { throw CloudError.notFound("Security group", name) }
                    return found.id
                } ?? groupID
            } else {
                remotePrefix = CloudPlugin.string(map["remote_ip_prefix"] ?? .null)
            }
            requests.append(SecurityGroupRuleRequest(
                securityGroupID: groupID, direction: map["direction"]?.stringValue ?? "ingress", ethertype: map["ethertype"]?.stringValue ?? "IPv4",
                protocol: CloudPlugin.string(map["protocol"] ?? .null), portRangeMin: CloudPlugin.int(map["port_range_min"] ?? .null),
                portRangeMax: CloudPlugin.int(map["port_range_max"] ?? .null), remoteIPPrefix: remotePrefix, remoteGroupID: remoteGroup))
        }
        return requests
    }

    static func matches(_ rule: SecurityGroupRule, _ request: SecurityGroupRuleRequest) -> Bool {
        rule.direction == request.direction && rule.ethertype == request.ethertype && rule.protocol == request.protocol
            && rule.portRangeMin == request.portRangeMin && rule.portRangeMax == request.portRangeMax
            && rule.remoteIPPrefix == request.remoteIPPrefix && rule.remoteGroupID == request.remoteGroupID
    }

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let network = try context.cloud().network
        let token = try await CloudPlugin.clientToken(&resource, context)
        let name = CloudPlugin.name(&resource)
        let description = resource[property: "description"].stringValue ?? ""
        let group = try await CloudPlugin.call(resource) {
            try await network.createSecurityGroup(name: name, description: description, clientToken: token)
        }
        resource.physicalID = group.id
        try await context.save(resource)
        try await applyRules(&resource, context)
    }

    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let network = try context.cloud().network
        let name = CloudPlugin.name(&resource)
        let description = resource[property: "description"].stringValue
        _ = try await CloudPlugin.call(resource) { try await network.updateSecurityGroup(id: id, name: name, description: description) }
        if resource[property: "rules"] != previous["rules"] ?? .null {
            try await applyRules(&resource, context)
        } else if let group = try await CloudPlugin.call(resource, { try await network.securityGroup(id) }) {
            resource.attributes = ["show": CloudPlugin.value(group), "name": .string(group.name)]
        }
    }

    /// Makes the group's rules what the template says.
    func applyRules(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let network = try context.cloud().network
        let snapshot = resource
        let group = try await CloudPlugin.call(snapshot) { () -> SecurityGroup in
            guard var group = try await network.securityGroup(id) else { throw CloudError.notFound("Security group", id) }
            var wanted = try await Self.requests(snapshot[property: "rules"], groupID: id, network: network)
            if !wanted.contains(where: { $0.direction == "egress" }) {
                wanted += ["IPv4", "IPv6"].map { SecurityGroupRuleRequest(securityGroupID: id, direction: "egress", ethertype: $0) }
            }
            for rule in group.rules where !wanted.contains(where: { Self.matches(rule, $0) }) {
                try await network.deleteSecurityGroupRule(id: rule.id)
            }
            for request in wanted where !group.rules.contains(where: { Self.matches($0, request) }) {
                _ = try await network.createSecurityGroupRule(request)
            }
            group = try await network.securityGroup(id) ?? group
            return group
        }
        resource.attributes = ["show": CloudPlugin.value(group), "name": .string(group.name)]
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let network = try context.cloud().network
        try await CloudPlugin.deleting(resource) { try await network.deleteSecurityGroup(id: id) }
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}

/// `OS::Neutron::SecurityGroupRule`: one rule added to a group.
public struct SecurityGroupRuleResource: ResourcePlugin {
    public static let typeName = "OS::Neutron::SecurityGroupRule"
    public static let schema = CloudPlugin.schema(typeName) { schema in
        schema.properties["direction"]?.defaultValue = "ingress"
        schema.properties["ethertype"]?.defaultValue = "IPv4"
    }

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        let cloud = try context.cloud()
        guard let group = try await CloudPlugin.locate(.securityGroup, resource[property: "security_group"], property: "security_group", of: resource, in: cloud) else {
            throw ResourceFailure.failed("Property error: resources.\(resource.name).properties: Property security_group not assigned")
        }
        let remote = try await CloudPlugin.locate(.securityGroup, resource[property: "remote_group"], property: "remote_group", of: resource, in: cloud)
        let request = SecurityGroupRuleRequest(
            securityGroupID: group, direction: resource[property: "direction"].stringValue ?? "ingress",
            ethertype: resource[property: "ethertype"].stringValue ?? "IPv4", protocol: CloudPlugin.string(resource[property: "protocol"]),
            portRangeMin: CloudPlugin.int(resource[property: "port_range_min"]), portRangeMax: CloudPlugin.int(resource[property: "port_range_max"]),
            remoteIPPrefix: CloudPlugin.string(resource[property: "remote_ip_prefix"]), remoteGroupID: remote,
            description: resource[property: "description"].stringValue ?? "")
        // Rules take no client token: a create resumed after a crash adopts the rule its first
        // attempt made (Neutron refuses a second identical rule).
        let resumed = resource.data["client_token"] != nil
        _ = try await CloudPlugin.clientToken(&resource, context)
        let snapshot = resource
        let rule = try await CloudPlugin.call(snapshot) { () -> SecurityGroupRule in
            if resumed, let made = try await cloud.network.securityGroup(group)?.rules.first(where: { SecurityGroupResource.matches($0, request) }) {
                return made
            }
            return try await cloud.network.createSecurityGroupRule(request)
        }
        resource.physicalID = rule.id
        resource.attributes = ["show": CloudPlugin.value(rule)]
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {
        guard let id = resource.physicalID else { return }
        let network = try context.cloud().network
        try await CloudPlugin.deleting(resource) { try await network.deleteSecurityGroupRule(id: id) }
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? { CloudPlugin.attribute(name, of: resource) }
}
