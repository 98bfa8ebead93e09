import Testing
@testable import KilnTemplate

@Suite struct FunctionsReferencesTests {
    let params = StaticContext(parameters: [
        "name": "web", "OS::stack_name": "demo",
        "nets": ["a": ["ports": [80, 443]], "b": "x"],
        "list": ["zero", "one"],
    ])

    // MARK: get_param

    @Test func getParamByNameAndPath() throws {
        #expect(try evaluateFunction("v: {get_param: name}", .v2013_05_23, params) == "web")
        #expect(try evaluateFunction("v: {get_param: OS::stack_name}", .v2021_04_16, params) == "demo")
        #expect(try evaluateFunction("v: {get_param: [nets, a, ports, 1]}", .v2021_04_16, params) == 443)
        // A numeric string indexes a list; a missing step gives "".
        #expect(try evaluateFunction("v: {get_param: [list, '1']}", .v2021_04_16, params) == "one")
        #expect(try evaluateFunction("v: {get_param: [nets, missing, x]}", .v2021_04_16, params) == "")
        #expect(try evaluateFunction("v: {get_param: [list, 5]}", .v2021_04_16, params) == "")
        #expect(try evaluateFunction("v: {get_param: [list, nope]}", .v2021_04_16, params) == "")
    }

    @Test func getParamPathItemsMayBeCalls() throws {
        let yaml = "v: {get_param: [nets, {get_param: [list, 9]}]}"  // "" is not a key → ""
        #expect(try evaluateFunction(yaml, .v2021_04_16, params) == "")
        #expect(try evaluateFunction("v: {get_param: [list, {str_split: [',', '0,1', 1]}]}", .v2021_04_16, params) == "one")
    }

    @Test func getParamReferences() throws {
        let (expression, _) = try parseFunction("v: {get_param: [nets, a]}", .v2021_04_16)
        #expect(expression.references == [.parameter("nets", SourceLocation(file: "t.yaml", line: 1, column: 17))])
    }

