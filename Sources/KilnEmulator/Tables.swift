import Foundation
import KilnCloud
import KilnStore

/// Typed access to the emulator's rows inside one transaction: objects are JSON bodies the
/// emulator encodes and decodes itself.
struct Tables {
    let raw: any CloudTables
    let now: Date
    var defaultQuotas: Quotas = .defaults
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()
    private let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    init(raw: any CloudTables, now: Date, defaultQuotas: Quotas = .defaults) {
        self.raw = raw
        self.now = now
        self.defaultQuotas = defaultQuotas
    }

    func get<T: Decodable>(_ kind: EmulatedKind, _ id: String, as type: T.Type = T.self) throws -> T? {
        guard let row = try raw.row(kind: kind.rawValue, id: id) else { return nil }
        return try decode(row, as: type)
    }

    func all<T: Decodable>(_ kind: EmulatedKind, project: String? = nil, parent: String? = nil, as type: T.Type = T.self) throws -> [T] {
        try raw.rows(kind: kind.rawValue, projectID: project, parentID: parent).map { try decode($0, as: type) }
    }

    func named<T: Decodable>(_ kind: EmulatedKind, _ name: String, as type: T.Type = T.self) throws -> [T] {
        try raw.rows(kind: kind.rawValue, named: name).map { try decode($0, as: type) }
    }

    func put<T: Encodable>(_ kind: EmulatedKind, _ id: String, _ object: T, project: String, parent: String? = nil, name: String = "",
                           createdAt: Date? = nil) throws {
        let body = String(decoding: try encoder.encode(object), as: UTF8.self)
        try raw.put(CloudRow(kind: kind.rawValue, id: id, projectID: project, parentID: parent, name: name, body: body, createdAt: createdAt ?? now))
        if kind == .server { try telemetryChanged() }
    }

    func delete(_ kind: EmulatedKind, _ id: String) throws {
        if kind == .server { try instanceEnded(id) }
        try raw.delete(kind: kind.rawValue, id: id)
    }

    func decode<T: Decodable>(_ row: CloudRow, as type: T.Type) throws -> T {
        do {
            return try decoder.decode(type, from: Data(row.body.utf8))
        } catch {
            throw CloudError(.serverError, "the emulated cloud's \(row.kind) \(row.id) is unreadable: \(error)")
        }
    }

    // MARK: Idempotency tokens

    /// The id of the object a create with this token made before, if any.
    func tokenTarget(_ token: String?) throws -> String? {
        guard let token else { return nil }
        return try raw.row(kind: EmulatedKind.token.rawValue, id: token)?.body
    }

    func remember(token: String?, id: String, project: String) throws {
        guard let token else { return }
        try raw.put(CloudRow(kind: EmulatedKind.token.rawValue, id: token, projectID: project, parentID: id, body: id, createdAt: now))
    }

    /// Forgets the tokens that made an object (it is deleted: a new create makes a new one).
    func forgetTokens(of id: String) throws {
        try raw.deleteRows(kind: EmulatedKind.token.rawValue, parentID: id)
    }

    // MARK: Projects

    /// A project's first use makes its `default` security group, as Neutron does.
    func ensureProject(_ projectID: String) throws {
        guard try raw.row(kind: EmulatedKind.usage.rawValue, id: projectID) == nil else { return }
        try put(.usage, projectID, [String: Int](), project: projectID)
        let groupID = newID()
        var group = SecurityGroup(id: groupID, name: "default", projectID: projectID, description: "Default security group", createdAt: now)
        for ethertype in ["IPv4", "IPv6"] {
            group.rules.append(SecurityGroupRule(
                id: newID(), securityGroupID: groupID, projectID: projectID, direction: "egress", ethertype: ethertype, createdAt: now))
            group.rules.append(SecurityGroupRule(
                id: newID(), securityGroupID: groupID, projectID: projectID, direction: "ingress", ethertype: ethertype,
                remoteGroupID: groupID, createdAt: now))
        }
        try putSecurityGroup(group)
    }

    func putSecurityGroup(_ group: SecurityGroup) throws {
        try put(.securitygroup, group.id, group, project: group.projectID, name: group.name, createdAt: group.createdAt)
        try raw.deleteRows(kind: EmulatedKind.sgrule.rawValue, parentID: group.id)
        for rule in group.rules {
            try raw.put(CloudRow(kind: EmulatedKind.sgrule.rawValue, id: rule.id, projectID: group.projectID, parentID: group.id, body: "{}", createdAt: now))
        }
    }
}

func newID() -> String { UUID().uuidString.lowercased() }
