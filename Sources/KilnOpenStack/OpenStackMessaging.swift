import Foundation
import KilnCloud
import KilnModel

/// Zaqar over REST (v2, catalog type `messaging`). Every call carries a Client-ID: the process's
/// own UUID, or the poster's when `postMessages` or a listing names one that is a UUID (Zaqar's
/// strict default refuses any other text, so a name that is not a UUID posts as the process).
/// Zaqar's pages hold at most 20 items: longer listings and bulk deletes go page by page.
extension OpenStackServices: MessagingService {
    static let zaqarPage = 20

    /// The Client-ID header for a caller-given identity.
    static func clientHeader(_ clientID: String) -> [String: String] {
        UUID(uuidString: clientID) == nil ? [:] : ["Client-ID": clientID.lowercased()]
    }

    func queuePath(_ name: String) -> String { "/queues/\(segment(name))" }

    func postMessages(queue: String, _ messages: [QueueMessage], clientID: String) async throws -> [String] {
        let body: Value = ["messages": .list(messages.map { message in
            message.delay > 0 ? ["ttl": .int(message.ttl), "body": message.body, "delay": .int(message.delay)]
                : ["ttl": .int(message.ttl), "body": message.body]
        })]
        let made = try await api.call(.messaging, "POST", queuePath(queue) + "/messages", body: body, headers: Self.clientHeader(clientID))
        return made["resources"].strings.map { href in String(href.split(separator: "?").first?.split(separator: "/").last ?? "") }
    }

    // MARK: Queues

    func queues(marker: String?, limit: Int) async throws -> [MessageQueueInfo] {
        try await queuePages(marker: marker, limit: limit, name: nil)
    }

    /// `GET /queues?detailed=true` page after page until `limit` queues (or the last page).
    func queuePages(marker: String?, limit: Int, name: String?) async throws -> [MessageQueueInfo] {
        var found: [MessageQueueInfo] = [], after = marker
        while found.count < limit {
            let size = min(Self.zaqarPage, limit - found.count)
            let page = try await api.call(.messaging, "GET", "/queues" + query([
                ("detailed", "true"), ("limit", String(size)), ("marker", after), ("name", name),
            ]))
            let items = page["queues"].listValue ?? []
            found += items.compactMap { item in
                item["name"].stringValue.map { MessageQueueInfo(name: $0, metadata: item["metadata"].mapValue ?? [:]) }
            }
            guard items.count == size, let last = found.last?.name else { break }
            after = last
        }
        return found
    }

    func createQueue(_ name: String, metadata: [String: Value]) async throws -> Bool {
        try await api.exchange(.messaging, "PUT", queuePath(name), body: .map(metadata)).status == 201
    }

    /// Zaqar answers a GET of any queue name (its defaults for one that does not exist), so the
    /// queue is looked for in the listing, which `name=` narrows to names containing it.
    func queue(_ name: String) async throws -> MessageQueueInfo? {
        try await queuePages(marker: nil, limit: 1000, name: name).first { $0.name == name }
    }

    /// A JSON patch (Zaqar's media type) that removes the keys gone and adds the rest.
    func setQueueMetadata(_ name: String, _ metadata: [String: Value]) async throws {
        guard let current = try await queue(name) else { throw CloudError(.notFound, "Queue \(name) does not exist") }
        var changes: [Value] = current.metadata.keys.filter { metadata[$0] == nil && !$0.hasPrefix("_") }.sorted().map { key in
            ["op": "remove", "path": .string("/metadata/\(key)")]
        }
        changes += metadata.keys.sorted().map { key in ["op": "add", "path": .string("/metadata/\(key)"), "value": metadata[key]!] }
        guard !changes.isEmpty else { return }
        try await api.call(.messaging, "PATCH", queuePath(name), body: .list(changes),
                           headers: ["Content-Type": "application/openstack-messaging-v2.0-json-patch"])
    }

    func deleteQueue(_ name: String) async throws {
        try await api.call(.messaging, "DELETE", queuePath(name))
    }

    func queueStats(_ name: String) async throws -> QueueStats {
        let counts = try await api.call(.messaging, "GET", queuePath(name) + "/stats")["messages"]
        func point(_ value: Value) -> QueuedMessage? {
            guard let href = value["href"].stringValue else { return nil }
            let age = value["age"].int ?? 0
            return QueuedMessage(id: Self.lastSegment(href), body: .null, ttl: 0, age: age, clientID: "",
                                 created: value["created"].stringValue.flatMap(OpenStackTime.parse) ?? Date().addingTimeInterval(-Double(age)))
        }
        return QueueStats(claimed: counts["claimed"].int ?? 0, free: counts["free"].int ?? 0,
                          oldest: point(counts["oldest"]), newest: point(counts["newest"]))
    }

    // MARK: Messages

