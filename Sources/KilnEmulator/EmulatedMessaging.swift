import Foundation
import KilnCloud
import KilnModel

/// A Zaqar queue as the emulator keeps it: row id `PROJECT/NAME` (names are per project), its
/// metadata as JSON text (`Value` is not Codable), and the counter that orders its messages
/// (Zaqar's markers are such counters).
struct StoredQueue: Codable, Sendable {
    var name: String
    var metadata: String
    var counter: Int

    var metadataValue: [String: Value] { (try? Value.parseJSON(metadata))?.mapValue ?? [:] }
}

/// A message: its place in the queue (`seq`), when it expires, and the claim holding it. The
/// claim's expiry is copied here so listing needs no second lookup; a message is claimed only
/// while that time is ahead.
struct StoredMessage: Codable, Sendable {
    var id: String
    var seq: Int
    var body: String
    var ttl: Int
    var created: Date
    var expires: Date
    var clientID: String
    var claimID: String?
    var claimExpires: Date?
    var claimCount: Int
    /// Until when it is delayed (nil: never was).
    var visible: Date?

    func live(_ now: Date) -> Bool { expires > now }
    func delayed(_ now: Date) -> Bool { (visible ?? .distantPast) > now }
    func claimed(_ now: Date) -> Bool { claimID != nil && (claimExpires ?? .distantPast) > now }

    func shown(_ now: Date) -> QueuedMessage {
        QueuedMessage(
            id: id, body: (try? Value.parseJSON(body)) ?? .null, ttl: ttl, age: max(0, Int(now.timeIntervalSince(created))),
            clientID: clientID, claimID: claimed(now) ? claimID : nil, claimCount: claimCount, created: created)
    }

    /// Zaqar keeps a claimed message at least until its claim's grace ends.
    mutating func hold(claim: String, until claimExpires: Date, ttl: Int, grace: Int) {
        claimID = claim
        self.claimExpires = claimExpires
        if expires < claimExpires {
            expires = claimExpires.addingTimeInterval(Double(grace))
            self.ttl = ttl + grace
        }
    }
}

/// A claim: how long it holds its messages and when it was made or last renewed (its age).
struct StoredClaim: Codable, Sendable {
    var id: String
    var ttl: Int
    var grace: Int
    var updated: Date
    var expires: Date
}

/// Zaqar (v2 semantics), emulated: each project's queues, messages and claims in the store, one
/// transaction per call. Queues are made on first post; expired messages and claims are
/// invisible at once and swept from the store by the next write to their queue. Posting
/// honours the `message` latency and the `message.post` fault, so notification sinks can be
/// tried against a slow or failing Zaqar.
struct EmulatedMessaging: MessagingService {
    let cloud: EmulatedCloud
    let projectID: String

    func queueRowID(_ name: String) -> String { "\(projectID)/\(name)" }

    /// Zaqar's 400 for a bad queue name.
    static func checkName(_ name: String) throws {
        guard MessagingLimits.isValidQueueName(name) else {
            throw CloudError(.badRequest, "Queue names may only contain ASCII letters, digits, underscores, and dashes, "
                + "and may not be more than 64 characters long: '\(name)'")
        }
    }

    func postMessages(queue: String, _ messages: [QueueMessage], clientID: String) async throws -> [String] {
        try cloud.injectFault("message.post")
        try Self.checkName(queue)
        guard !messages.isEmpty else { throw CloudError(.badRequest, "No messages to enqueue.") }
        for message in messages where !MessagingLimits.messageTTL.contains(message.ttl) {
            throw CloudError(.badRequest, "The TTL for a message may not exceed \(MessagingLimits.messageTTL.upperBound) seconds, "
                + "and must be at least \(MessagingLimits.messageTTL.lowerBound) seconds long.")
        }
        for message in messages where !MessagingLimits.messageDelay.contains(message.delay) {
            throw CloudError(.badRequest, "The Delay TTL for a message may not exceed \(MessagingLimits.messageDelay.upperBound) seconds, "
                + "and must be at least \(MessagingLimits.messageDelay.lowerBound) seconds long.")
        }
        try await cloud.callLatency("message")
        let project = projectID, rowID = queueRowID(queue)
        return try await cloud.write(projectID: project) { tables in
            var stored: StoredQueue = try tables.get(.queue, rowID) ?? StoredQueue(name: queue, metadata: "{}", counter: 0)
            try Self.sweep(rowID, tables)
            var ids: [String] = []
            for message in messages {
                stored.counter += 1
                let id = newID()
                let row = StoredMessage(
                    id: id, seq: stored.counter, body: message.body.jsonText(), ttl: message.ttl, created: tables.now,
                    expires: tables.now.addingTimeInterval(Double(message.ttl)), clientID: clientID, claimCount: 0,
                    visible: message.delay > 0 ? tables.now.addingTimeInterval(Double(message.delay)) : nil)
                try tables.put(.message, id, row, project: project, parent: rowID)
                ids.append(id)
            }
            try tables.put(.queue, rowID, stored, project: project, name: queue)
            return ids
        }
    }

