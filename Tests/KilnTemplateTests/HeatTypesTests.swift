import KilnModel
import Testing
@testable import KilnTemplate

@Suite("HeatTypes")
struct HeatTypesTests {
    @Test func everyRegisteredTypeIsInTheCatalog() {
        #expect(HeatTypes.catalog.typeNames.count == 201)
        #expect(HeatTypes.catalog.typeNames.filter { HeatTypes.catalog.schema(for: $0)?.supportStatus == .hidden }.count == 38)
    }

    @Test func propertyFlagsAttributesAndPolicies() throws {
        let value = try #require(HeatTypes.catalog.schema(for: "OS::Heat::Value"))
        #expect(value.properties["value"]?.required == true)
        #expect(value.properties["value"]?.updateAllowed == true)
        #expect(value.properties["type"]?.required == false)
        #expect(value.hasAttribute("value") && value.hasAttribute("show") && !value.hasAttribute("other"))
        #expect(!value.acceptsAnyProperty)

        let volume = try #require(HeatTypes.catalog.schema(for: "AWS::EC2::Volume"))
        #expect(volume.properties["AvailabilityZone"].map { $0.required && $0.immutable } == true)
        #expect(volume.properties["Size"].map { !$0.required && $0.immutable && !$0.updateAllowed } == true)

        let group = try #require(HeatTypes.catalog.schema(for: "OS::Heat::ResourceGroup"))
        #expect(group.updatePolicyKeys == ["rolling_update", "batch_create"])
        #expect(group.properties.keys.sorted() == ["count", "index_var", "removal_policies", "removal_policies_mode", "resource_def"])

        let port = try #require(HeatTypes.catalog.schema(for: "OS::Neutron::Port"))
        #expect(port.properties["binding:vnic_type"]?.updateAllowed == true)
    }

    @Test func statusesAndPlaceholders() throws {
        let hidden = try #require(HeatTypes.catalog.schema(for: "OS::Neutron::LBaaS::Pool"))
        #expect(hidden.supportStatus == .hidden && hidden.acceptsAnyProperty && hidden.properties.isEmpty)
        #expect(HeatTypes.catalog.schema(for: "OS::Aodh::Alarm")?.supportStatus == .deprecated)
        #expect(HeatTypes.catalog.schema(for: "OS::Neutron::PortChain")?.supportStatus == .unsupported)
        #expect(HeatTypes.catalog.schema(for: "OS::Heat::None")?.acceptsAnyProperty == true)
        #expect(HeatTypes.catalog.schema(for: "OS::Heat::RandomString")?.acceptsAnyProperty == false)
    }

    @Test func hiddenPropertiesAliasTheirReplacements() throws {
        let port = try #require(HeatTypes.catalog.schema(for: "OS::Neutron::Port"))
        #expect(port.propertyAliases["network_id"] == "network")
        #expect(port.properties["network_id"].map { !$0.required && $0.kind == .string } == true)
        #expect(port.properties["network"]?.required == true)
        // Retired without a successor: still accepted, mapped to nothing.
        #expect(port.properties["replacement_policy"] != nil && port.propertyAliases["replacement_policy"] == nil)

        let interface = try #require(HeatTypes.catalog.schema(for: "OS::Neutron::RouterInterface"))
        #expect(interface.propertyAliases == ["router_id": "router", "subnet_id": "subnet", "port_id": "port"])
        #expect(interface.properties["router_id"]?.required == false)
        #expect(HeatTypes.catalog.schema(for: "OS::Neutron::FloatingIP")?.propertyAliases["floating_network_id"]
            == "floating_network")
        #expect(HeatTypes.catalog.schema(for: "OS::Cinder::Volume")?.propertyAliases["imageRef"] == "image")

        // The alias keeps its own kind where it differs from the replacement's.
        let router = try #require(HeatTypes.catalog.schema(for: "OS::Neutron::Router"))
        #expect(router.propertyAliases["l3_agent_id"] == "l3_agent_ids")
        #expect(router.properties["l3_agent_id"]?.kind == .string && router.properties["l3_agent_ids"]?.kind == .list)
        #expect(HeatTypes.catalog.schema(for: "OS::Heat::Value")?.propertyAliases.isEmpty == true)
    }

    @Test func hiddenAttributesAreKnown() throws {
        let server = try #require(HeatTypes.catalog.schema(for: "OS::Nova::Server"))
        #expect(server.hasAttribute("first_address") && server.hasAttribute("addresses"))
        #expect(server.properties["admin_user"] != nil)
        #expect(HeatTypes.catalog.schema(for: "OS::Zaqar::Queue")?.hasAttribute("queue_id") == true)
    }

    @Test func propertyKindsComeFromHeatSchemas() throws {
        func kind(_ type: String, _ property: String) -> PropertySchema.Kind? {
            HeatTypes.catalog.schema(for: type)?.properties[property]?.kind
        }
        #expect(kind("OS::Heat::RandomString", "length") == .integer)
        #expect(kind("OS::Heat::RandomString", "character_classes") == .list)
        #expect(kind("OS::Nova::Server", "networks") == .list)
        #expect(kind("OS::Nova::Server", "metadata") == .map)
        #expect(kind("OS::Nova::Server", "config_drive") == .boolean)
        #expect(kind("OS::Nova::Server", "flavor") == .string)
        #expect(kind("OS::Neutron::Port", "binding:vnic_type") == .string)
        #expect(kind("OS::Neutron::Port", "admin_state_up") == .boolean)
        #expect(kind("OS::Neutron::Subnet", "ip_version") == .integer)
        #expect(kind("OS::Heat::ResourceGroup", "resource_def") == .map)
        #expect(kind("OS::Aodh::Alarm", "threshold") == .number)
        #expect(kind("AWS::EC2::Instance", "Tags") == .list)
        // Heat's `Any` properties stay unchecked.
        #expect(kind("OS::Heat::Value", "value") == .any)
        // Placeholders keep taking anything.
        #expect(HeatTypes.catalog.schema(for: "OS::Neutron::LBaaS::Pool")?.properties.isEmpty == true)
    }

    @Test func extraRowsAllApply() {
        for row in HeatTypes.extraRows {
            let cells = row.split(separator: "|", omittingEmptySubsequences: false)
            #expect(cells.count == 4, "\(row)")
            guard cells.count == 4, let schema = HeatTypes.catalog.schema(for: String(cells[0])) else {
                Issue.record("no schema for \(row)")
                continue
            }
            for item in cells[1].split(separator: " ") {
                let colon = item.lastIndex(of: ":") ?? item.endIndex
                let name = String(item[..<colon])
                #expect(schema.properties[name].map { $0.kind.rawValue == item[item.index(after: colon)...] } == true,
                        "\(schema.type).\(name)")
            }
        }
    }
}
