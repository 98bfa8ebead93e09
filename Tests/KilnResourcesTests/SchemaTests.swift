import Foundation
import KilnEngine
import KilnModel
import KilnResources
import KilnTemplate
import Testing

@Suite("Cloud type schemas")
struct SchemaTests {
    static let types = [
        "OS::Nova::Server", "OS::Nova::KeyPair", "OS::Nova::ServerGroup", "OS::Neutron::Net", "OS::Neutron::Subnet", "OS::Neutron::Port",
        "OS::Neutron::Router", "OS::Neutron::RouterInterface", "OS::Neutron::FloatingIP", "OS::Neutron::FloatingIPAssociation",
        "OS::Neutron::SecurityGroup", "OS::Neutron::SecurityGroupRule", "OS::Cinder::Volume", "OS::Cinder::VolumeAttachment",
        "OS::Octavia::LoadBalancer", "OS::Octavia::Listener", "OS::Octavia::Pool", "OS::Octavia::PoolMember", "OS::Octavia::HealthMonitor",
        "OS::Glance::WebImage", "AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::EC2::VolumeAttachment",
    ]

    @Test func everyTypeIsRegisteredWithHeatsPropertiesAndADescription() throws {
        let registry = PluginRegistry.standard
        for type in Self.types {
            let schema = try #require(registry.schema(for: type), "\(type)")
            let heat = try #require(HeatTypes.catalog.schema(for: type))
            #expect(Set(heat.properties.keys).isSubset(of: Set(schema.properties.keys)), "\(type)")
            #expect(Set(heat.attributes.keys).isSubset(of: Set(schema.attributes.keys)), "\(type)")
            #expect(!schema.description.isEmpty, "\(type)")
            for (name, property) in heat.properties {
                #expect(schema.properties[name]?.required == property.required, "\(type).\(name)")
            }
        }
    }

    @Test func serverDefaultsAndAllowedValuesAreHeats() throws {
        let schema = try #require(PluginRegistry.standard.schema(for: "OS::Nova::Server"))
        #expect(schema.properties["user_data_format"]?.defaultValue == "HEAT_CFNTOOLS")
        #expect(schema.properties["user_data_format"]?.allowedValues == ["HEAT_CFNTOOLS", "RAW", "SOFTWARE_CONFIG"])
        #expect(schema.properties["flavor_update_policy"]?.defaultValue == "RESIZE")
        #expect(schema.properties["image_update_policy"]?.defaultValue == "REBUILD")
        #expect(schema.properties["flavor"]?.updateAllowed == true && schema.properties["networks"]?.updateAllowed == true)
        #expect(schema.properties["flavor"]?.customConstraint == "nova.flavor")
        #expect(schema.properties["flavor"]?.description.isEmpty == false)
        let net = try #require(PluginRegistry.standard.schema(for: "OS::Neutron::Net"))
        #expect(net.properties["admin_state_up"]?.defaultValue == true)
        let subnet = try #require(PluginRegistry.standard.schema(for: "OS::Neutron::Subnet"))
        #expect(subnet.properties["ip_version"]?.defaultValue == 4 && subnet.properties["enable_dhcp"]?.defaultValue == true)
    }
}
