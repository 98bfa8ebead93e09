import Foundation
import Hummingbird
import KilnCloud
import KilnModel

/// Zaqar's v2 API subset (`/messaging/v2/...`) over the cloud's messaging service: queues
/// (list, create with metadata, metadata, JSON-patch of it, delete, stats), messages (post,
/// list with `echo`/`include_claimed`/`include_delayed`/`marker`/`limit`, get by id or `ids=`, delete by id with
/// `claim_id`, bulk delete by `ids=` or `pop=`) and claims (create, get, renew, release).
/// Every call needs a Client-ID header (a UUID), as Zaqar's strict default does; hrefs are
/// relative to the service's root (`/v2/...`) as Zaqar writes them, which python-zaqarclient
/// follows as is. Errors are Zaqar's `{"title", "description"}`.
struct MessagingRoutes {
    let call: CloudCall

    func route() async throws -> Response {
        guard let messaging = call.session.messaging else { throw CloudError(.notFound, "The resource could not be found.") }
        let path = call.path
        guard path.first == "v2" else { throw ZaqarFault(404, "404 Not Found", nil) }
        let clientID = try clientID()
        let rest = Array(path.dropFirst())
        if rest.isEmpty, call.method == .get { return .json(Self.homeDocument) }
        if rest == ["ping"] { return Response(status: .noContent) }
        guard rest.first == "queues" else { throw ZaqarFault(404, "404 Not Found", nil) }
        if rest.count == 1 {
            guard call.method == .get else { throw Self.notAllowed }
            return .json(try await listQueues(messaging))
        }
        let queue = rest[1]
        guard MessagingLimits.isValidQueueName(queue) else {
            throw ZaqarFault(400, "Invalid queue identification", "The format of the submitted queue name or project id is not valid.")
        }
        let routes = MessageRoutes(call: call, messaging: messaging, queue: queue, clientID: clientID)
        switch (call.method, rest.count > 2 ? rest[2] : "", rest.count) {
        case (.put, "", 2): return try await createQueue(messaging, queue)
        case (.get, "", 2): return .json(.map(Self.withReserved(try await messaging.queue(queue)?.metadata ?? [:])))
        case (.patch, "", 2): return try await patchQueue(messaging, queue)
        case (.delete, "", 2):
            try await messaging.deleteQueue(queue)
            return Response(status: .noContent)
        case (.get, "stats", 3): return .json(try await stats(messaging, queue))
        case (.post, "messages", 3): return try await routes.post()
        case (.get, "messages", 3): return try await routes.list()
        case (.delete, "messages", 3): return try await routes.deleteMany()
        case (.get, "messages", 4): return try await routes.show(rest[3])
        case (.delete, "messages", 4): return try await routes.delete(rest[3])
        case (.post, "claims", 3): return try await routes.claim()
        case (.get, "claims", 4): return try await routes.showClaim(rest[3])
        case (.patch, "claims", 4): return try await routes.renewClaim(rest[3])
        case (.delete, "claims", 4):
            try await messaging.releaseClaim(queue: queue, id: rest[3])
            return Response(status: .noContent)
        case (_, "", 2), (_, "stats", 3), (_, "messages", 3...4), (_, "claims", 3...4): throw Self.notAllowed
        default: throw ZaqarFault(404, "404 Not Found", nil)
        }
    }

    static let notAllowed = ZaqarFault(405, "405 Method Not Allowed", nil)

    /// The caller's Client-ID, as a canonical UUID (Zaqar compares them as UUIDs for `echo`).
    func clientID() throws -> String {
        guard let header = call.request.headers[HTTPFields.Element.Name("Client-ID")!] else {
            throw ZaqarFault(400, "Missing header value", "The Client-ID header is required.")
        }
        guard let uuid = Self.uuid(header) else { throw ZaqarFault(400, "Wrong UUID value", "Malformed hexadecimal UUID.") }
        return uuid
    }

