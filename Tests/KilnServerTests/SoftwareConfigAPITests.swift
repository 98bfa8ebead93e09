import Foundation
import Hummingbird
import KilnModel
import Testing
import KilnServer
import KilnTemplate

/// `/software_configs` and `/software_deployments` over HTTP, as heatclient and the
/// heat-tempest-plugin gabbits use them.
@Suite struct SoftwareConfigAPITests {
    static let users: [ServerFixture.User] = [
        .init(name: "mike", project: "team", roles: ["member"]),
        .init(name: "rita", project: "team", roles: ["reader"]),
        .init(name: "olga", project: "elsewhere", roles: ["member"]),
    ]

    /// A template's OS::Heat::SoftwareConfig is one of the project's software configs, as in
    /// Heat: its physical id shows under /software_configs until the stack is deleted.
    @Test func templateConfigsAreSoftwareConfigs() async throws {
        let fixture = try ServerFixture(users: Self.users)
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "mike", password: "mike-secret", project: "team"))
            let base = "/v1/\(project)"
            let template: Value = ["heat_template_version": "2021-04-16", "resources": ["boot": [
                "type": "OS::Heat::SoftwareConfig",
                "properties": ["group": "script", "config": "#!/bin/sh\necho hi", "inputs": [["name": "who"]]],
            ]]]
            let created = try await client.call(.post, "\(base)/stacks", token: token, body: ["stack_name": "sc", "template": template])
            let path = pathOf(try #require(created.headers[.location]))
            #expect(try await client.waitForStack(path, token: token)["stack_status"] == "CREATE_COMPLETE")
            let resource = try await client.call(.get, "\(path)/resources/boot", token: token)
            let id = try #require(resource.json["resource"]["physical_resource_id"].stringValue)

            let shown = try await client.call(.get, "\(base)/software_configs/\(id)", token: token)
            #expect(shown.status == .ok)
            #expect(shown.json["software_config"]["group"] == "script")
            #expect(shown.json["software_config"]["config"] == "#!/bin/sh\necho hi")
            #expect(shown.json["software_config"]["inputs"] == [["name": "who", "type": "String"]])

            let deleted = try await client.call(.delete, path, token: token)
            #expect(deleted.status == .noContent)
            _ = try await client.waitForStack(path, token: token)
            #expect(try await client.call(.get, "\(base)/software_configs/\(id)", token: token).status == .notFound)
        }
    }

    @Test func configAndDeploymentLifecycle() async throws {
        let fixture = try ServerFixture(users: Self.users)
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "mike", password: "mike-secret", project: "team"))
            let base = "/v1/\(project)"

            let created = try await client.call(.post, "\(base)/software_configs", token: token, body: [
                "name": "hello", "group": "script", "config": "#!/bin/sh -x\necho hello",
                "inputs": [["name": "who", "default": "world"], ["name": "again", "type": "Boolean", "replace_on_change": true]],
                "outputs": [["name": "result"]],
            ])
            #expect(created.status == .ok)
            #expect(created.headers[.contentType] == "application/json")
            let config = created.json["software_config"]
            let configID = try #require(config["id"].stringValue)
            #expect(config["group"] == "script")
            #expect(config["config"] == "#!/bin/sh -x\necho hello")
            #expect(config["options"] == [:])
            // Inputs and outputs as Heat stores them: types filled in, replace_on_change only when true.
            #expect(config["inputs"] == [
                ["name": "who", "type": "String", "default": "world"],
                ["name": "again", "type": "Boolean", "replace_on_change": true],
            ])
            #expect(config["outputs"] == [["name": "result", "type": "String", "error_output": false]])
            #expect(config["creation_time"].stringValue?.hasSuffix("Z") == true)

            let shown = try await client.call(.get, "\(base)/software_configs/\(configID)", token: token)
            #expect(shown.status == .ok)
            #expect(shown.json["software_config"] == config)

            let deployed = try await client.call(.post, "\(base)/software_deployments", token: token, body: [
                "action": "ACTION0", "config_id": .string(configID), "server_id": "dummy_server",
                "input_values": ["who": "you"],
            ])
            #expect(deployed.status == .ok)
            let deployment = deployed.json["software_deployment"]
            let deploymentID = try #require(deployment["id"].stringValue)
            #expect(deployment["action"] == "ACTION0")
            #expect(deployment["status"] == .null)
            #expect(deployment["config_id"].stringValue == configID)
            #expect(deployment["input_values"] == ["who": "you"])
            #expect(deployment["updated_time"] == .null)

            let metadata = try await client.call(.get, "\(base)/software_deployments/metadata/dummy_server", token: token)
            #expect(metadata.status == .ok)
            #expect(metadata.json["metadata"] == [config])
            let none = try await client.call(.get, "\(base)/software_deployments/metadata/other_server", token: token)
            #expect(none.json["metadata"] == [])

            let updated = try await client.call(.put, "\(base)/software_deployments/\(deploymentID)", token: token, body: [
                "action": "ACTION1", "status": "COMPLETE", "status_reason": "completed", "output_values": ["result": "ok"],
            ])
            #expect(updated.status == .ok)
            let after = updated.json["software_deployment"]
            #expect(after["action"] == "ACTION1")
            #expect(after["status"] == "COMPLETE")
            #expect(after["status_reason"] == "completed")
            #expect(after["output_values"] == ["result": "ok"])
            #expect(after["input_values"] == ["who": "you"])
            #expect(after["updated_time"].stringValue != nil)

            let configs = try await client.call(.get, "\(base)/software_configs", token: token)
            #expect(configs.json["software_configs"].listValue?.map { $0["id"] } == [.string(configID)])
            #expect(configs.json["software_configs"][0]["config"] == .null)  // the list has no details
            let byServer = try await client.call(.get, "\(base)/software_deployments?server_id=dummy_server", token: token)
            #expect(byServer.json["software_deployments"] == [after])
            let otherServer = try await client.call(.get, "\(base)/software_deployments?server_id=nope", token: token)
            #expect(otherServer.json["software_deployments"] == [])

            // A config in use stays; once its deployment is gone it may go.
            let refused = try await client.call(.delete, "\(base)/software_configs/\(configID)", token: token)
            #expect(refused.status == .badRequest)
            #expect(refused.json["error"]["message"].stringValue?.contains("can not be deleted as it is referenced") == true)
            #expect(try await client.call(.delete, "\(base)/software_deployments/\(deploymentID)", token: token).status == .noContent)
            #expect(try await client.call(.delete, "\(base)/software_configs/\(configID)", token: token).status == .noContent)

            let gone = try await client.call(.get, "\(base)/software_configs/\(configID)", token: token)
            #expect(gone.status == .notFound)
            #expect(gone.json["error"]["message"].stringValue == "Software config with id \(configID) not found")
            let goneDeployment = try await client.call(.get, "\(base)/software_deployments/\(deploymentID)", token: token)
            #expect(goneDeployment.status == .notFound)
            #expect(goneDeployment.json["error"]["message"].stringValue == "Deployment with id \(deploymentID) not found")
        }
    }

    @Test func projectsSeeOnlyTheirOwnAndReadersOnlyRead() async throws {
        let fixture = try ServerFixture(users: Self.users)
        try await fixture.run { client in
            let member = try #require(try await client.signIn(user: "mike", password: "mike-secret", project: "team"))
            let reader = try #require(try await client.signIn(user: "rita", password: "rita-secret", project: "team"))
            let outsider = try #require(try await client.signIn(user: "olga", password: "olga-secret", project: "elsewhere"))
            let created = try await client.call(.post, "/v1/\(member.projectID)/software_configs", token: member.token,
                                                body: ["name": "c", "group": "script", "config": "true"])
            let configID = try #require(created.json["software_config"]["id"].stringValue)

            let read = try await client.call(.get, "/v1/\(reader.projectID)/software_configs/\(configID)", token: reader.token)
            #expect(read.status == .ok)
            let write = try await client.call(.post, "/v1/\(reader.projectID)/software_configs", token: reader.token,
                                              body: ["name": "d", "config": "true"])
            #expect(write.status == .forbidden)
            #expect(write.json["error"]["message"] == "You are not authorized to complete software_configs:create action.")

            let hidden = try await client.call(.get, "/v1/\(outsider.projectID)/software_configs/\(configID)", token: outsider.token)
            #expect(hidden.status == .notFound)
            let list = try await client.call(.get, "/v1/\(outsider.projectID)/software_configs", token: outsider.token)
            #expect(list.json["software_configs"] == [])
            let deploy = try await client.call(.post, "/v1/\(outsider.projectID)/software_deployments", token: outsider.token,
                                               body: ["config_id": .string(configID), "server_id": "vm"])
            #expect(deploy.status == .notFound)

            // global_tenant is denied to everybody, as in Heat.
            let global = try await client.call(.get, "/v1/\(member.projectID)/software_configs?global_tenant=true", token: member.token)
            #expect(global.status == .forbidden)
        }
    }

    @Test func badBodiesAreRefused() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let base = "/v1/\(project)"
            let badInputs = try await client.call(.post, "\(base)/software_configs", token: token,
                                                  body: ["name": "c", "inputs": ["not-a-map"]])
            #expect(badInputs.status == .badRequest)
            #expect(badInputs.json["error"]["message"] == "Software Config I/O Schema must be a dict")
            let badType = try await client.call(.post, "\(base)/software_configs", token: token,
                                                body: ["name": "c", "outputs": [["name": "o", "type": "Float"]]])
            #expect(badType.status == .badRequest)
            let noServer = try await client.call(.post, "\(base)/software_deployments", token: token, body: ["config_id": "x"])
            #expect(noServer.status == .badRequest)
            let notJSON = try await client.call(.post, "\(base)/software_configs", token: token, raw: "{")
            #expect(notJSON.status == .badRequest)
            let missing = try await client.call(.put, "\(base)/software_deployments/nope", token: token, body: ["action": "A"])
            #expect(missing.status == .notFound)
        }
    }

    @Test func servicesListTheEngineForAdminsOnly() async throws {
        let fixture = try ServerFixture(users: Self.users)
        try await fixture.run { client in
            let admin = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let services = try await client.call(.get, "/v1/\(admin.projectID)/services", token: admin.token)
            #expect(services.status == .ok)
            let engine = services.json["services"][0]
            #expect(services.json["services"].listValue?.count == 1)
            #expect(engine["binary"] == "heat-engine")
            #expect(engine["topic"] == "engine")
            #expect(engine["status"] == "up")
            #expect(engine["engine_id"].stringValue?.isEmpty == false)
            #expect(engine["deleted_at"] == .null)

            let member = try #require(try await client.signIn(user: "mike", password: "mike-secret", project: "team"))
            let denied = try await client.call(.get, "/v1/\(member.projectID)/services", token: member.token)
            #expect(denied.status == .forbidden)
            #expect(denied.json["error"]["message"] == "You are not authorized to complete service:index action.")
        }
    }
}
