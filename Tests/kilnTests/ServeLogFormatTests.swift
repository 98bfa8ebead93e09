import Foundation
import KilnModel
import Testing

/// `kiln serve`'s log lines (JSON by default, `--log-format text`) and the metrics of the
/// subsystems below the API (leases, alarms) in its `/metrics`.
@Suite struct ServeLogFormatTests {
    static let template = """
        heat_template_version: 2021-04-16
        resources:
          word: {type: OS::Heat::RandomString, properties: {length: 4}}
        """

    @Test func jsonLinesCarryLabelProjectAndTheRequestThatStartedAnOperation() async throws {
        let served = try await ServedKiln()
        let created = try await served.client([
            "stack", "create", "logged", "-t", try served.home.write("t.yaml", Self.template), "--wait",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let lines = try String(contentsOf: served.log, encoding: .utf8).split(separator: "\n")
            .compactMap { try? Value.parseJSON(String($0)) }.filter { $0["level"] != .null }
        let requests = lines.filter { $0["event"] == "request" }
        #expect(requests.allSatisfy { $0["label"] == "kiln.api" && $0["engine_name"].stringValue != nil })
        let create = try #require(requests.first { $0["route"] == "/v1/:project/stacks" && $0["method"] == "POST" })
        #expect(create["project"].stringValue?.isEmpty == false)
        // The operation's lines name the request that started it, the project and the stack.
        let started = try #require(lines.first { $0["event"] == "operation started" })
        #expect(started["label"] == "kiln.engine")
        #expect(started["request_id"] == create["request_id"])
        #expect(started["project"] == create["project"])
        #expect(started["stack_name"] == "logged")

        let metrics = try await served.metrics()
        #expect(metrics.contains(#"kiln_lease_claims_total{result="taken"}"#), "\(metrics)")
        // The alarm evaluator's first round runs at start.
        #expect(metrics.contains("kiln_alarm_evaluation_round_seconds_count"), "\(metrics)")
        #expect(metrics.contains("kiln_alarms_evaluated_total"))
    }

    @Test func textLinesAreForPeople() async throws {
        let served = try await ServedKiln(["--log-format", "text"])
        let listed = try await served.client(["stack", "list"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let log = try String(contentsOf: served.log, encoding: .utf8)
        // The client signs in (POST /v3/auth/tokens) before it lists.
        let line = try #require(log.split(separator: "\n").first { $0.contains(" kiln.api: request ") && $0.contains("route=/v1/") })
        // 2026-12-05T23:10:00.123Z INFO kiln.api: request duration_ms=0.8 engine_name=... method=GET ...
        #expect(line.contains("INFO kiln.api: request "), "\(line)")
        #expect(line.contains(" method=GET ") && line.contains(" status=200"), "\(line)")
        #expect(!log.contains("{\"event\""))
    }

    @Test func anUnknownLogFormatIsAUsageError() async throws {
        let home = try KilnHome()
        let run = try await home.kiln(["serve", "--log-format", "xml"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--log-format must be json or text"), "\(run.stderr)")
    }
}