    /// Python's `uuid.UUID(text)`: 32 hex digits, dashes and braces and `urn:uuid:` ignored.
    static func uuid(_ text: String) -> String? {
        var hex = text.trimmingCharacters(in: .whitespaces).lowercased()
        if hex.hasPrefix("urn:uuid:") { hex.removeFirst(9) }
        hex = hex.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "").replacingOccurrences(of: "-", with: "")
        guard hex.count == 32, hex.allSatisfy(\.isHexDigit) else { return nil }
        let chars = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
    }

    // MARK: Queues

    func listQueues(_ messaging: any MessagingService) async throws -> Value {
        let params = ZaqarParams(call: call)
        let limit = try params.int("limit") ?? MessagingLimits.defaultPerPage
        guard MessagingLimits.perRequest.contains(limit) else {
            throw ZaqarFault(400, "Invalid API request", "Limit must be at least 1 and no greater than \(MessagingLimits.perRequest.upperBound).")
        }
        let detailed = try params.bool("detailed") ?? false, withCount = try params.bool("with_count") ?? false
        // Any other parameter filters on a metadata key, as Zaqar's do (numbers compared as numbers).
        let known: Set<String> = ["marker", "limit", "detailed", "name", "with_count"]
        let filters = call.query.filter { !known.contains($0.key) }.compactMapValues(\.first)
        let filtering = !filters.isEmpty || call.first("name") != nil
        var queues = try await messaging.queues(marker: call.first("marker"), limit: filtering ? Int.max : limit)
        if let name = call.first("name") { queues = queues.filter { $0.name.contains(name) } }
        queues = Array(queues.filter { queue in
            filters.allSatisfy { key, wanted in
                guard let value = queue.metadata[key] else { return false }
                if let number = Int(wanted) { return value.numberValue == Double(number) }
                return value.stringValue == wanted
            }
        }.prefix(limit))
        var body: [String: Value] = [
            "queues": .list(queues.map { queue in
                var item: [String: Value] = ["name": .string(queue.name), "href": .string("/v2/queues/\(queue.name)")]
                if detailed { item["metadata"] = .map(Self.withReserved(queue.metadata)) }
                return .map(item)
            }),
            "links": [],
        ]
        if let last = queues.last {
            var pairs: [(String, String?)] = [("marker", last.name), ("limit", call.first("limit"))]
            pairs += [("detailed", call.first("detailed")), ("with_count", call.first("with_count"))]
            body["links"] = [["rel": "next", "href": .string("/v2/queues" + Self.query(pairs))]]
        }
        if withCount {
            let count = try await messaging.queues(marker: nil, limit: Int.max).count
            if count > 0 { body["count"] = .int(count) }
        }
        return .map(body)
    }

    func createQueue(_ messaging: any MessagingService, _ queue: String) async throws -> Response {
        let document = try await metadataBody()
        guard let metadata = document.mapValue else { throw ZaqarFault(400, "Invalid request body", "Document type not supported.") }
        try Self.checkReserved(metadata)
        let created = try await messaging.createQueue(queue, metadata: metadata)
        return Response(status: created ? .created : .noContent, headers: [.location: "/v2/queues/\(queue)"])
    }

    /// Zaqar's JSON patch of the metadata (`application/openstack-messaging-v2.0-json-patch`):
    /// `add`, `replace` and `remove` of `/metadata/KEY`.
    func patchQueue(_ messaging: any MessagingService, _ queue: String) async throws -> Response {
        let patchType = "application/openstack-messaging-v2.0-json-patch"
        guard call.request.headers[.contentType]?.split(separator: ";").first.map(String.init) == patchType else {
            throw ZaqarFault(415, "Unsupported media type", "Accepted media type for PATCH: {'Accept-Patch': '\(patchType)'}.")
        }
        guard let changes = try await metadataBody().listValue, !changes.isEmpty else {
            throw ZaqarFault(400, "Invalid request body", "Request body must be a JSON array of operation objects.")
        }
        guard var metadata = try await messaging.queue(queue)?.metadata else {
            throw ZaqarFault(404, "Not found", "Queue \(queue) does not exist for project \(call.token.projectID)")
        }
        for change in changes {
            guard let op = change["op"].stringValue, ["add", "remove", "replace"].contains(op) else {
                throw ZaqarFault(400, "Invalid request body", "Invalid operation: `\(change["op"].stringValue ?? "")`. "
                    + "It must be one of the following: add, remove, replace.")
            }
            let parts = (change["path"].stringValue ?? "").split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            guard parts.count == 2, parts.first?.lowercased() == "metadata", let key = parts.last.map(String.init), !key.isEmpty else {
                throw ZaqarFault(400, "Invalid request body", "Invalid JSON pointer for this resource: '\(change["path"].stringValue ?? "")', "
                    + "e.g /metadata/key")
            }
            switch op {
            case "remove":
                guard metadata.removeValue(forKey: key) != nil || Self.reservedDefaults[key] != nil else {
                    throw ZaqarFault(409, "Resource conflict", "Can't remove non-existent object \(key).")
                }
            default:
                guard let value = change.mapValue?["value"] else {
                    throw ZaqarFault(400, "Invalid request body", "Operation \"\(op)\" requires a member named \"value\".")
                }
                if op == "replace", metadata[key] == nil, Self.reservedDefaults[key] == nil {
                    throw ZaqarFault(409, "Resource conflict", "Can't replace non-existent object \(key).")
                }
                metadata[key] = value
            }
        }
        try Self.checkReserved(metadata)
        try await messaging.setQueueMetadata(queue, metadata)
        return .json(.map(Self.withReserved(metadata)))
    }

    /// A queue's metadata document, at most Zaqar's 64 KiB.
    func metadataBody() async throws -> Value {
        let limit = 65_536
        if let length = call.request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw ZaqarFault(400, "Invalid API request", "Queue metadata is too large. Max size: \(limit)")
        }
        return try await call.request.jsonBody(limit: limit)
    }

    func stats(_ messaging: any MessagingService, _ queue: String) async throws -> Value {
        let stats = try await messaging.queueStats(queue)
        var counts: [String: Value] = ["claimed": .int(stats.claimed), "free": .int(stats.free), "total": .int(stats.total)]
        func point(_ message: QueuedMessage) -> Value {
            ["href": .string("/v2/queues/\(queue)/messages/\(message.id)"), "age": .int(message.age), "created": CloudTime.iso(message.created)]
        }
        if let oldest = stats.oldest, let newest = stats.newest {
            counts["oldest"] = point(oldest)
            counts["newest"] = point(newest)
        }
        return ["messages": .map(counts)]
    }

    /// The reserved metadata Zaqar shows for every queue, with its defaults when unset.
    static let reservedDefaults: [String: Value] = [
        "_max_messages_post_size": 262_144, "_default_message_ttl": .int(MessagingLimits.defaultMessageTTL),
        "_default_message_delay": 0, "_dead_letter_queue": .null, "_dead_letter_queue_messages_ttl": .null,
        "_max_claim_count": .null, "_enable_encrypt_messages": false,
    ]

    /// Zaqar fills a reserved key that is missing or falsy with its default.
    static func withReserved(_ metadata: [String: Value]) -> [String: Value] {
        var shown = metadata
        for (key, value) in reservedDefaults {
            switch shown[key] {
            case nil, .null?, .bool(false)?, .int(0)?, .string("")?: shown[key] = value
            default: break
            }
        }
        return shown
    }

    /// Zaqar's checks of the reserved metadata it acts on.
    static func checkReserved(_ metadata: [String: Value]) throws {
        func integer(_ key: String, _ range: ClosedRange<Int>, _ message: String) throws {
            guard let value = metadata[key], value != .null else { return }
            guard case .int(let number) = value else { throw ZaqarFault(400, "Invalid API request", "\(key) must be integer.") }
            guard range.contains(number) else { throw ZaqarFault(400, "Invalid API request", message) }
        }
        let ttl = MessagingLimits.messageTTL
        try integer("_default_message_ttl", ttl,
                    "_default_message_ttl can not exceed \(ttl.upperBound) seconds, and must be at least \(ttl.lowerBound) seconds long.")
        try integer("_max_messages_post_size", 1...262_144, "_max_messages_post_size can not exceed 262144,  and must be at least greater than 0.")
        try integer("_default_message_delay", 0...900, "The TTL can not exceed 900 seconds, and must be at least 0 seconds long.")
        if let flag = metadata["_enable_encrypt_messages"], flag != .null, flag.boolValue == nil {
            throw ZaqarFault(400, "Invalid API request", "_enable_encrypt_messages must be boolean.")
        }
    }

    /// `?a=1&b=2` of the pairs given (nil values left out).
    static func query(_ pairs: [(String, String?)]) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        let parts = pairs.compactMap { key, value in value.map { "\(key)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" } }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }

    /// Zaqar's home document (`GET /v2`), for the resources served here.
    static let homeDocument: Value = {
        func resource(_ template: String, _ vars: [String], _ allow: [String]) -> Value {
            var entry: [String: Value] = ["href-template": .string(template),
                                          "hints": ["allow": .list(allow.map(Value.string)), "formats": ["application/json": [:]]]]
            if !vars.isEmpty { entry["href-vars"] = .map(Dictionary(uniqueKeysWithValues: vars.map { ($0, .string("param/" + $0)) })) }
            return .map(entry)
        }
        return ["resources": [
            "rel/queues": resource("/v2/queues{?marker,limit,detailed}", [], ["GET"]),
            "rel/queue": resource("/v2/queues/{queue_name}", ["queue_name"], ["GET", "PUT", "DELETE", "PATCH"]),
            "rel/queue_stats": resource("/v2/queues/{queue_name}/stats", ["queue_name"], ["GET"]),
            "rel/messages": resource("/v2/queues/{queue_name}/messages{?marker,limit,echo,include_claimed,include_delayed}", ["queue_name"], ["GET"]),
            "rel/post_messages": resource("/v2/queues/{queue_name}/messages", ["queue_name"], ["POST"]),
            "rel/messages_delete": resource("/v2/queues/{queue_name}/messages{?ids,pop}", ["queue_name"], ["DELETE"]),
            "rel/message_delete": resource("/v2/queues/{queue_name}/messages/{message_id}{?claim}", ["queue_name", "message_id"], ["DELETE"]),
            "rel/claim": resource("/v2/queues/{queue_name}/claims/{claim_id}", ["queue_name", "claim_id"], ["GET", "PATCH", "DELETE"]),
            "rel/post_claim": resource("/v2/queues/{queue_name}/claims{?limit}", ["queue_name"], ["POST"]),
        ]]
    }()
}

