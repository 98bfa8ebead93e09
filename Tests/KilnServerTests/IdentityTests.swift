import Foundation
import Hummingbird
import Testing
@testable import KilnServer
import KilnTemplate

@Suite struct IdentityTests {
    @Test func passwordHashVerifiesOnlyTheRightPassword() {
        let stored = PasswordHash.make("s3cret", iterations: 100)
        #expect(stored.hasPrefix("pbkdf2-sha256$100$"))
        #expect(PasswordHash.verify("s3cret", against: stored))
        #expect(!PasswordHash.verify("s3cret!", against: stored))
        #expect(!PasswordHash.verify("s3cret", against: "garbage"))
    }

    @Test func tokenIssueValidateAndWrongPassword() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let version = try await client.call(.get, "/v3")
            #expect(version.json["version"]["id"].stringValue == "v3.14")

            let signedIn = try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin")
            let (token, projectID) = try #require(signedIn)
            let issued = try await client.call(.post, "/v3/auth/tokens", body: ["auth": [
                "identity": ["methods": ["password"], "password": ["user": [
                    "name": "admin", "password": .string(fixture.adminPassword), "domain": ["name": "Default"]]]],
                "scope": ["project": ["name": "admin", "domain": ["name": "Default"]]]]])
            let endpoints = issued.json["token"]["catalog"].listValue?
                .first { $0["type"].stringValue == "orchestration" }?["endpoints"].listValue ?? []
            #expect(Set(endpoints.compactMap { $0["interface"].stringValue }) == ["public", "internal", "admin"])
            #expect(endpoints.allSatisfy { $0["url"].stringValue?.hasSuffix("/v1/\(projectID)") == true })
            #expect(issued.json["token"]["expires_at"].stringValue?.hasSuffix(".000000Z") == true)

            var headers = HTTPFields()
            headers[HTTPFields.Element.Name("X-Auth-Token")!] = token
            headers[HTTPFields.Element.Name("X-Subject-Token")!] = token
            let validated = try await client.client.execute(uri: "/v3/auth/tokens", method: .get, headers: headers) { $0.status }
            #expect(validated == .ok)

            let rescoped = try await client.call(.post, "/v3/auth/tokens", body: ["auth": [
                "identity": ["methods": ["token"], "token": ["id": .string(token)]]]])
            #expect(rescoped.status == .created)

            let wrong = try await client.call(.post, "/v3/auth/tokens", body: ["auth": [
                "identity": ["methods": ["password"], "password": ["user": [
                    "name": "admin", "password": "nope", "domain": ["name": "Default"]]]]]])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.json["error"]["code"] == .int(401))

            let malformed = try await client.call(.post, "/v3/auth/tokens", raw: "{not json")
            #expect(malformed.status == .badRequest)
        }
    }
}
