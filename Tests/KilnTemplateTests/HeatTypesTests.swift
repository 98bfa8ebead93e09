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
}
