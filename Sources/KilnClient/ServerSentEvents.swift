/// One Server-Sent Event: its type (`message` when the stream names none), its data lines
/// joined with newlines, and the last event id the stream had set when it was dispatched.
public struct ServerSentEvent: Sendable, Equatable {
    public var type: String
    public var data: String
    public var lastEventID: String?

    public init(type: String = "message", data: String, lastEventID: String? = nil) {
        self.type = type
        self.data = data
        self.lastEventID = lastEventID
    }
}

/// The `text/event-stream` grammar of the HTML standard, fed in whatever chunks the network
/// delivers: lines end with LF, CR or CRLF (a CRLF split across two chunks is one ending);
/// `field: value` lines (one space after the colon is dropped; a line without a colon is a
/// field with an empty value) fill the `data`, `event` and `id` buffers; a line starting with
/// `:` is a comment (servers send them to keep idle connections open); a blank line dispatches.
/// An event with no data is not dispatched, but its `id` still counts, as in a browser.
public struct ServerSentEventParser: Sendable {
    /// The id to resume after (`Last-Event-ID`): the last `id:` of a dispatched block.
    public private(set) var lastEventID: String?
    private var idBuffer: String?
    private var line: [UInt8] = []
    private var afterCR = false
    private var data: [String] = []
    private var type = ""
    private var sawData = false

    public init(lastEventID: String? = nil) {
        self.lastEventID = lastEventID
        self.idBuffer = lastEventID
    }

    /// The events completed by these bytes, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            switch byte {
            case UInt8(ascii: "\r"):
                afterCR = true
                if let event = endLine() { events.append(event) }
            case UInt8(ascii: "\n"):
                if let event = endLine() { events.append(event) }
            default:
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine() -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring, value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            let rest = text[text.index(after: colon)...]
            value = rest.first == " " ? rest.dropFirst() : rest
        } else {
            field = Substring(text)
            value = ""
        }
        switch field {
        case "data":
            data.append(String(value))
            sawData = true
        case "event": type = String(value)
        case "id" where !value.contains("\0"): idBuffer = String(value)
        default: break  // `retry` and unknown fields: the reader keeps its own reconnect policy
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        lastEventID = idBuffer
        defer {
            data.removeAll()
            type = ""
            sawData = false
        }
        guard sawData else { return nil }
        return ServerSentEvent(type: type.isEmpty ? "message" : type, data: data.joined(separator: "\n"), lastEventID: lastEventID)
    }
}
