import Foundation
import Hummingbird
import KilnCloud
import KilnEmulator
import KilnModel
import KilnServer
import KilnStore
import Testing

/// A clock the test moves (the cloud's; tokens keep real time).
final class MovedClock: Sendable {
    private let time = Locked(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { time.withLock { $0 } }
    func advance(_ seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Gnocchi's v1 API subset over real HTTP on loopback: catalog, archive policies, resources,
/// search, metrics, measures, aggregates, the load extension and errors in Gnocchi's shape.
@Suite("Metric (Gnocchi) API served by kiln serve")
struct MetricAPITests {
    @Test func resourcesMetricsMeasuresAndAggregatesAsGnocchiShowsThem() async throws {
        let clock = MovedClock()
        var tuned = EmulatorOptions()
        tuned.telemetryInterval = 10
        let options = tuned
        let fixture = try await ServerFixture(cloud: { store in try await EmulatedCloud(store: store, options: options, clock: { clock.now }) })
        try await fixture.run { client in
            let (token, _) = try #require(try await client.signIn(user: "admin", password: fixture.adminPassword, project: "admin"))
            let versions = try await client.call(.get, "/metric")
            #expect(versions.json["versions"][0]["id"] == "v1.0")

            var servers: [String] = []
            for name in ["web-1", "web-2"] {
                let created = try await client.call(.post, "/compute/v2.1/servers", token: token, body: ["server": [
                    "name": .string(name), "flavorRef": "2", "imageRef": "cirros-0.6.2-x86_64-disk",
                    "metadata": ["metering.server_group": "g1"]]])
                servers.append(try #require(created.json["server"]["id"].stringValue))
            }
            let load = try await client.call(.post, "/metric/v1/kiln/load", token: token, body: ["target": "g1", "cpu": 50, "memory": 1000])
            #expect(load.status == .accepted)
            #expect(load.json["servers"].listValue?.count == 2)
            clock.advance(180)

            let policies = try await client.call(.get, "/metric/v1/archive_policy", token: token)
            let low = try #require(policies.json.listValue?.first { $0["name"] == "low" })
            #expect(low["definition"][0] == ["granularity": "0:05:00", "points": 8640, "timespan": "30 days, 0:00:00"])
            #expect(try await client.call(.get, "/metric/v1/archive_policy/ceilometer-high", token: token).json["aggregation_methods"] == ["mean"])

            let list = try await client.call(.get, "/metric/v1/resource/instance", token: token)
            #expect(list.json.listValue?.count == 2)
            let resource = try #require(list.json.listValue?.first { $0["id"] == .string(servers[0]) })
            #expect(resource["server_group"] == "g1" && resource["display_name"] == "web-1" && resource["flavor_name"] == "m1.small")
            #expect(resource["ended_at"] == .null && resource["type"] == "instance")
            let generic = try await client.call(.get, "/metric/v1/resource/generic", token: token)
            #expect(generic.json[0]["server_group"] == .null && generic.json[0]["metrics"]["cpu"].stringValue != nil)
            let shown = try await client.call(.get, "/metric/v1/resource/instance/\(servers[1])", token: token)
            #expect(shown.json["display_name"] == "web-2")

            let search = try await client.call(.post, "/metric/v1/search/resource/instance", token: token,
                                               body: ["and": [["=": ["server_group": "g1"]], ["like": ["display_name": "%-2"]]]])
            #expect(search.json.listValue?.compactMap { $0["id"].stringValue } == [servers[1]])

            let cpuID = try #require(resource["metrics"]["cpu"].stringValue)
            let metric = try await client.call(.get, "/metric/v1/metric/\(cpuID)", token: token)
            #expect(metric.json["name"] == "cpu" && metric.json["unit"] == "ns" && metric.json["archive_policy"]["name"] == "kiln-instance")
            #expect(metric.json["resource"]["id"] == .string(servers[0]))
            let metrics = try await client.call(.get, "/metric/v1/metric", token: token)
            #expect(metrics.json.listValue?.count == 10)

            let measures = try await client.call(.get, "/metric/v1/metric/\(cpuID)/measures?aggregation=rate:mean&granularity=60", token: token)
            #expect(measures.json[0] == [.string("2027-01-15T08:00:00+00:00"), 60.0, 5e9])  // raw differences: ns per 10 s sample
            let byName = try await client.call(
                .get, "/metric/v1/resource/instance/\(servers[0])/metric/memory.usage/measures?granularity=300&aggregation=max", token: token)
            #expect(byName.json == [["2027-01-15T08:00:00+00:00", 300.0, 1000.0]])

            let aggregates = try await client.call(.post, "/metric/v1/aggregates?granularity=60&needed_overlap=0&stop=2027-01-15T08:03:00", token: token, body: [
                "operations": "(aggregate rate:mean (metric cpu mean))", "resource_type": "instance", "search": ["=": ["server_group": "g1"]]])
            #expect(aggregates.json["measures"]["aggregated"] == [
                ["2027-01-15T08:01:00+00:00", 60.0, 30e9], ["2027-01-15T08:02:00+00:00", 60.0, 30e9]])
            let perResource = try await client.call(.post, "/metric/v1/aggregates?granularity=300", token: token, body: [
                "operations": ["metric", "memory.usage", "max"], "resource_type": "instance", "search": "{\"=\": {\"display_name\": \"web-1\"}}"])
            #expect(perResource.json["measures"][servers[0]]["memory.usage"]["max"] == [["2027-01-15T08:00:00+00:00", 300.0, 1000.0]])

            // Gnocchi's search text, as gnocchiclient sends it.
            let text = try await client.call(.post, "/metric/v1/aggregates?granularity=300&details=true", token: token, body: [
                "operations": "(metric memory.usage last)", "resource_type": "instance",
                "search": "server_group=g1 and not (display_name='web-1' or display_name in [nobody, none])"])
            #expect(text.json["measures"].mapValue.map { Array($0.keys) } == [servers[1]])
            #expect(text.json["references"][0]["id"] == .string(servers[1]))
            let badText = try await client.call(.post, "/metric/v1/aggregates", token: token, body: [
                "operations": "(metric cpu mean)", "resource_type": "instance", "search": "server_group ~ g1"])
            #expect(badText.status == .badRequest && badText.json["description"].stringValue?.contains("unknown operator") == true)

            // Errors in Gnocchi's shape.
            let missing = try await client.call(.get, "/metric/v1/metric/nope", token: token)
            #expect(missing.status == .notFound && missing.json["description"] == "Metric nope does not exist" && missing.json["code"] == 404)
            let badGranularity = try await client.call(.get, "/metric/v1/metric/\(cpuID)/measures?granularity=7", token: token)
            #expect(badGranularity.status == .notFound)
            let badSearch = try await client.call(.post, "/metric/v1/search/resource/instance", token: token, body: ["~": ["id": "x"]])
            #expect(badSearch.status == .badRequest)
            let badOperations = try await client.call(.post, "/metric/v1/aggregates", token: token, body: ["operations": "(aggregate mean (metric cpu"])
            #expect(badOperations.status == .badRequest)
            #expect(try await client.call(.get, "/metric/v1/resource/instance").status == .unauthorized)
            let badLoad = try await client.call(.post, "/metric/v1/kiln/load", token: token, body: ["target": "nobody", "cpu": 10])
            #expect(badLoad.status == .notFound)
        }
    }

    @Test func theCatalogListsTheMetricService() async throws {
        let fixture = try await ServerFixture(cloud: { store in try await EmulatedCloud(store: store) })
        try await fixture.run { client in
            let reply = try await client.call(.post, "/v3/auth/tokens", body: ["auth": [
                "identity": ["methods": ["password"], "password": ["user": [
                    "name": "admin", "password": .string(fixture.adminPassword), "domain": ["name": "Default"]]]],
                "scope": ["project": ["name": "admin", "domain": ["name": "Default"]]],
            ]])
            let metric = (reply.json["token"]["catalog"].listValue ?? []).first { $0["type"] == "metric" }
            #expect(metric?["name"] == "gnocchi")
            #expect(metric?["endpoints"][0]["url"].stringValue?.hasSuffix("/metric") == true)
        }
    }
}