    // MARK: Queues

    func queues(marker: String?, limit: Int) async throws -> [MessageQueueInfo] {
        let project = projectID
        return try await cloud.read { tables in
            let all: [StoredQueue] = try tables.all(.queue, project: project)
            let after = all.sorted { $0.name < $1.name }.filter { queue in marker.map { queue.name > $0 } ?? true }
            return after.prefix(max(0, limit)).map { MessageQueueInfo(name: $0.name, metadata: $0.metadataValue) }
        }
    }

    func createQueue(_ name: String, metadata: [String: Value]) async throws -> Bool {
        try Self.checkName(name)
        let project = projectID, rowID = queueRowID(name)
        return try await cloud.write(projectID: project) { tables in
            guard try tables.raw.row(kind: EmulatedKind.queue.rawValue, id: rowID) == nil else { return false }
            try tables.put(.queue, rowID, StoredQueue(name: name, metadata: Value.map(metadata).jsonText(), counter: 0),
                           project: project, name: name)
            return true
        }
    }

    func queue(_ name: String) async throws -> MessageQueueInfo? {
        let rowID = queueRowID(name)
        return try await cloud.read { tables in
            let stored: StoredQueue? = try tables.get(.queue, rowID)
            return stored.map { MessageQueueInfo(name: $0.name, metadata: $0.metadataValue) }
        }
    }

    func setQueueMetadata(_ name: String, _ metadata: [String: Value]) async throws {
        let project = projectID, rowID = queueRowID(name)
        try await cloud.write(projectID: project) { tables in
            guard var stored: StoredQueue = try tables.get(.queue, rowID) else {
                throw CloudError(.notFound, "Queue \(name) does not exist for project \(project)")
            }
            stored.metadata = Value.map(metadata).jsonText()
            try tables.put(.queue, rowID, stored, project: project, name: name)
        }
    }

    func deleteQueue(_ name: String) async throws {
        let project = projectID, rowID = queueRowID(name)
        try await cloud.write(projectID: project) { tables in
            try tables.raw.deleteRows(kind: EmulatedKind.message.rawValue, parentID: rowID)
            try tables.raw.deleteRows(kind: EmulatedKind.claim.rawValue, parentID: rowID)
            try tables.delete(.queue, rowID)
        }
    }

    func queueStats(_ name: String) async throws -> QueueStats {
        let rowID = queueRowID(name)
        return try await cloud.read { tables in
            let live = try Self.live(rowID, tables)
            let claimed = live.filter { $0.claimed(tables.now) }.count
            return QueueStats(claimed: claimed, free: live.count - claimed, oldest: live.first?.shown(tables.now),
                              newest: live.last?.shown(tables.now))
        }
    }

    // MARK: Messages

    func messages(queue: String, _ query: MessageQuery) async throws -> MessagePage {
        let rowID = queueRowID(queue)
        // Zaqar's markers are message counters: one that is not lists nothing, as Zaqar's does.
        if let marker = query.marker, Int(marker) == nil { return MessagePage(messages: [], marker: nil) }
        return try await cloud.read { tables in
            let after = query.marker.flatMap(Int.init) ?? 0
            let page = try Self.live(rowID, tables).filter { message in
                message.seq > after && (query.echo || message.clientID != query.clientID)
                    && (query.includeClaimed || !message.claimed(tables.now)) && (query.includeDelayed || !message.delayed(tables.now))
            }.prefix(max(0, query.limit))
            return MessagePage(messages: page.map { $0.shown(tables.now) }, marker: page.last.map { String($0.seq) })
        }
    }

