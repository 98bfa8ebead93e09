import Testing
@testable import KilnTemplate

@Suite struct EnvironmentRegistryTests {
    func registry(_ yaml: String) throws -> (ResourceRegistry, [Diagnostic]) {
        let (env, errors) = try parseEnvironment("resource_registry:\n" + yaml)
        return (env.registry, errors)
    }

    @Test func aliasesTemplatesAndRemoval() throws {
        let (r, errors) = try registry("""
              OS::Networking::FloatingIP: OS::Neutron::FloatingIP
              My::Server: server.yaml
              My::Old: old.template
              My::Yml: x.yml
              My::Remote: https://example.com/t
              Gone::Type: null
            """)
        #expect(errors.isEmpty)
        #expect(r.resolve(type: "OS::Networking::FloatingIP", resourceName: nil) == .type("OS::Neutron::FloatingIP"))
        #expect(r.resolve(type: "My::Server", resourceName: "s") == .template("server.yaml"))
        #expect(r.resolve(type: "My::Yml", resourceName: nil) == .template("x.yml"))
        #expect(r.resolve(type: "My::Remote", resourceName: nil) == .template("https://example.com/t"))
        #expect(r.resolve(type: "Gone::Type", resourceName: nil) == .removed)
        #expect(r.resolve(type: "OS::Nova::Server", resourceName: nil) == nil)
        #expect(r.templateFiles == ["https://example.com/t", "old.template", "server.yaml", "x.yml"])
    }

    @Test func wildcardsPreferLongestAndMapPrefixes() throws {
        let (r, _) = try registry("""
              OS::Networking::*: OS::Neutron::*
              OS::Networking::Special::*: OS::Heat::TestResource
            """)
        #expect(r.resolve(type: "OS::Networking::Net", resourceName: nil) == .type("OS::Neutron::Net"))
        #expect(r.resolve(type: "OS::Networking::Special::X", resourceName: nil) == .type("OS::Heat::TestResource"))
        let (all, _) = try registry("  OS::*: OS::Heat::None\n  OS::Networking::*: OS::Neutron::*\n")
        // Many-to-one: the target itself does not match again.
        #expect(all.resolve(type: "OS::Nova::Server", resourceName: nil) == .type("OS::Heat::None"))
        // As in Heat, an alias's result is resolved again, so the catch-all applies to it too.
        #expect(all.resolve(type: "OS::Networking::Net", resourceName: nil) == .type("OS::Heat::None"))
    }

    @Test func exactBeatsWildcardAndChainsAreFollowed() throws {
        let (r, _) = try registry("""
              A::*: B::X
              A::One: C::One
              C::One: c.yaml
              Loop::A: Loop::B
              Loop::B: Loop::A
            """)
        #expect(r.resolve(type: "A::One", resourceName: nil) == .template("c.yaml"))
        #expect(r.resolve(type: "A::Two", resourceName: nil) == .type("B::X"))
        #expect(r.resolve(type: "Loop::A", resourceName: nil) == .type("Loop::A"))
    }

    @Test func perResourceMappingsHooksAndRestrictions() throws {
        let (r, errors) = try registry("""
              OS::Nova::Server: server.yaml
              resources:
                web:
                  OS::Nova::Server: web.yaml
                  hooks: pre-create
                "web_*":
                  OS::Nova::Server: OS::Heat::None
                  hooks: [pre-update, post-delete]
                  restricted_actions: replace
                "*":
                  restricted_actions: [update]
            """)
        #expect(errors.isEmpty)
        #expect(r.resolve(type: "OS::Nova::Server", resourceName: "web") == .template("web.yaml"))
        #expect(r.resolve(type: "OS::Nova::Server", resourceName: "web_1") == .type("OS::Heat::None"))
        #expect(r.resolve(type: "OS::Nova::Server", resourceName: "db") == .template("server.yaml"))
        #expect(r.hooks(forResource: "web") == ["pre-create"])
        #expect(r.hooks(forResource: "web_2") == ["pre-update", "post-delete"])
        #expect(r.hasHook("post-delete", forResource: "web_2"))
        #expect(r.hooks(forResource: "db").isEmpty)
        #expect(r.restrictedActions(forResource: "web_1") == ["update", "replace"])
        #expect(r.restrictedActions(forResource: "db") == ["update"])
        #expect(r.templateFiles == ["server.yaml", "web.yaml"])
    }

    @Test func badEntries() throws {
        let (_, errors) = try registry("""
              My::A: 5
              hooks: pre-create
              resources:
                a:
                  hooks: [pre-create, pre-explode]
                  restricted_actions: delete
                b: x
            """)
        #expect(paramsHasError(errors, 2, 10, "invalid mapping for 'My::A' in resource_registry"))
        #expect(paramsHasError(errors, 3, 3, "hooks apply to resources and must be set under 'resources'"))
        #expect(paramsHasError(errors, 6, 27, "Invalid hook type \"pre-explode\" for resource breakpoint"))
        #expect(errors.first { $0.message.contains("pre-explode") }?.expected
            == "one of pre-create, pre-update, pre-delete, post-create, post-update, post-delete")
        #expect(paramsHasError(errors, 7, 27, "Invalid restricted_action type \"delete\" for resource"))
        #expect(paramsHasError(errors, 8, 8, "registry entry for resource 'b' must be a mapping"))
    }

    @Test func globNames() {
        #expect(NamePattern.matches("web_1", "web_*"))
        #expect(NamePattern.matches("web1", "web?"))
        #expect(NamePattern.matches("web1", "web[0-9]"))
        #expect(!NamePattern.matches("webx", "web[!a-z]"))
        #expect(!NamePattern.matches("db", "web*"))
        #expect(NamePattern.matches("anything", "*"))
    }
}