/// Zaqar's error: its status, `title` and `description` (falcon's shape).
struct ZaqarFault: Error {
    let status: Int
    let title: String
    let description: String?

    init(_ status: Int, _ title: String, _ description: String?) {
        self.status = status
        self.title = title
        self.description = description
    }

    /// A cloud error in Zaqar's words: the title Zaqar gives that status.
    init(_ error: CloudError) {
        let title = switch error.httpStatus {
        case 400: "Invalid API request"
        case 401: "Unauthorized"
        case 403: "Unable to delete"
        case 404: "Not found"
        case 409: "Resource conflict"
        default: "Service temporarily unavailable"
        }
        self.init(error.httpStatus, title, error.message)
    }

    var response: Response {
        var body: [String: Value] = ["title": .string(title)]
        if let description { body["description"] = .string(description) }
        return .json(.map(body), status: HTTPResponse.Status(code: status))
    }
}

/// Falcon's typed query parameters, with its refusals.
struct ZaqarParams {
    let call: CloudCall

    func int(_ key: String) throws -> Int? {
        guard let text = call.first(key), !text.isEmpty else { return nil }
        guard let number = Int(text) else {
            throw ZaqarFault(400, "Invalid parameter", "The \"\(key)\" parameter is invalid. The value must be an integer.")
        }
        return number
    }