    func messages(queue: String, ids: [String]) async throws -> [QueuedMessage] {
        let rowID = queueRowID(queue), wanted = Set(ids)
        return try await cloud.read { tables in
            try Self.live(rowID, tables).filter { wanted.contains($0.id) }.map { $0.shown(tables.now) }
        }
    }

    func message(queue: String, id: String) async throws -> QueuedMessage? {
        let rowID = queueRowID(queue)
        return try await cloud.read { tables in
            guard let row = try tables.raw.row(kind: EmulatedKind.message.rawValue, id: id), row.parentID == rowID else { return nil }
            let message = try tables.decode(row, as: StoredMessage.self)
            return message.live(tables.now) ? message.shown(tables.now) : nil
        }
    }

    func deleteMessage(queue: String, id: String, claimID: String?) async throws {
        let project = projectID, rowID = queueRowID(queue)
        try await cloud.write(projectID: project) { tables in
            guard let row = try tables.raw.row(kind: EmulatedKind.message.rawValue, id: id), row.parentID == rowID else { return }
            let message = try tables.decode(row, as: StoredMessage.self)
            let claimed = message.live(tables.now) && message.claimed(tables.now)
            if let claimID {
                if !claimed || message.claimID != claimID {
                    // Zaqar: another live claim holds it (403), or no claim does (400).
                    throw claimed
                        ? CloudError(.unauthorized, "This message is claimed; it cannot be deleted without a valid claim ID.",
                                     httpStatus: 403)
                        : CloudError(.badRequest, "A claim was specified, but the message is not currently claimed.")
                }
            } else if claimed {
                throw CloudError(.unauthorized, "This message is claimed; it cannot be deleted without a valid claim ID.", httpStatus: 403)
            }
            try tables.delete(.message, id)
        }
    }

    func deleteMessages(queue: String, ids: [String]) async throws {
        let project = projectID, rowID = queueRowID(queue)
        try await cloud.write(projectID: project) { tables in
            for id in Set(ids) {
                if let row = try tables.raw.row(kind: EmulatedKind.message.rawValue, id: id), row.parentID == rowID {
                    try tables.delete(.message, id)
                }
            }
        }
    }

    func popMessages(queue: String, limit: Int) async throws -> [QueuedMessage] {
        let project = projectID, rowID = queueRowID(queue)
        return try await cloud.write(projectID: project) { tables in
            try Self.sweep(rowID, tables)
            let popped = try Self.live(rowID, tables).filter { !$0.claimed(tables.now) }.prefix(max(0, limit))
            for message in popped { try tables.delete(.message, message.id) }
            return popped.map { $0.shown(tables.now) }
        }
    }

    // MARK: Claims

    static func checkClaim(ttl: Int, grace: Int) throws {
        guard MessagingLimits.claimTTL.contains(ttl) else {
            throw CloudError(.badRequest, "The TTL for a claim may not exceed \(MessagingLimits.claimTTL.upperBound) seconds, "
                + "and must be at least \(MessagingLimits.claimTTL.lowerBound) seconds long.")
        }
        guard MessagingLimits.claimGrace.contains(grace) else {
            throw CloudError(.badRequest, "The grace for a claim may not exceed \(MessagingLimits.claimGrace.upperBound) seconds, "
                + "and must be at least \(MessagingLimits.claimGrace.lowerBound) seconds long.")
        }
    }

