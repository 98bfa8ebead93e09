import KilnClient
import Testing

/// The `text/event-stream` grammar, fed in the awkward chunks a network delivers.
@Suite struct ServerSentEventParserTests {
    static func parse(_ chunks: [String], lastEventID: String? = nil) -> (events: [ServerSentEvent], parser: ServerSentEventParser) {
        var parser = ServerSentEventParser(lastEventID: lastEventID)
        let events = chunks.flatMap { parser.feed(Array($0.utf8)) }
        return (events, parser)
    }

    @Test func fieldsCommentsAndBlankLineDispatch() {
        let (events, parser) = Self.parse([
            ": keep-alive\n\n",
            "id: 1\nevent: event\ndata: {\"a\": 1}\n\n",
            "data:first\ndata: second\n\n",  // no space after the colon; two data lines
            "id: 7\n\n",  // no data: nothing dispatched, but the id counts
            "retry: 10\nunknown: x\ndata\n\n",  // a field without a colon has an empty value
        ])
        #expect(events == [
            ServerSentEvent(type: "event", data: "{\"a\": 1}", lastEventID: "1"),
            ServerSentEvent(type: "message", data: "first\nsecond", lastEventID: "1"),
            ServerSentEvent(type: "message", data: "", lastEventID: "7"),
        ])
        #expect(parser.lastEventID == "7")
    }

    @Test func lineEndingsAndChunksSplitAnywhere() {
        let text = "id: 1\r\nevent: event\r\ndata: one\r\n\r\nid: 2\rdata: two\r\rid: 3\ndata: three\n\n"
        // Every split point, including between a CR and its LF.
        for split in 0...text.utf8.count {
            let bytes = Array(text.utf8)
            var parser = ServerSentEventParser()
            let events = parser.feed(bytes[..<split]) + parser.feed(bytes[split...])
            #expect(events.map(\.data) == ["one", "two", "three"], "split at \(split)")
            #expect(events.map(\.lastEventID) == ["1", "2", "3"])
            #expect(events.first?.type == "event")
        }
    }

    @Test func anUnfinishedBlockIsNotDispatched() {
        let (events, parser) = Self.parse(["id: 1\ndata: one\n\nid: 2\ndata: tw"], lastEventID: "0")
        #expect(events.map(\.data) == ["one"])
        #expect(parser.lastEventID == "1")
    }
}