    @Test func getParamErrors() throws {
        #expect(try functionErrors("v: {get_param: 3}", .v2021_04_16)
            == ["t.yaml:1:16: error: get_param: invalid arguments (expected a parameter name or a list [name, path...], found a number)"])
        #expect(try functionErrors("v: {get_param: []}", .v2021_04_16)
            == ["t.yaml:1:16: error: get_param: invalid arguments (expected a parameter name or a list [name, path...], found an empty list)"])
        #expect(try functionErrors("v:\n  get_param:\n    - [a]\n", .v2021_04_16)
            == ["t.yaml:3:7: error: get_param: the parameter name must be a string (expected a parameter name, found a list)"])
        #expect(try evaluationError("v: {get_param: nope}", .v2021_04_16, params)
            == "t.yaml:1:5: error: get_param: The Parameter (nope) was not provided.")
    }

    // MARK: get_resource

    @Test func getResource() throws {
        let context = StaticContext(references: ["server": "uuid-1"])
        #expect(try evaluateFunction("v: {get_resource: server}", .v2013_05_23, context) == "uuid-1")
        let (expression, _) = try parseFunction("v: {get_resource: server}", .v2021_04_16)
        #expect(expression.references == [.resource("server", SourceLocation(file: "t.yaml", line: 1, column: 19))])
        #expect(try functionErrors("v: {get_resource: [a]}", .v2021_04_16)
            == ["t.yaml:1:19: error: get_resource: the resource name must be a literal string (expected a resource name, found a list)"])
        #expect(try evaluationError("v: {get_resource: other}", .v2021_04_16, context)
            == "t.yaml:1:5: error: get_resource: the reference of resource 'other' is known only once it exists")
    }

    // MARK: get_attr

    let server = StaticContext(attributes: [
        "server": ["networks": ["private": ["10.0.0.1", "10.0.0.2"]], "name": "vm"],
    ])

    @Test(arguments: [TemplateVersion.v2013_05_23, .v2014_10_16, .v2015_10_15, .v2021_04_16])
    func getAttrWithPath(version: TemplateVersion) throws {
        #expect(try evaluateFunction("v: {get_attr: [server, name]}", version, server) == "vm")
        #expect(try evaluateFunction("v: {get_attr: [server, networks, private, 1]}", version, server) == "10.0.0.2")
        // A missing key, a string index into a list or an unknown attribute gives null.
        #expect(try evaluateFunction("v: {get_attr: [server, networks, public]}", version, server) == nil)
        #expect(try evaluateFunction("v: {get_attr: [server, networks, private, '1']}", version, server) == nil)
        #expect(try evaluateFunction("v: {get_attr: [server, unknown]}", version, server) == nil)
    }

    @Test func getAttrAllAttributesFrom2015_10_15() throws {
        #expect(try evaluateFunction("v: {get_attr: [server]}", .v2015_10_15, server)
            == ["networks": ["private": ["10.0.0.1", "10.0.0.2"]], "name": "vm"])
        #expect(try functionErrors("v: {get_attr: [server]}", .v2014_10_16)
            == ["t.yaml:1:15: error: get_attr: invalid arguments (expected a list [resource_name, attribute, path...], found 1 item)"])
        #expect(try functionErrors("v: {get_attr: []}", .v2015_10_15)
            == ["t.yaml:1:15: error: get_attr: invalid arguments (expected a list [resource_name] or [resource_name, attribute, path...], found 0 items)"])
    }

    @Test func getAttrReferences() throws {
        let (expression, _) = try parseFunction("v: {get_attr: [server, {get_param: a}, x]}", .v2021_04_16)
        #expect(expression.references == [
            .attribute(resource: "server", attribute: nil, SourceLocation(file: "t.yaml", line: 1, column: 16)),
            .parameter("a", SourceLocation(file: "t.yaml", line: 1, column: 36)),
        ])
        let (all, _) = try parseFunction("v: {get_attr: [server, name]}", .v2021_04_16)
        #expect(all.references == [.attribute(resource: "server", attribute: "name", SourceLocation(file: "t.yaml", line: 1, column: 16))])
    }

    @Test func getAttrErrors() throws {
        #expect(try functionErrors("v: {get_attr: server}", .v2021_04_16)
            == ["t.yaml:1:15: error: get_attr: invalid arguments (expected a list [resource_name] or [resource_name, attribute, path...], found a string)"])
        #expect(try functionErrors("v: {get_attr: [{get_param: r}, name]}", .v2021_04_16)
            == ["t.yaml:1:16: error: get_attr: the resource name must be a literal string (expected a resource name, found a mapping)"])
        #expect(try functionErrors("v: {get_attr: [server, 3]}", .v2021_04_16)
            == ["t.yaml:1:24: error: get_attr: the attribute name must be a string (expected an attribute name, found a number)"])
        #expect(try evaluationError("v: {get_attr: [db, name]}", .v2021_04_16, server)
            == "t.yaml:1:5: error: get_attr: attribute 'name' of resource 'db' is known only once it exists")
    }

    // MARK: get_file, resource_facade

    @Test func getFile() throws {
        let files = StaticContext(files: ["script.sh": "#!/bin/sh\n"])
        #expect(try evaluateFunction("v: {get_file: script.sh}", .v2013_05_23, files) == "#!/bin/sh\n")
        let (expression, _) = try parseFunction("v: {get_file: script.sh}", .v2021_04_16)
        #expect(expression.references == [.file("script.sh", SourceLocation(file: "t.yaml", line: 1, column: 15))])
        #expect(try evaluationError("v: {get_file: other.sh}", .v2021_04_16, files)
            == "t.yaml:1:5: error: get_file: no content found in the \"files\" section for path: other.sh")
        #expect(try functionErrors("v: {get_file: [a]}", .v2021_04_16)
            == ["t.yaml:1:15: error: get_file: invalid arguments (expected a file path or URL, found a list)"])
    }

    @Test func resourceFacade() throws {
        let facade = StaticContext(facade: ["metadata": ["role": "db"], "deletion_policy": "Retain"])
        #expect(try evaluateFunction("v: {resource_facade: metadata}", .v2021_04_16, facade) == ["role": "db"])
        #expect(try evaluateFunction("v: {resource_facade: deletion_policy}", .v2013_05_23, facade) == "Retain")
        #expect(try functionErrors("v: {resource_facade: properties}", .v2021_04_16)
            == ["t.yaml:1:22: error: resource_facade: invalid arguments (expected one of metadata, deletion_policy, update_policy, found 'properties')"])
        #expect(try evaluationError("v: {resource_facade: metadata}", .v2021_04_16)
            == "t.yaml:1:5: error: resource_facade: resource_facade is only available inside a provider template")
    }
}