    func messages(queue: String, _ query: MessageQuery) async throws -> MessagePage {
        var found: [QueuedMessage] = [], marker = query.marker
        while found.count < query.limit {
            let size = min(Self.zaqarPage, query.limit - found.count)
            let page = try await api.call(.messaging, "GET", queuePath(queue) + "/messages" + KilnOpenStack.query([
                ("limit", String(size)), ("marker", marker), ("echo", String(query.echo)), ("include_claimed", String(query.includeClaimed)),
                ("include_delayed", String(query.includeDelayed)),
            ]), headers: Self.clientHeader(query.clientID))
            let items = page["messages"].listValue ?? []
            found += items.map(Self.message)
            let next = (page["links"].listValue ?? []).first { $0["rel"].stringValue == "next" }?["href"].stringValue
            guard items.count == size, let next, let continued = Self.parameter("marker", in: next) else { break }
            marker = continued
        }
        return MessagePage(messages: found, marker: found.isEmpty ? nil : marker)
    }

    func messages(queue: String, ids: [String]) async throws -> [QueuedMessage] {
        var found: [QueuedMessage] = []
        for start in stride(from: 0, to: ids.count, by: Self.zaqarPage) {
            let chunk = ids[start..<min(ids.count, start + Self.zaqarPage)]
            do {
                let page = try await api.call(.messaging, "GET", queuePath(queue) + "/messages" + query([("ids", chunk.joined(separator: ","))]))
                found += (page["messages"].listValue ?? []).map(Self.message)
            } catch let error as CloudError where error.kind == .notFound {
                continue
            }
        }
        return found
    }

    func message(queue: String, id: String) async throws -> QueuedMessage? {
        do {
            return Self.message(try await api.call(.messaging, "GET", queuePath(queue) + "/messages/\(segment(id))"))
        } catch let error as CloudError where error.kind == .notFound {
            return nil
        }
    }

    func deleteMessage(queue: String, id: String, claimID: String?) async throws {
        try await api.call(.messaging, "DELETE", queuePath(queue) + "/messages/\(segment(id))" + query([("claim_id", claimID)]))
    }

    func deleteMessages(queue: String, ids: [String]) async throws {
        for start in stride(from: 0, to: ids.count, by: Self.zaqarPage) {
            let chunk = ids[start..<min(ids.count, start + Self.zaqarPage)]
            try await api.call(.messaging, "DELETE", queuePath(queue) + "/messages" + query([("ids", chunk.joined(separator: ","))]))
        }
    }

    func popMessages(queue: String, limit: Int) async throws -> [QueuedMessage] {
        let popped = try await api.call(.messaging, "DELETE", queuePath(queue) + "/messages" + query([("pop", String(limit))]))
        return (popped["messages"].listValue ?? []).map(Self.message)
    }

    // MARK: Claims

    func claimMessages(queue: String, ttl: Int, grace: Int, limit: Int) async throws -> MessageClaim? {
        let made = try await api.call(.messaging, "POST", queuePath(queue) + "/claims" + query([("limit", String(limit))]),
                                      body: ["ttl": .int(ttl), "grace": .int(grace)])
        let messages = (made["messages"].listValue ?? []).map(Self.message)
        // 204 when nothing was free; the claim's id is in each message's href.
        guard let id = messages.first?.claimID else { return nil }
        return MessageClaim(id: id, ttl: ttl, grace: grace, age: 0, messages: messages)
    }

    /// Zaqar does not show a claim's grace: it reads 0 here.
    func claim(queue: String, id: String) async throws -> MessageClaim? {
        do {
            let claim = try await api.call(.messaging, "GET", queuePath(queue) + "/claims/\(segment(id))")
            return MessageClaim(id: id, ttl: claim["ttl"].int ?? 0, grace: 0, age: claim["age"].int ?? 0,
                                messages: (claim["messages"].listValue ?? []).map(Self.message))
        } catch let error as CloudError where error.kind == .notFound {
            return nil
        }
    }

    func updateClaim(queue: String, id: String, ttl: Int, grace: Int) async throws {
        try await api.call(.messaging, "PATCH", queuePath(queue) + "/claims/\(segment(id))", body: ["ttl": .int(ttl), "grace": .int(grace)])
    }

    func releaseClaim(queue: String, id: String) async throws {
        try await api.call(.messaging, "DELETE", queuePath(queue) + "/claims/\(segment(id))")
    }

    // MARK: JSON

    /// A message as Zaqar shows it (the poster's Client-ID is not shown: it reads empty).
    static func message(_ json: Value) -> QueuedMessage {
        let href = json["href"].stringValue ?? ""
        let age = json["age"].int ?? 0
        return QueuedMessage(
            id: json["id"].stringValue ?? lastSegment(href), body: json["body"], ttl: json["ttl"].int ?? 0, age: age, clientID: "",
            claimID: parameter("claim_id", in: href) ?? json["claim_id"].stringValue, claimCount: json["claim_count"].int ?? 0,
            created: Date().addingTimeInterval(-Double(age)))
    }

    static func lastSegment(_ href: String) -> String {
        String(href.split(separator: "?").first?.split(separator: "/").last ?? "")
    }

    /// A query parameter of an href (`...?marker=5&limit=2`).
    static func parameter(_ name: String, in href: String) -> String? {
        URLComponents(string: href)?.queryItems?.first { $0.name == name }?.value
    }
}
