import Testing
@testable import KilnTemplate

@Suite struct EnvironmentMergeTests {
    let declared: [ParameterDefinition] = [
        ("s", ParameterType.string), ("n", .number), ("l", .commaDelimitedList), ("j", .json), ("b", .boolean),
    ].map { ParameterDefinition(name: $0.0, location: .synthetic("t"), type: $0.1) }

    func merge(_ files: [String]) throws -> (Environment, [Diagnostic]) {
        var diagnostics = Diagnostics()
        var merged = Environment()
        for (index, text) in files.enumerated() {
            let (env, errors) = try parseEnvironment(text, file: "e\(index + 1).yaml")
            #expect(errors.isEmpty)
            merged = merged.merged(with: env, declared: declared, into: &diagnostics)
        }
        return (merged, diagnostics.all)
    }

    @Test func overwriteByDefault() throws {
        let (env, errors) = try merge(["parameters: {s: a, n: 1}", "parameters: {s: b}"])
        #expect(errors.isEmpty)
        #expect(env.parameters == ["s": "b", "n": 1])
        #expect(env.parameterLocations["s"]?.file == "e2.yaml")
    }

    @Test func strategyOfTheFirstFileGoverns() throws {
        // As in Heat, a parameter's strategy is fixed by the first file that sets it:
        // a later file's `default` does not change it.
        let (env, errors) = try merge(["parameters: {s: a}", "parameter_merge_strategies: {default: merge}\nparameters: {s: b}"])
        #expect(errors.isEmpty)
        #expect(env.parameters["s"] == "b")
    }

    @Test func mergeStrategyPerType() throws {
        let (env, errors) = try merge([
            """
            parameter_merge_strategies: {default: merge}
            parameters: {s: ab, n: 1, l: 'x,y', j: {a: 1, deep: {k: 1}}}
            """,
            "parameters: {s: cd, n: 2.5, l: z, j: {b: 2, deep: {m: 2}}}",
        ])
        #expect(errors.isEmpty)
        #expect(env.parameters["s"] == "abcd")
        #expect(env.parameters["n"] == 3.5)
        #expect(env.parameters["l"] == "x,y,z")
        // Shallow: `deep` is replaced.
        #expect(env.parameters["j"] == ["a": 1, "b": 2, "deep": ["m": 2]])
    }

    @Test func deepMergeRecurses() throws {
        let (env, errors) = try merge([
            """
            parameter_merge_strategies: {j: deep_merge}
            parameters: {j: {a: {x: 1, list: [1], text: ab}}}
            """,
            "parameters: {j: {a: {y: 2, list: [2], text: cd}}}",
        ])
        #expect(errors.isEmpty)
        #expect(env.parameters["j"] == ["a": ["x": 1, "y": 2, "list": [1, 2], "text": "abcd"]])
        #expect(env.chosenMergeStrategies["j"] == .deepMerge)
    }

    @Test func listsMergeAsLists() throws {
        let (env, _) = try merge([
            "parameter_merge_strategies: {l: merge}\nparameters: {l: [a]}", "parameters: {l: [b, c]}",
        ])
        #expect(env.parameters["l"] == ["a", "b", "c"])
    }

    @Test func booleanCannotMerge() throws {
        let (_, errors) = try merge([
            "parameter_merge_strategies: {b: merge}\nparameters: {b: true}", "parameters:\n  b: false\n",
        ])
        #expect(paramsHasError(errors, 2, 6, "Invalid merge strategy 'merge' for parameter 'b'."))
        #expect(errors.first?.location.file == "e2.yaml")
    }

    @Test func conflictingStrategies() throws {
        let (env, errors) = try merge([
            "parameter_merge_strategies: {s: merge}\nparameters: {s: a}",
            "parameter_merge_strategies: {s: overwrite}\nparameters:\n  s: b\n",
        ])
        #expect(paramsHasError(errors, 3, 6, "Conflicting merge strategy 'overwrite' for parameter 's' in file 'e2.yaml'"))
        #expect(env.parameters["s"] == "a")
    }

    @Test func earlierChoiceBeatsFileDefault() throws {
        let (env, errors) = try merge([
            "parameter_merge_strategies: {s: merge}\nparameters: {s: a}",
            "parameter_merge_strategies: {default: overwrite}\nparameters: {s: b}",
        ])
        #expect(errors.isEmpty)
        #expect(env.parameters["s"] == "ab")
    }

    @Test func undeclaredParametersAreSkippedOnceASectionHasValues() throws {
        // As in Heat, the first file's section is taken whole; later files skip undeclared names.
        let (env, _) = try merge(["parameters: {s: a, extra: 1}", "parameters: {s: b, other: 2}"])
        #expect(env.parameters == ["s": "b", "extra": 1])
    }

    @Test func parameterDefaultsMergeToo() throws {
        let (env, _) = try merge([
            "parameter_merge_strategies: {n: merge}\nparameter_defaults: {n: 1}", "parameter_defaults: {n: 2}",
        ])
        #expect(env.parameterDefaults["n"] == 3)
    }

    @Test func otherSectionsMergeShallowly() throws {
        let (env, _) = try merge([
            """
            resource_registry:
              A::X: a.yaml
              B::X: b.yaml
              resources: {web: {hooks: pre-create}}
            event_sinks: [{type: zaqar-queue, target: one}]
            """,
            """
            resource_registry:
              A::X: a2.yaml
              B::X: null
              resources: {db: {hooks: pre-delete}}
            event_sinks: [{type: zaqar-queue, target: two}]
            """,
        ])
        #expect(env.registry.resolve(type: "A::X", resourceName: nil) == .template("a2.yaml"))
        // Heat's merge_map skips null values of a later file.
        #expect(env.registry.resolve(type: "B::X", resourceName: nil) == .template("b.yaml"))
        // A later `resources` block replaces the earlier one whole.
        #expect(env.registry.hooks(forResource: "web").isEmpty)
        #expect(env.registry.hooks(forResource: "db") == ["pre-delete"])
        #expect(env.eventSinks == [["type": "zaqar-queue", "target": "two"]])
    }
}
