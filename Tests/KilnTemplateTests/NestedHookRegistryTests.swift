import KilnModel
import Testing
@testable import KilnTemplate

/// Hooks on resources of nested stacks: `{nest: {x: {hooks: ...}}}` is accepted, and the child
/// stack of `nest` sees `{x: {hooks: ...}}` (Heat's remove_resources_except: globs merged
/// first, the exact name last).
@Suite struct NestedHookRegistryTests {
    @Test func nestedEntriesAreAcceptedAndApplyOnlyToTheChild() throws {
        let (env, errors) = try parseEnvironment("""
            resource_registry:
              resources:
                nest:
                  hooks: pre-update
                  x: {hooks: pre-create}
            """)
        #expect(errors.isEmpty, "\(errors)")
        #expect(env.registry.hooks(forResource: "nest") == ["pre-update"])
        #expect(env.registry.hooks(forResource: "x").isEmpty)
    }

    @Test func childResources() {
        let resources: [String: Value] = [
            "nest": ["hooks": "pre-update", "x": ["hooks": "pre-create"]],
            "ne*": ["x": ["hooks": "pre-delete"], "y": ["hooks": "pre-create"]],
            "other": ["z": ["hooks": "pre-create"]],
        ]
        let child = ResourceRegistry.childResources(resources, owner: "nest")
        #expect(child == ["x": ["hooks": "pre-create"], "y": ["hooks": "pre-create"]])
        #expect(ResourceRegistry.childResources(resources, owner: "unrelated").isEmpty)
    }
}
