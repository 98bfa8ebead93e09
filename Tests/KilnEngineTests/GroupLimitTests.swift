import Foundation
import KilnEngine
import KilnModel
import KilnStore
import Testing

/// A group's count past what one stack may hold fails the resource, as Heat's
/// max_resources_per_stack does, instead of trying to build that many members.
@Suite struct GroupLimitTests {
    @Test(.timeLimit(.minutes(1)))
    func aHugeCountFailsTheGroupAndLeavesNothingInProgress() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        let template = """
            heat_template_version: 2021-04-16
            resources:
              group:
                type: OS::Heat::ResourceGroup
                properties:
                  count: 9223372036854775807
                  resource_def: {type: OS::Heat::None}
            """
        let stack = try await engine.create(request("huge", template))
        #expect(stack.statusText == "CREATE_FAILED")
        #expect(stack.statusReason.contains("Maximum resources per stack exceeded"))
        #expect(try await engine.stacks(StackQuery(projectID: nil, showNested: true)).allSatisfy { $0.status != .inProgress })
        #expect(try await engine.delete("huge").statusText == "DELETE_COMPLETE")
    }
}
