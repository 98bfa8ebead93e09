import Foundation
import KilnCloud
import KilnEmulator
import KilnEngine
import KilnModel
import KilnStore
import Testing

@Suite("Software deployments on emulated servers")
struct SoftwareDeploymentTests {
    static let template = """
        heat_template_version: 2018-08-31
        parameters:
          server: {type: string}
          code: {type: number, default: 0}
        resources:
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              config: "#!/bin/sh\\necho hello"
              inputs: [{name: greeting}]
              outputs: [{name: result}]
              options:
                emulated_result:
                  status_code: {get_param: code}
                  stdout: hello
                  outputs: {result: done}
          deployment:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_param: server}
              input_values: {greeting: hi}
        outputs:
          stdout: {value: {get_attr: [deployment, deploy_stdout]}}
          code: {value: {get_attr: [deployment, deploy_status_code]}}
          result: {value: {get_attr: [deployment, result]}}
        """

    @Test func theBuiltInAgentAppliesTheConfigAndReportsItsOutputs() async throws {
        let fixture = try await CloudFixture()
        let server = try await fixture.session.compute.createServer(
            ServerRequest(name: "app", flavorID: "m1.tiny", imageID: "cirros-0.6.2-x86_64-disk"))
        let stack = try await fixture.create("deploy", Self.template, parameters: ["server": server.id])
        #expect(stack.statusText == "CREATE_COMPLETE")
        let outputs = try await fixture.outputs(stack)
        #expect(outputs["stdout"] == "hello")
        #expect(outputs["code"] == .int(0))
        #expect(outputs["result"] == "done")
        // The deployment is kept as Heat's API shows it, for the server, with the derived config.
        let deployments = try await fixture.engine.softwareDeployments(projectID: "default", serverID: server.id)
        #expect(deployments.count == 1)
        #expect(deployments.first?.status == "COMPLETE" && deployments.first?.action == "CREATE")
        let derived = try await fixture.engine.deploymentMetadata(serverID: server.id, projectID: "default")
        let inputs = derived.first?.inputs.listValue?.compactMap { $0.mapValue } ?? []
        #expect(inputs.contains { $0["name"] == "greeting" && $0["value"] == "hi" })
        #expect(inputs.contains { $0["name"] == "deploy_server_id" && $0["value"] == .string(server.id) })

        try await fixture.engine.delete(stack.id)
        #expect(try await fixture.engine.softwareDeployments(projectID: "default", serverID: server.id).isEmpty)
    }

    @Test func aNonZeroStatusCodeFailsTheDeployment() async throws {
        let fixture = try await CloudFixture()
        let server = try await fixture.session.compute.createServer(
            ServerRequest(name: "app", flavorID: "m1.tiny", imageID: "cirros-0.6.2-x86_64-disk"))
        let stack = try await fixture.create("broken", Self.template, parameters: ["server": server.id, "code": "3"])
        #expect(stack.statusText == "CREATE_FAILED")
        #expect(stack.statusReason.contains("Deployment to server failed: deploy_status_code : Deployment exited with non-zero status code: 3"))
    }

    @Test func aDeploymentGroupDeploysToEachServer() async throws {
        let fixture = try await CloudFixture()
        var ids: [String] = []
        for name in ["a", "b"] {
            ids.append(try await fixture.session.compute.createServer(
                ServerRequest(name: name, flavorID: "m1.tiny", imageID: "cirros-0.6.2-x86_64-disk")).id)
        }
        let template = """
            heat_template_version: 2018-08-31
            parameters:
              a: {type: string}
              b: {type: string}
            resources:
              config:
                type: OS::Heat::SoftwareConfig
                properties:
                  config: "echo"
                  options: {emulated_result: {stdout: ok}}
              group:
                type: OS::Heat::SoftwareDeploymentGroup
                properties:
                  config: {get_resource: config}
                  servers: {a: {get_param: a}, b: {get_param: b}}
            outputs:
              stdouts: {value: {get_attr: [group, deploy_stdouts]}}
            """
        let stack = try await fixture.create("group", template, parameters: ["a": ids[0], "b": ids[1]])
        #expect(stack.statusText == "CREATE_COMPLETE")
        #expect(try await fixture.outputs(stack)["stdouts"] == .map(["a": "ok", "b": "ok"]))
        #expect(try await fixture.engine.softwareDeployments(projectID: "default").count == 2)
    }
}
