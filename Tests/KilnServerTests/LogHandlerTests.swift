import Foundation
import KilnModel
import KilnServer
import Logging
import Testing

/// The two line formats of `kiln serve --log-format`, written through swift-log as the server does.
@Suite struct LogHandlerTests {
    final class Lines: Sendable {
        let lines = Locked<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func write(_ line: String) { lines.withLock { $0.append(line) } }
    }

    @Test func jsonLinesHaveTimeLevelEventLabelAndTypedFields() throws {
        let collected = Lines()
        var logger = Logger(label: "kiln.engine") { label in JSONLineLogHandler(label: label) { collected.write($0) } }
        logger[metadataKey: "engine_name"] = "e1"
        logger.warning("lease lost", metadata: ["stack": "abc", "attempt": .stringConvertible(3), "ratio": .stringConvertible(0.5)])
        let line = try #require(collected.all.first)
        #expect(!line.contains("\n"))
        let value = try Value.parseJSON(line)
        #expect(value["event"] == "lease lost" && value["level"] == "warning" && value["label"] == "kiln.engine")
        #expect(value["engine_name"] == "e1" && value["stack"] == "abc")
        #expect(value["attempt"] == .int(3) && value["ratio"] == .double(0.5))
        #expect(value["time"].stringValue?.hasSuffix("Z") == true)
    }

    @Test func textLinesQuoteWhatWouldNotSplitBack() throws {
        let collected = Lines()
        let logger = Logger(label: "kiln.api") { label in TextLogHandler(label: label) { collected.write($0) } }
        logger.info("request", metadata: ["route": "/v1/:project/stacks", "reason": "two words", "status": .stringConvertible(200)])
        let line = try #require(collected.all.first)
        let afterTime = try #require(line.split(separator: " ", maxSplits: 1).last)
        #expect(afterTime == #"INFO kiln.api: request reason="two words" route=/v1/:project/stacks status=200"#, "\(line)")
        #expect(LogFormat(rawValue: "text") == .text && LogFormat(rawValue: "xml") == nil)
    }
}
