import Foundation

/// One object of the emulated cloud as the store keeps it: its kind (`server`, `port`, ...),
/// id, project, the object it belongs to (a subnet's network, a member's pool, an address's
/// subnet), its name, and its fields as JSON. The store never reads the JSON: the emulator
/// owns its shape.
public struct CloudRow: Sendable, Equatable {
    public var kind: String
    public var id: String
    public var projectID: String
    public var parentID: String?
    public var name: String
    public var body: String
    public var createdAt: Date

    public init(kind: String, id: String, projectID: String, parentID: String? = nil, name: String = "", body: String, createdAt: Date) {
        self.kind = kind
        self.id = id
        self.projectID = projectID
        self.parentID = parentID
        self.name = name
        self.body = body
        self.createdAt = createdAt
    }
}

/// The emulated cloud's tables inside one transaction: what a closure passed to
/// `Store.cloudWrite` reads and writes commits together or not at all, so an address or a
/// quota checked is still free when it is taken, even with several processes on one database.
public protocol CloudTables {
    func row(kind: String, id: String) throws -> CloudRow?
    /// Oldest first; nil filters match everything.
    func rows(kind: String, projectID: String?, parentID: String?) throws -> [CloudRow]
    /// Rows of a kind with this name (in any project).
    func rows(kind: String, named name: String) throws -> [CloudRow]
    /// The ids of the rows of a kind that belong to `parentID` (cheap: no bodies).
    func ids(kind: String, parentID: String) throws -> [String]
    func count(kind: String, projectID: String) throws -> Int
    /// Inserts the row, or replaces the one with its kind and id.
    func put(_ row: CloudRow) throws
    /// Inserts the row; false (nothing written) when its kind and id are taken.
    func insertIfAbsent(_ row: CloudRow) throws -> Bool
    func delete(kind: String, id: String) throws
    func deleteRows(kind: String, parentID: String) throws
}
