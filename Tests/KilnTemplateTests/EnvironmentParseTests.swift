import Testing
@testable import KilnTemplate

@Suite struct EnvironmentParseTests {
    @Test func readsEverySection() throws {
        let (env, errors) = try parseEnvironment("""
            parameters:
              size: 3
            parameter_defaults:
              name: web
            resource_registry:
              My::Server: server.yaml
            event_sinks:
              - {type: zaqar-queue, target: q, ttl: 60}
            encrypted_param_names: [size]
            parameter_merge_strategies:
              default: merge
              name: overwrite
            """)
        #expect(errors.isEmpty)
        #expect(env.parameters == ["size": 3])
        #expect(env.parameterLocations["size"]?.line == 2)
        #expect(env.parameterLocations["size"]?.column == 9)
        #expect(env.parameterDefaults == ["name": "web"])
        #expect(env.parameterDefaultLocations["name"]?.line == 4)
        #expect(env.registry.resolve(type: "My::Server", resourceName: nil) == .template("server.yaml"))
        #expect(env.eventSinks.count == 1)
        #expect(env.encryptedParamNames == ["size"])
        #expect(env.mergeStrategies == ["default": .merge, "name": .overwrite])
    }

    @Test func legacyFlatFormIsParameters() throws {
        let (env, errors) = try parseEnvironment("size: 3\nname: web\n")
        #expect(errors.isEmpty)
        #expect(env.parameters == ["size": 3, "name": "web"])
        #expect(env.parameterLocations["name"]?.line == 2)
    }

    @Test func emptyDocumentIsEmpty() throws {
        let (env, errors) = try parseEnvironment("")
        #expect(errors.isEmpty && env.parameters.isEmpty && env.registry.isEmpty)
    }

    @Test func wrongAndEmptySections() throws {
        let (_, errors) = try parseEnvironment("""
            parameters: {a: 1}
            paramters: {b: 2}
            parameter_defaults:
            """)
        #expect(paramsHasError(errors, 2, 1, "environment has wrong section 'paramters'"))
        #expect(errors.first?.expected?.hasPrefix("one of parameters, parameter_defaults") == true)
        #expect(paramsHasError(errors, 3, 20, "environment has empty section 'parameter_defaults'"))
        let (_, list) = try parseEnvironment("- a\n")
        #expect(paramsHasError(list, 1, 1, "The environment is not a valid YAML mapping data type."))
    }

    @Test func wrongShapes() throws {
        let (_, errors) = try parseEnvironment("""
            parameters: [a]
            event_sinks: {type: zaqar-queue}
            encrypted_param_names: [1]
            parameter_merge_strategies: {a: append}
            resource_registry: [x]
            """)
        #expect(paramsHasError(errors, 1, 13, "parameters must be a mapping"))
        #expect(paramsHasError(errors, 2, 14, "event_sinks must be a list"))
        #expect(paramsHasError(errors, 3, 25, "a parameter name must be a string"))
        #expect(paramsHasError(errors, 4, 33, "Invalid merge strategy for parameter 'a'"))
        #expect(paramsHasError(errors, 5, 20, "resource_registry must be a mapping"))
        let (_, sinks) = try parseEnvironment("event_sinks:\n  - {type: kafka}\n  - x\n")
        #expect(paramsHasError(sinks, 2, 12, "Unknown event sink type"))
        #expect(paramsHasError(sinks, 3, 5, "an event sink must be a mapping"))
    }
}
