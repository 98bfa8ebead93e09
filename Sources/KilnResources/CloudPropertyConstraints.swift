import KilnEngine
import KilnTemplate

/// Which properties of the cloud types name cloud objects, by property path (`*` for each
/// element of a list), as Heat's schemas attach constraints to them.
public enum CloudPropertyConstraints {
    static let table: [String: [String: String]] = [
        "OS::Nova::Server": [
            "flavor": "nova.flavor", "image": "glance.image", "key_name": "nova.keypair",
            "networks.*.network": "neutron.network", "networks.*.subnet": "neutron.subnet",
            "block_device_mapping_v2.*.image": "glance.image",
        ],
        "AWS::EC2::Instance": ["ImageId": "glance.image", "InstanceType": "nova.flavor", "KeyName": "nova.keypair"],
        "OS::Neutron::Subnet": ["network": "neutron.network"],
        "OS::Neutron::Port": ["network": "neutron.network", "fixed_ips.*.subnet": "neutron.subnet"],
        "OS::Neutron::Router": ["external_gateway_info.network": "neutron.network"],
        "OS::Neutron::RouterInterface": ["router": "neutron.router", "subnet": "neutron.subnet"],
        "OS::Neutron::FloatingIP": ["floating_network": "neutron.network"],
        "OS::Cinder::Volume": ["image": "glance.image", "volume_type": "cinder.vtype"],
        "OS::Octavia::LoadBalancer": ["vip_subnet": "neutron.subnet"],
        "OS::Octavia::PoolMember": ["subnet": "neutron.subnet"],
    ]

    /// The schema with the constraints of its type attached where its properties exist.
    public static func apply(to schema: ResourceTypeSchema) -> ResourceTypeSchema {
        guard let paths = table[schema.type] else { return schema }
        var schema = schema
        for (path, constraint) in paths {
            let parts = path.split(separator: ".").map(String.init)
            guard let first = parts.first, var property = schema.properties[first] else { continue }
            attach(constraint, to: &property, rest: Array(parts.dropFirst()))
            schema.properties[first] = property
        }
        return schema
    }

    static func attach(_ constraint: String, to property: inout PropertySchema, rest: [String]) {
        guard let next = rest.first else {
            property.customConstraint = constraint
            return
        }
        if next == "*" {
            guard var item = property.items?.value else { return }
            attach(constraint, to: &item, rest: Array(rest.dropFirst()))
            property.items = Box(item)
        } else {
            guard var field = property.fields?[next] else { return }
            attach(constraint, to: &field, rest: Array(rest.dropFirst()))
            property.fields?[next] = field
        }
    }
}
