import Foundation
import Hummingbird
import KilnCloud
import KilnEmulator
import KilnModel
import KilnServer
import KilnStore
import Testing

/// Aodh's v2 API subset over real HTTP on loopback: the catalog, the version document, alarm
/// create/list/show/replace/delete, state, history, capabilities and errors in Aodh's shape.
@Suite("Alarm (Aodh) API served by kiln serve")
struct AlarmAPITests {
    static let rule: Value = [
        "metric": "cpu", "aggregation_method": "rate:mean", "granularity": 60, "threshold": 1000,
        "resource_type": "instance", "query": "{\"=\": {\"server_group\": \"x\"}}", "comparison_operator": "gt",
    ]

    @Test func alarmsAsAodhShowsThem() async throws {
        let fixture = try await ServerFixture(cloud: { store in try await EmulatedCloud(store: store) })
        try await fixture.run { client in
            let (token, projectID) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let versions = try await client.call(.get, "/alarming")
            #expect(versions.json["versions"]["values"][0]["id"] == "v2" && versions.json["versions"]["values"][0]["status"] == "stable")
            #expect(try await client.call(.get, "/alarming/v2/alarms").status == .unauthorized)

            let created = try await client.call(.post, "/alarming/v2/alarms", token: token, body: [
                "name": "cpu-high", "type": "gnocchi_aggregation_by_resources_threshold",
                "gnocchi_aggregation_by_resources_threshold_rule": Self.rule,
                "alarm_actions": ["trust+http://localhost/signal"], "severity": "critical", "repeat_actions": true,
            ])
            #expect(created.status == .created)
            let id = try #require(created.json["alarm_id"].stringValue)
            #expect(created.json["state"] == "insufficient data" && created.json["severity"] == "critical" && created.json["enabled"] == true)
            #expect(created.json["project_id"] == .string(projectID) && created.json["user_id"].stringValue?.isEmpty == false)
            let rule = created.json["gnocchi_aggregation_by_resources_threshold_rule"]
            #expect(rule["threshold"] == 1000.0 && rule["evaluation_periods"] == 1 && rule["comparison_operator"] == "gt")
            #expect(rule["query"] == "{\"=\": {\"server_group\": \"x\"}}")
            #expect(created.json["alarm_actions"] == ["trust+http://localhost/signal"] && created.json["repeat_actions"] == true)
            #expect(created.json["description"] == "gnocchi_aggregation_by_resources_threshold alarm rule")

            let second = try await client.call(.post, "/alarming/v2/alarms", token: token, body: [
                "name": "mem-low", "type": "gnocchi_resources_threshold", "state": "ok", "enabled": false,
                "gnocchi_resources_threshold_rule": ["metric": "memory.usage", "aggregation_method": "mean", "threshold": 10,
                                                     "resource_type": "instance", "resource_id": "r1"],
            ])
            #expect(second.status == .created && second.json["state"] == "ok" && second.json["enabled"] == false)
            #expect(second.json["gnocchi_resources_threshold_rule"]["granularity"] == 60)

            let all = try await client.call(.get, "/alarming/v2/alarms", token: token)
            #expect(all.json.listValue?.compactMap { $0["name"].stringValue } == ["cpu-high", "mem-low"])
            let byName = try await client.call(.get, "/alarming/v2/alarms?q.field=name&q.op=eq&q.value=mem-low", token: token)
            #expect(byName.json.listValue?.compactMap { $0["name"].stringValue } == ["mem-low"])
            let byTwo = try await client.call(
                .get, "/alarming/v2/alarms?q.field=enabled&q.op=eq&q.value=True&q.field=severity&q.value=critical", token: token)
            #expect(byTwo.json.listValue?.compactMap { $0["name"].stringValue } == ["cpu-high"])
            let byState = try await client.call(.get, "/alarming/v2/alarms?q.field=state&q.value=insufficient%20data", token: token)
            #expect(byState.json.listValue?.compactMap { $0["name"].stringValue } == ["cpu-high"])
            let byType = try await client.call(.get, "/alarming/v2/alarms?q.field=type&q.value=gnocchi_resources_threshold", token: token)
            #expect(byType.json.listValue?.count == 1)
            let sorted = try await client.call(.get, "/alarming/v2/alarms?sort=name:desc", token: token)
            #expect(sorted.json.listValue?.compactMap { $0["name"].stringValue } == ["mem-low", "cpu-high"])
            let paged = try await client.call(.get, "/alarming/v2/alarms?sort=name:asc&limit=1&marker=\(id)", token: token)
            #expect(paged.json.listValue?.compactMap { $0["name"].stringValue } == ["mem-low"])
            #expect(try await client.call(.get, "/alarming/v2/alarms?marker=nope", token: token).status == .badRequest)
            let badField = try await client.call(.get, "/alarming/v2/alarms?q.field=colour&q.value=red", token: token)
            #expect(badField.status == .badRequest && badField.json["error_message"]["faultcode"] == "Client")
            let badOp = try await client.call(.get, "/alarming/v2/alarms?q.field=name&q.op=ne&q.value=x", token: token)
            #expect(badOp.status == .badRequest)

            // The complex query, as `alarm show --name` and `alarm list --query` send it.
            let queried = try await client.call(.post, "/alarming/v2/query/alarms", token: token, body: [
                "filter": "{\"or\": [{\"=\": {\"name\": \"mem-low\"}}, {\"=\": {\"severity\": \"critical\"}}]}",
                "orderby": "[{\"name\": \"desc\"}]", "limit": 5])
            #expect(queried.json.listValue?.compactMap { $0["name"].stringValue } == ["mem-low", "cpu-high"])
            let notQuery = try await client.call(.post, "/alarming/v2/query/alarms", token: token, body: [
                "filter": "{\"and\": [{\"not\": {\"=\": {\"enabled\": false}}}, {\"=~\": {\"name\": \"^cpu\"}}]}"])
            #expect(notQuery.json.listValue?.compactMap { $0["name"].stringValue } == ["cpu-high"])
            let badQuery = try await client.call(.post, "/alarming/v2/query/alarms", token: token, body: ["filter": "{\"~\": {\"name\": \"x\"}}"])
            #expect(badQuery.status == .badRequest && badQuery.json["error_message"]["faultcode"] == "Client")

            let shown = try await client.call(.get, "/alarming/v2/alarms/\(id)", token: token)
            #expect(shown.json["name"] == "cpu-high" && shown.json["type"] == "gnocchi_aggregation_by_resources_threshold")

            // PUT replaces the definition.
            let replaced = try await client.call(.put, "/alarming/v2/alarms/\(id)", token: token, body: [
                "name": "cpu-higher", "type": "gnocchi_aggregation_by_resources_threshold",
                "gnocchi_aggregation_by_resources_threshold_rule": ["metric": "cpu", "aggregation_method": "rate:mean", "threshold": 2000,
                                                                    "resource_type": "instance", "query": ["=": ["server_group": "y"]]],
            ])
            #expect(replaced.status == .ok && replaced.json["name"] == "cpu-higher" && replaced.json["severity"] == "low")
            #expect(replaced.json["gnocchi_aggregation_by_resources_threshold_rule"]["query"] == "{\"=\":{\"server_group\":\"y\"}}"
                || replaced.json["gnocchi_aggregation_by_resources_threshold_rule"]["query"].stringValue?.contains("server_group") == true)
            #expect(replaced.json["alarm_actions"] == [] && replaced.json["user_id"] == created.json["user_id"])

            // State.
            #expect(try await client.call(.get, "/alarming/v2/alarms/\(id)/state", token: token).json == "insufficient data")
            let set = try await client.call(.put, "/alarming/v2/alarms/\(id)/state", token: token, raw: "\"alarm\"")
            #expect(set.status == .ok && set.json == "alarm")
            #expect(try await client.call(.get, "/alarming/v2/alarms/\(id)", token: token).json["state_reason"] == "Manually set via API")
            let badState = try await client.call(.put, "/alarming/v2/alarms/\(id)/state", token: token, raw: "\"on fire\"")
            #expect(badState.status == .badRequest && badState.json["error_message"]["faultstring"].stringValue?.contains("state") == true)

            // History, newest first.
            let history = try await client.call(.get, "/alarming/v2/alarms/\(id)/history", token: token)
            #expect(history.json.listValue?.compactMap { $0["type"].stringValue } == ["state transition", "rule change", "creation"])
            #expect(history.json[0]["alarm_id"] == .string(id) && history.json[0]["detail"].stringValue?.contains("alarm") == true)
            let limited = try await client.call(.get, "/alarming/v2/alarms/\(id)/history?limit=1", token: token)
            #expect(limited.json.listValue?.count == 1)

            let searched = try await client.call(.post, "/alarming/v2/query/alarms/history", token: token, body: [
                "filter": "{\"=\": {\"type\": \"creation\"}}"])
            #expect(searched.json.listValue?.compactMap { $0["alarm_id"].stringValue }.sorted() == [id, try #require(second.json["alarm_id"].stringValue)].sorted())

            let capabilities = try await client.call(.get, "/alarming/v2/capabilities", token: token)
            #expect(capabilities.json["api"]["alarms:query:simple"] == true)

            // Delete, then Aodh's 404s.
            let deleted = try await client.call(.delete, "/alarming/v2/alarms/\(id)", token: token)
            #expect(deleted.status == .noContent)
            let gone = try await client.call(.get, "/alarming/v2/alarms/\(id)", token: token)
            #expect(gone.status == .notFound)
            #expect(gone.json == ["error_message": ["faultcode": "Client", "faultstring": .string("Alarm \(id) not found"), "debuginfo": .null]])
            #expect(try await client.call(.delete, "/alarming/v2/alarms/\(id)", token: token).status == .notFound)
            #expect(try await client.call(.get, "/alarming/v2/alarms/\(id)/state", token: token).status == .notFound)
            #expect(try await client.call(.put, "/alarming/v2/alarms/\(id)/state", token: token, raw: "\"ok\"").status == .notFound)
            #expect(try await client.call(.get, "/alarming/v2/alarms/\(id)/history", token: token).status == .notFound)
            #expect(try await client.call(.put, "/alarming/v2/alarms/\(id)", token: token, body: [
                "name": "x", "type": "event", "event_rule": [:]]).status == .notFound)
        }
    }

    @Test func refusalsInAodhsShape() async throws {
        let fixture = try await ServerFixture(cloud: { store in try await EmulatedCloud(store: store) })
        try await fixture.run { client in
            let (token, _) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            func post(_ body: Value) async throws -> ServerFixture.Client.Reply {
                try await client.call(.post, "/alarming/v2/alarms", token: token, body: body)
            }
            let noRule = try await post(["name": "a", "type": "gnocchi_resources_threshold"])
            #expect(noRule.status == .badRequest)
            #expect(noRule.json["error_message"]["faultstring"] == "gnocchi_resources_threshold_rule must be set for gnocchi_resources_threshold type alarm")
            #expect(try await post(["type": "event", "event_rule": [:]]).status == .badRequest)  // no name
            #expect(try await post(["name": "a", "type": "nope", "nope_rule": [:]]).status == .badRequest)
            #expect(try await post(["name": "a", "type": "gnocchi_aggregation_by_resources_threshold",
                                    "gnocchi_aggregation_by_resources_threshold_rule": ["metric": "cpu"]]).status == .badRequest)
            #expect(try await post(["name": "a", "type": "event", "event_rule": [:], "severity": "huge"]).status == .badRequest)
            #expect(try await post(["name": "a", "type": "event", "event_rule": [:], "alarm_actions": ["ftp://x"]]).status == .badRequest)
            #expect(try await post(["name": "a", "type": "event", "event_rule": [:], "state": "sleepy"]).status == .badRequest)
            #expect(try await post(["name": "a", "type": "event", "event_rule": [:], "composite_rule": ["or": []]]).status == .badRequest)
            let made = try await post(["name": "a", "type": "event", "event_rule": ["event_type": "compute.instance.update"]])
            #expect(made.status == .created && made.json["event_rule"]["event_type"] == "compute.instance.update")
            let twice = try await post(["name": "a", "type": "event", "event_rule": [:]])
            #expect(twice.status == .conflict && twice.json["error_message"]["faultcode"] == "Client")
            #expect(try await client.call(.post, "/alarming/v2/alarms", token: token, raw: "[1]").status == .badRequest)
            #expect(try await client.call(.get, "/alarming/v2/nothing", token: token).status == .notFound)
            #expect(try await client.call(.patch, "/alarming/v2/alarms", token: token, body: [:]).status == .methodNotAllowed)

            // Another project does not see the alarm.
            let (other, _) = try #require(try await client.signIn(user: "alice", password: "alice-secret", project: "other"))
            let id = try #require(made.json["alarm_id"].stringValue)
            #expect(try await client.call(.get, "/alarming/v2/alarms/\(id)", token: other).status == .notFound)
            #expect(try await client.call(.get, "/alarming/v2/alarms", token: other).json == [])
        }
    }

    @Test func theCatalogListsAodh() async throws {
        let fixture = try await ServerFixture(cloud: { store in try await EmulatedCloud(store: store) })
        try await fixture.run { client in
            let reply = try await client.call(.post, "/v3/auth/tokens", body: ["auth": [
                "identity": ["methods": ["password"], "password": ["user": [
                    "name": "admin", "password": .string(fixture.adminPassword), "domain": ["name": "Default"]]]],
                "scope": ["project": ["name": "admin", "domain": ["name": "Default"]]],
            ]])
            let aodh = (reply.json["token"]["catalog"].listValue ?? []).first { $0["type"] == "alarming" }
            #expect(aodh?["name"] == "aodh")
            #expect(aodh?["endpoints"][0]["url"].stringValue?.hasSuffix("/alarming") == true)
        }
    }
}
