import Foundation
import KilnEngine
import Logging
import Testing
import KilnModel

/// The engine logs each operation's start and end through swift-log, naming the engine,
/// the stack and the operation, and never a hidden parameter's value.
@Suite struct EngineLogTests {
    final class Lines: Sendable {
        let all = Locked<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])
    }

    struct Capture: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            var merged = metadata
            for (key, value) in event.metadata ?? [:] { merged[key] = value }
            lines.all.withLock { $0.append((event.level, "\(event.message)", merged)) }
        }
    }

    @Test func operationsAreLoggedWithTheirStackAndNoSecret() async throws {
        let home = TemporaryHome()
        let lines = Lines()
        let engine = Engine(
            store: try home.store(), logger: Logger(label: "test", factory: { _ in Capture(lines: lines) }))
        let template = """
            heat_template_version: 2021-04-16
            parameters:
              password: {type: string, hidden: true}
            resources:
              broken:
                type: OS::Heat::Value
                properties: {value: {get_param: password}, type: number}
            """
        var failing = request("logged", template)
        failing.parameters = ["password": "s3cret-value"]
        let stack = try await engine.create(failing)
        #expect(stack.statusText == "CREATE_FAILED")

        let logged = lines.all.withLock { $0 }
        let started = try #require(logged.first { $0.message == "operation started" })
        #expect(started.metadata["stack"] == .string(stack.id))
        #expect(started.metadata["stack_name"] == "logged")
        #expect(started.metadata["engine"] == .string(engine.owner))
        #expect(started.metadata["action"] == "CREATE")
        let ended = try #require(logged.first { $0.message == "operation ended" })
        #expect(ended.metadata["status"] == "CREATE_FAILED")
        // The failure's reason quotes the value: the log shows it masked.
        #expect("\(ended.metadata["reason"] ?? "")".contains("******"))
        #expect(ended.metadata["operation"] == started.metadata["operation"])
        for line in logged {
            #expect(!"\(line.message) \(line.metadata)".contains("s3cret-value"))
        }
    }
}
