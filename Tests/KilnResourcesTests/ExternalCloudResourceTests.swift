import Foundation
import KilnCloud
import KilnEmulator
import KilnEngine
import KilnModel
import KilnStore
import Testing

/// `external_id` on cloud types: the object is looked up (the type's check), never created,
/// and left in the cloud when the stack goes.
@Suite("external_id on cloud resources")
struct ExternalCloudResourceTests {
    @Test func anExistingNetworkIsTakenInAndLeftOnDelete() async throws {
        let fixture = try await CloudFixture()
        let made = try await fixture.create("owner", """
            heat_template_version: 2021-04-16
            resources:
              net: {type: OS::Neutron::Net, properties: {name: shared-net}}
            """)
        let id = try #require(try await fixture.resource(made, "net").physicalID)
        let stack = try await fixture.create("user", """
            heat_template_version: 2021-04-16
            resources:
              net: {type: OS::Neutron::Net, external_id: \(id)}
            outputs:
              id: {value: {get_resource: net}}
              name: {value: {get_attr: [net, name]}}
            """)
        #expect(stack.statusText == "CREATE_COMPLETE")
        #expect(try await fixture.trail(stack).filter { $0.hasPrefix("net ") } == [
            "net ADOPT_IN_PROGRESS state changed", "net ADOPT_COMPLETE state changed",
            "net CHECK_IN_PROGRESS state changed", "net CHECK_COMPLETE state changed",
        ])
        let outputs = try await fixture.outputs(stack)
        #expect(outputs["id"] == .string(id))
        #expect(outputs["name"] == "shared-net")
        #expect(try await fixture.engine.delete("user").statusText == "DELETE_COMPLETE")
        // Still there for its owner.
        #expect(try await fixture.session.network.network(id) != nil)
    }

    @Test func aMissingObjectFailsItsCheck() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.create("missing", """
            heat_template_version: 2021-04-16
            resources:
              net: {type: OS::Neutron::Net, external_id: 00000000-0000-0000-0000-00000000dead}
            """)
        #expect(stack.statusText == "CREATE_FAILED")
        let net = try await fixture.resource(stack, "net")
        #expect(net.statusText == "CHECK_FAILED")
        #expect(stack.statusReason == "Resource CHECK failed: \(net.statusReason)")
        #expect(net.statusReason.contains("could not be found"))
    }
}
