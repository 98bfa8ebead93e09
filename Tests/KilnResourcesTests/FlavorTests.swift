import Foundation
import KilnCloud
import KilnModel
import Testing

/// OS::Nova::Flavor: a stack's own flavor boots its server; extra specs change in place,
/// a new size makes a new flavor; delete removes it.
@Suite struct FlavorTests {
    static func template(ram: Int, specs: String) -> String {
        """
        heat_template_version: 2021-04-16
        resources:
          \(networkResources.trimmingCharacters(in: .whitespaces))
          flavor:
            type: OS::Nova::Flavor
            properties: {name: app.small, ram: \(ram), vcpus: 2, disk: 5, is_public: false, extra_specs: \(specs)}
          server:
            type: OS::Nova::Server
            properties:
              flavor: {get_resource: flavor}
              image: cirros-0.6.2-x86_64-disk
              networks: [{network: {get_resource: net}}]
        outputs:
          flavor: {value: {get_resource: flavor}}
          specs: {value: {get_attr: [flavor, extra_specs]}}
          public: {value: {get_attr: [flavor, is_public]}}
        """
    }

    @Test func aStackFlavorBootsItsServerUpdatesSpecsInPlaceAndIsDeleted() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.create("flavored", Self.template(ram: 1024, specs: #"{"hw:cpu_policy": "shared"}"#))
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        var outputs = try await fixture.outputs(stack)
        let id = try #require(outputs["flavor"]?.stringValue)
        #expect(outputs["specs"] == ["hw:cpu_policy": "shared"] && outputs["public"] == false)
        let flavor = try #require(try await fixture.session.compute.flavor(id))
        #expect(flavor.name == "app.small" && flavor.ramMB == 1024 && flavor.vcpus == 2 && flavor.diskGB == 5)
        let server = try #require(try await fixture.session.compute.servers().first)
        #expect(server.flavorID == id)

        let specs = try await fixture.update(stack, Self.template(ram: 1024, specs: #"{"hw:cpu_policy": "dedicated"}"#))
        #expect(specs.statusText == "UPDATE_COMPLETE", "\(specs.statusReason)")
        outputs = try await fixture.outputs(specs)
        #expect(outputs["flavor"]?.stringValue == id && outputs["specs"] == ["hw:cpu_policy": "dedicated"])
        #expect(try await fixture.session.compute.flavor(id)?.extraSpecs == ["hw:cpu_policy": "dedicated"])

        let deleted = try await fixture.engine.delete(stack.id)
        #expect(deleted.statusText == "DELETE_COMPLETE", "\(deleted.statusReason)")
        #expect(try await fixture.session.compute.flavor(id) == nil)
        #expect(try await fixture.session.compute.flavors().count == 5)
    }

    @Test func aTakenNameIsNovasConflict() async throws {
        let fixture = try await CloudFixture()
        let template = """
            heat_template_version: 2021-04-16
            resources:
              flavor:
                type: OS::Nova::Flavor
                properties: {name: m1.tiny, ram: 512, vcpus: 1}
            """
        let stack = try await fixture.create("taken", template)
        #expect(stack.statusText == "CREATE_FAILED")
        #expect(stack.statusReason.contains("Flavor with name m1.tiny already exists."), "\(stack.statusReason)")
    }
}
