import Foundation
import Hummingbird
import Testing
import KilnServer
import KilnTemplate

@Suite struct PolicyTests {
    static let users: [ServerFixture.User] = [
        .init(name: "rita", project: "team", roles: ["reader"]),
        .init(name: "mike", project: "team", roles: ["member"]),
    ]

    @Test func readerMayListButNotCreate() async throws {
        let fixture = try ServerFixture(users: Self.users)
        try await fixture.run { client in
            let reader = try #require(try await client.signIn(user: "rita", password: "rita-secret", project: "team"))
            let stacks = "/v1/\(reader.projectID)/stacks"
            let list = try await client.call(.get, stacks, token: reader.token)
            #expect(list.status == .ok)
            #expect(list.json["stacks"].listValue?.isEmpty == true)

            let create = try await client.call(.post, stacks, token: reader.token, body: ["stack_name": "s", "template": helloTemplate])
            #expect(create.status == .forbidden)
            #expect(create.json["code"] == .int(403))
            #expect(create.json["title"] == "Forbidden")
            #expect(create.json["error"]["type"] == "Forbidden")
            #expect(create.json["error"]["message"] == "You are not authorized to complete stacks:create action.")
            #expect(create.json["error"]["traceback"] == .null)

            // The member of the same project creates; the reader sees it but may not delete it.
            let member = try #require(try await client.signIn(user: "mike", password: "mike-secret", project: "team"))
            let created = try await client.call(.post, stacks, token: member.token, body: ["stack_name": "s", "template": helloTemplate])
            #expect(created.status == .created)
            let url = pathOf(created.json["stack"]["links"][0]["href"].stringValue ?? "")
            let done = try await client.waitForStack(url, token: reader.token)
            #expect(done["stack_status"] == "CREATE_COMPLETE")
            let delete = try await client.call(.delete, url, token: reader.token)
            #expect(delete.status == .forbidden)
            #expect(delete.json["error"]["message"] == "You are not authorized to complete stacks:delete action.")
        }
    }

    @Test func onlyAdminListsEveryProject() async throws {
        let fixture = try ServerFixture(users: Self.users)
        try await fixture.run { client in
            let member = try #require(try await client.signIn(user: "mike", password: "mike-secret", project: "team"))
            let admin = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let created = try await client.call(.post, "/v1/\(member.projectID)/stacks", token: member.token,
                                                body: ["stack_name": "theirs", "template": helloTemplate])
            #expect(created.status == .created)

            let denied = try await client.call(.get, "/v1/\(member.projectID)/stacks?global_tenant=true", token: member.token)
            #expect(denied.status == .forbidden)
            #expect(denied.json["error"]["message"] == "You are not authorized to complete stacks:global_index action.")

            let own = try await client.call(.get, "/v1/\(admin.projectID)/stacks", token: admin.token)
            #expect(own.json["stacks"].listValue?.isEmpty == true)
            let all = try await client.call(.get, "/v1/\(admin.projectID)/stacks?global_tenant=true", token: admin.token)
            #expect(all.status == .ok)
            #expect(all.json["stacks"].listValue?.compactMap { $0["stack_name"].stringValue } == ["theirs"])
        }
    }

    @Test func userWithoutHeatRolesIsRefusedEvenReads() async throws {
        let fixture = try ServerFixture(users: [.init(name: "otto", project: "elsewhere", roles: ["observer"])])
        try await fixture.run { client in
            let otto = try #require(try await client.signIn(user: "otto", password: "otto-secret", project: "elsewhere"))
            let list = try await client.call(.get, "/v1/\(otto.projectID)/stacks", token: otto.token)
            #expect(list.status == .forbidden)
        }
    }
}