    func bool(_ key: String) throws -> Bool? {
        guard let text = call.first(key), !text.isEmpty else { return nil }
        switch text.lowercased() {
        case "true", "t", "yes", "y", "1", "on": return true
        case "false", "f", "no", "n", "0", "off": return false
        default: throw ZaqarFault(400, "Invalid parameter", "The \"\(key)\" parameter is invalid. The value of the parameter must be \"true\" or \"false\".")
        }
    }

    /// A comma-separated list (`ids=a,b`), nil when absent.
    func list(_ key: String) -> [String]? {
        guard let values = call.query[key] else { return nil }
        let items = values.flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
        return items.isEmpty ? nil : items
    }
}

extension Value {
    /// JSON booleans only (Zaqar's `isinstance(value, bool)`).
    fileprivate var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }
}

/// The message and claim calls of one queue.
struct MessageRoutes {
    let call: CloudCall
    let messaging: any MessagingService
    let queue: String
    let clientID: String

    var params: ZaqarParams { ZaqarParams(call: call) }
    var messagesPath: String { "/v2/queues/\(queue)/messages" }

    /// A message as Zaqar shows it; its href names the claim holding it.
    func json(_ message: QueuedMessage) -> Value {
        let href = "\(messagesPath)/\(message.id)" + (message.claimID.map { "?claim_id=\($0)" } ?? "")
        return ["id": .string(message.id), "href": .string(href), "ttl": .int(message.ttl), "age": .int(message.age), "body": message.body]
    }

