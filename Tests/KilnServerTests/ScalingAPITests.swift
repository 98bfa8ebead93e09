import Foundation
import Hummingbird
import KilnModel
import Testing
import KilnServer
import KilnTemplate

/// A scaling policy's two URLs over real HTTP on loopback: the pre-signed `alarm_url` needs no
/// token but a valid signature (403 and nothing changed otherwise), `signal_url` needs a token.
@Suite struct ScalingAPITests {
    static let template: Value = [
        "heat_template_version": "2018-08-31",
        "resources": [
            "group": ["type": "OS::Heat::AutoScalingGroup", "properties": [
                "min_size": 1, "max_size": 4, "resource": ["type": "OS::Heat::TestResource", "properties": ["value": "m"]]]],
            "up": ["type": "OS::Heat::ScalingPolicy", "properties": [
                "auto_scaling_group_id": ["get_resource": "group"], "adjustment_type": "change_in_capacity",
                "scaling_adjustment": 1, "cooldown": 0]],
            "down": ["type": "OS::Heat::ScalingPolicy", "properties": [
                "auto_scaling_group_id": ["get_resource": "group"], "adjustment_type": "change_in_capacity",
                "scaling_adjustment": -1, "cooldown": 0]],
        ],
        "outputs": [
            "size": ["value": ["get_attr": ["group", "current_size"]]],
            "alarm_url": ["value": ["get_attr": ["up", "alarm_url"]]],
            "down_url": ["value": ["get_attr": ["down", "alarm_url"]]],
            "signal_url": ["value": ["get_attr": ["up", "signal_url"]]],
        ],
    ]

    func output(_ client: ServerFixture.Client, _ stack: String, _ key: String, token: String) async throws -> Value {
        try await client.call(.get, "\(stack)/outputs/\(key)", token: token).json["output"]["output_value"]
    }

    /// The path and query of an absolute URL, with one query item changed.
    func replacing(_ url: String, _ name: String, with value: String) -> String {
        var components = URLComponents(string: url)!
        components.queryItems = components.queryItems?.map { $0.name == name ? URLQueryItem(name: name, value: value) : $0 }
        return components.percentEncodedPath + "?" + (components.percentEncodedQuery ?? "")
    }

    @Test func alarmURLNeedsNoTokenButAValidSignatureAndSignalURLNeedsAToken() async throws {
        let fixture = try ServerFixture()
        try await fixture.run { client in
            let (token, project) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let created = try await client.call(.post, "/v1/\(project)/stacks", token: token, body: [
                "stack_name": "scaled", "template": Self.template, "parameters": [:], "disable_rollback": true,
            ])
            #expect(created.status == .created)
            let stack = pathOf(try #require(created.headers[.location]))
            #expect(try await client.waitForStack(stack, token: token)["stack_status"] == "CREATE_COMPLETE")
            #expect(try await output(client, stack, "size", token: token) == 1)

            let alarmURL = try #require(try await output(client, stack, "alarm_url", token: token).stringValue)
            let downURL = try #require(try await output(client, stack, "down_url", token: token).stringValue)
            let alarm: Value = ["previous": "ok", "current": "alarm", "reason": "cpu high"]
            // No token, a valid signature: the group grows.
            let signed = try await client.call(.post, pathOf(alarmURL), body: alarm)
            #expect(signed.status == .ok, "\(signed.json)")
            #expect(try await output(client, stack, "size", token: token) == 2)

            // Forged, expired, another policy's signature on this one's path: 403, nothing changes.
            let signature = try #require(URLComponents(string: alarmURL)?.queryItems?.first { $0.name == "Signature" }?.value)
            let downSignature = try #require(URLComponents(string: downURL)?.queryItems?.first { $0.name == "Signature" }?.value)
            let refused = [
                replacing(alarmURL, "Signature", with: String(signature.reversed())),
                replacing(alarmURL, "Expires", with: String(Int(Date().timeIntervalSince1970) - 60)),
                replacing(alarmURL, "Signature", with: downSignature),
                pathOf(alarmURL).replacingOccurrences(of: "/up?", with: "/down?"),
                pathOf(alarmURL).components(separatedBy: "?")[0],
            ]
            for path in refused {
                let reply = try await client.call(.post, path, body: alarm)
                #expect(reply.status == .forbidden, "\(path): \(reply.status)")
            }
            #expect(try await output(client, stack, "size", token: token) == 2)

            // The native signal URL needs a token.
            let signalURL = try #require(try await output(client, stack, "signal_url", token: token).stringValue)
            let nativePath = pathOf(signalURL).replacingOccurrences(of: "/v1/default/", with: "/v1/\(project)/")
            #expect(try await client.call(.post, nativePath, body: alarm).status == .unauthorized)
            let withToken = try await client.call(.post, nativePath, token: token, body: alarm)
            #expect(withToken.status == .ok, "\(withToken.json)")
            #expect(try await output(client, stack, "size", token: token) == 3)

            // The events say what happened.
            let events = try await client.call(.get, "\(stack)/resources/up/events", token: token)
            let reasons = (events.json["events"].listValue ?? []).map { $0["resource_status_reason"].stringValue ?? "" }
            #expect(reasons.contains("alarm state changed from ok to alarm (cpu high): scaling group from 2 to 3"), "\(reasons)")
        }
    }
}