    func claimMessages(queue: String, ttl: Int, grace: Int, limit: Int) async throws -> MessageClaim? {
        try Self.checkClaim(ttl: ttl, grace: grace)
        let project = projectID, rowID = queueRowID(queue)
        return try await cloud.write(projectID: project) { tables in
            try Self.sweep(rowID, tables)
            let free = try Self.live(rowID, tables).filter { !$0.claimed(tables.now) && !$0.delayed(tables.now) }.prefix(max(0, limit))
            guard !free.isEmpty else { return nil }
            let claim = StoredClaim(id: newID(), ttl: ttl, grace: grace, updated: tables.now,
                                    expires: tables.now.addingTimeInterval(Double(ttl)))
            try tables.put(.claim, claim.id, claim, project: project, parent: rowID)
            var held: [QueuedMessage] = []
            for var message in free {
                message.hold(claim: claim.id, until: claim.expires, ttl: ttl, grace: grace)
                message.claimCount += 1
                try tables.put(.message, message.id, message, project: project, parent: rowID, createdAt: message.created)
                held.append(message.shown(tables.now))
            }
            return MessageClaim(id: claim.id, ttl: ttl, grace: grace, age: 0, messages: held)
        }
    }

    func claim(queue: String, id: String) async throws -> MessageClaim? {
        let rowID = queueRowID(queue)
        return try await cloud.read { tables in
            guard let claim = try Self.liveClaim(id, rowID, tables) else { return nil }
            let held = try Self.live(rowID, tables).filter { $0.claimID == id }.map { $0.shown(tables.now) }
            return MessageClaim(id: id, ttl: claim.ttl, grace: claim.grace, age: max(0, Int(tables.now.timeIntervalSince(claim.updated))),
                                messages: held)
        }
    }

    func updateClaim(queue: String, id: String, ttl: Int, grace: Int) async throws {
        try Self.checkClaim(ttl: ttl, grace: grace)
        let project = projectID, rowID = queueRowID(queue)
        try await cloud.write(projectID: project) { tables in
            guard var claim = try Self.liveClaim(id, rowID, tables) else {
                throw CloudError(.notFound, "Claim \(id) does not exist in queue \(queue) for project \(project)")
            }
            claim.ttl = ttl
            claim.grace = grace
            claim.updated = tables.now
            claim.expires = tables.now.addingTimeInterval(Double(ttl))
            try tables.put(.claim, id, claim, project: project, parent: rowID)
            for var message in try Self.live(rowID, tables) where message.claimID == id {
                message.hold(claim: id, until: claim.expires, ttl: ttl, grace: grace)
                try tables.put(.message, message.id, message, project: project, parent: rowID, createdAt: message.created)
            }
        }
    }

    func releaseClaim(queue: String, id: String) async throws {
        let project = projectID, rowID = queueRowID(queue)
        try await cloud.write(projectID: project) { tables in
            guard let row = try tables.raw.row(kind: EmulatedKind.claim.rawValue, id: id), row.parentID == rowID else { return }
            for var message in try Self.stored(rowID, tables) where message.claimID == id {
                message.claimID = nil
                message.claimExpires = nil
                try tables.put(.message, message.id, message, project: project, parent: rowID, createdAt: message.created)
            }
            try tables.delete(.claim, id)
        }
    }

    // MARK: Rows

    /// Every stored message of the queue, expired or not, in queue order.
    static func stored(_ rowID: String, _ tables: Tables) throws -> [StoredMessage] {
        let all: [StoredMessage] = try tables.all(.message, parent: rowID)
        return all.sorted { $0.seq < $1.seq }
    }

    /// The queue's messages that have not expired, in queue order.
    static func live(_ rowID: String, _ tables: Tables) throws -> [StoredMessage] {
        try stored(rowID, tables).filter { $0.live(tables.now) }
    }

    static func liveClaim(_ id: String, _ rowID: String, _ tables: Tables) throws -> StoredClaim? {
        guard let row = try tables.raw.row(kind: EmulatedKind.claim.rawValue, id: id), row.parentID == rowID else { return nil }
        let claim = try tables.decode(row, as: StoredClaim.self)
        return claim.expires > tables.now ? claim : nil
    }

    /// Drops the queue's expired messages and claims (they are already invisible).
    static func sweep(_ rowID: String, _ tables: Tables) throws {
        for message in try stored(rowID, tables) where !message.live(tables.now) {
            try tables.delete(.message, message.id)
        }
        let claims: [StoredClaim] = try tables.all(.claim, parent: rowID)
        for claim in claims where claim.expires <= tables.now {
            try tables.delete(.claim, claim.id)
        }
    }
}