    /// `{"messages": [{"ttl", "body"}, ...]}`: each `body` required, `ttl` an integer (the
    /// queue's `_default_message_ttl`, else 3600, when left out). A queue with
    /// `_default_message_delay` takes each message's `delay` too (that default when left out);
    /// Zaqar ignores `delay` on other queues.
    func post() async throws -> Response {
        if let length = call.request.headers[.contentLength].flatMap(Int.init), length > 262_144 {
            throw ZaqarFault(400, "Invalid API request", "Message collection size is too large. Max size 262144")
        }
        let document = try await call.request.jsonBody(limit: 262_144)
        guard let items = document.mapValue?["messages"] else {
            throw ZaqarFault(400, "Invalid API request", "No messages were found in the request body.")
        }
        guard let list = items.listValue else { throw ZaqarFault(400, "Invalid request body", "Document type not supported.") }
        let metadata = try await messaging.queue(queue)?.metadata ?? [:]
        let defaultTTL: Int = if case .int(let ttl)? = metadata["_default_message_ttl"], ttl > 0 { ttl } else { MessagingLimits.defaultMessageTTL }
        let defaultDelay: Int? = if case .int(let delay)? = metadata["_default_message_delay"], delay > 0 { delay } else { nil }
        var messages: [QueueMessage] = []
        for item in list {
            guard let fields = item.mapValue else { throw ZaqarFault(400, "Invalid request body", "Document type not supported.") }
            guard let body = fields["body"] else { throw ZaqarFault(400, "Invalid request body", "Missing \"body\" field.") }
            var ttl = defaultTTL
            if let given = fields["ttl"] {
                guard case .int(let number) = given else {
                    throw ZaqarFault(400, "Invalid request body", "The value of the \"ttl\" field must be a int.")
                }
                ttl = number
            }
            var delay = defaultDelay ?? 0
            if defaultDelay != nil, let given = fields["delay"] {
                guard case .int(let number) = given else {
                    throw ZaqarFault(400, "Invalid request body", "The value of the \"delay\" field must be a int.")
                }
                delay = number
            }
            messages.append(QueueMessage(body: body, ttl: ttl, delay: delay))
        }
        guard !messages.isEmpty else { throw ZaqarFault(400, "Invalid API request", "No messages to enqueue.") }
        let ids = try await messaging.postMessages(queue: queue, messages, clientID: clientID)
        return .json(["resources": .list(ids.map { .string("\(messagesPath)/\($0)") })], status: .created,
                     headers: [.location: "\(messagesPath)?ids=\(ids.joined(separator: ","))"])
    }

    func list() async throws -> Response {
        if let ids = params.list("ids") {
            try checkLimit(ids.count)
            let found = try await messaging.messages(queue: queue, ids: ids)
            guard !found.isEmpty else {
                throw ZaqarFault(404, "Not found", "No messages with IDs: \(Self.pythonList(ids)) found in the queue \(queue) "
                    + "for project \(call.token.projectID).")
            }
            return .json(["messages": .list(found.map(json))])
        }
        let limit = try params.int("limit")
        if let limit { try checkLimit(limit) }
        let echo = try params.bool("echo"), includeClaimed = try params.bool("include_claimed")
        let includeDelayed = try params.bool("include_delayed")
        // Zaqar filters delayed messages only on queues with a default delay.
        let delaying: Bool = if case .int(let delay)? = try await messaging.queue(queue)?.metadata["_default_message_delay"], delay > 0 {
            true
        } else {
            false
        }
        let page = try await messaging.messages(queue: queue, MessageQuery(
            marker: call.first("marker"), limit: limit ?? MessagingLimits.defaultPerPage, echo: echo ?? false,
            includeClaimed: includeClaimed ?? false, includeDelayed: !delaying || (includeDelayed ?? false), clientID: clientID))
        var links: [Value] = []
        if !page.messages.isEmpty, let marker = page.marker {
            let pairs: [(String, String?)] = [
                ("marker", marker), ("limit", limit.map(String.init)), ("echo", echo.map { $0 ? "true" : "false" }),
                ("include_claimed", includeClaimed.map { $0 ? "true" : "false" }),
                ("include_delayed", includeDelayed.map { $0 ? "true" : "false" }),
            ]
            links = [["rel": "next", "href": .string(messagesPath + MessagingRoutes.query(pairs))]]
        }
        return .json(["messages": .list(page.messages.map(json)), "links": .list(links)])
    }

    func checkLimit(_ count: Int) throws {
        guard MessagingLimits.perRequest.contains(count) else {
            throw ZaqarFault(400, "Invalid API request",
                             "Limit must be at least 1 and may not be greater than \(MessagingLimits.perRequest.upperBound).")
        }
    }

    func show(_ id: String) async throws -> Response {
        guard let message = try await messaging.message(queue: queue, id: id) else {
            throw ZaqarFault(404, "Not found", "Message \(id) does not exist in queue \(queue) for project \(call.token.projectID)")
        }
        return .json(json(message))
    }

    func delete(_ id: String) async throws -> Response {
        do {
            try await messaging.deleteMessage(queue: queue, id: id, claimID: call.first("claim_id"))
        } catch let error as CloudError where error.httpStatus == 400 || error.httpStatus == 403 {
            throw ZaqarFault(error.httpStatus, "Unable to delete", error.message)
        }
        return Response(status: .noContent)
    }

    /// `?ids=a,b` deletes those; `?pop=N` deletes and returns up to N free messages.
    func deleteMany() async throws -> Response {
        let ids = params.list("ids"), pop = try params.int("pop")
        if ids != nil, pop != nil {
            throw ZaqarFault(400, "Invalid API request", "pop and id params cannot be present together in the delete request.")
        }
        if let pop {
            guard MessagingLimits.perRequest.contains(pop) else {
                throw ZaqarFault(400, "Invalid API request",
                                 "Pop value must be at least 1 and may not be greater than \(MessagingLimits.perRequest.upperBound).")
            }
            let popped = try await messaging.popMessages(queue: queue, limit: pop)
            return .json(["messages": .list(popped.map { message in
                ["id": .string(message.id), "age": .int(message.age), "ttl": .int(message.ttl), "body": message.body,
                 "claim_count": .int(message.claimCount), "claim_id": .null]
            })])
        }
        guard let ids else {
            throw ZaqarFault(400, "Invalid API request",
                             "The request should have either \"ids\" or \"pop\" parameter in the request, to be able to delete.")
        }
        guard MessagingLimits.perRequest.contains(ids.count) else {
            throw ZaqarFault(400, "Invalid API request",
                             "ids parameter should have at least 1 and not greater than \(MessagingLimits.perRequest.upperBound) values.")
        }
        try await messaging.deleteMessages(queue: queue, ids: ids)
        return Response(status: .noContent)
    }

    // MARK: Claims

    /// The claim's `ttl` and `grace` from the body, Zaqar's defaults for those left out.
    func claimTimes() async throws -> (ttl: Int, grace: Int) {
        let body = try await call.request.jsonBody()
        guard let fields = body.mapValue else { throw ZaqarFault(400, "Invalid request body", "Document type not supported.") }
        func field(_ key: String, _ fallback: Int) throws -> Int {
            guard let value = fields[key] else { return fallback }
            guard case .int(let number) = value else {
                throw ZaqarFault(400, "Invalid request body", "The value of the \"\(key)\" field must be a int.")
            }
            return number
        }
        return (try field("ttl", MessagingLimits.defaultClaimTTL), try field("grace", MessagingLimits.defaultClaimGrace))
    }

    /// 201 with the claimed messages (their hrefs carry the claim id), 204 when none is free.
    func claim() async throws -> Response {
        let limit = try params.int("limit")
        let (ttl, grace) = try await claimTimes()
        if let limit { try checkLimit(limit) }
        guard let claim = try await messaging.claimMessages(queue: queue, ttl: ttl, grace: grace,
                                                            limit: limit ?? MessagingLimits.defaultPerPage) else {
            return Response(status: .noContent)
        }
        return .json(["messages": .list(claim.messages.map(json))], status: .created,
                     headers: [.location: "/v2/queues/\(queue)/claims/\(claim.id)"])
    }

    func showClaim(_ id: String) async throws -> Response {
        guard let claim = try await messaging.claim(queue: queue, id: id) else { throw claimNotFound(id) }
        return .json([
            "age": .int(claim.age), "ttl": .int(claim.ttl), "messages": .list(claim.messages.map(json)),
            "href": .string("/v2/queues/\(queue)/claims/\(id)"),
        ])
    }

    func renewClaim(_ id: String) async throws -> Response {
        let (ttl, grace) = try await claimTimes()
        do {
            try await messaging.updateClaim(queue: queue, id: id, ttl: ttl, grace: grace)
        } catch let error as CloudError where error.kind == .notFound {
            throw claimNotFound(id)
        }
        return Response(status: .noContent)
    }

    func claimNotFound(_ id: String) -> ZaqarFault {
        ZaqarFault(404, "Not found", "Claim \(id) does not exist in queue \(queue) for project \(call.token.projectID)")
    }

    /// `['a', 'b']`, as Zaqar's messages print a list.
    static func pythonList(_ items: [String]) -> String { "[" + items.map { "'\($0)'" }.joined(separator: ", ") + "]" }
}
