import Foundation
import GRDB
import KilnModel

/// `stacks(_:)`: Heat's stack list filters, sorting and marker paging, as one SQL query.
/// An empty filter list means no filter, as an absent one does.
extension SQLiteStore {
    public func stacks(_ query: StackQuery) async throws -> [StackRecord] {
        let sortColumns = try Self.sortColumns(query.sortKey)
        return try await read { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            func placeholders(_ values: [String]) -> String {
                arguments.append(contentsOf: values as [(any DatabaseValueConvertible)?])
                return Array(repeating: "?", count: values.count).joined(separator: ", ")
            }

            if let project = query.projectID {
                conditions.append("project_id = ?")
                arguments.append(project)
            }
            if !query.showNested { conditions.append("parent_id IS NULL") }
            // A deleted stack is purged right after its DELETE_COMPLETE is committed; in between
            // it is already gone for a list, as Heat's soft-deleted stacks are.
            if !query.showDeleted { conditions.append("NOT (action = 'DELETE' AND status = 'COMPLETE')") }
            if let names = query.names, !names.isEmpty { conditions.append("name IN (\(placeholders(names)))") }
            if let statuses = query.statuses, !statuses.isEmpty {
                conditions.append("(" + statuses.map { Self.statusCondition($0, &arguments) }.joined(separator: " OR ") + ")")
            }
            if let tags = Self.distinct(query.tags) {
                conditions.append(Self.hasAllTags(placeholders(tags), count: tags.count))
            }
            if let tags = Self.distinct(query.tagsAny) {
                conditions.append(Self.hasAnyTag(placeholders(tags)))
            }
            if let tags = Self.distinct(query.notTags) {
                conditions.append("NOT " + Self.hasAllTags(placeholders(tags), count: tags.count))
            }
            if let tags = Self.distinct(query.notTagsAny) {
                conditions.append("NOT " + Self.hasAnyTag(placeholders(tags)))
            }
            let direction = query.ascending ? "ASC" : "DESC"
            let keys = sortColumns + ["id"]
            if let marker = query.marker {
                // Keyset paging: rows strictly after the marker's position in the sort order.
                let markerKeys = try Row.fetchOne(
                    db, sql: "SELECT \(keys.joined(separator: ", ")) FROM stacks WHERE id = ?", arguments: [marker])
                guard let markerKeys else { throw StoreError("marker stack '\(marker)' not found") }
                let comparison = query.ascending ? ">" : "<"
                conditions.append("(\(keys.joined(separator: ", "))) \(comparison) (\(keys.map { _ in "?" }.joined(separator: ", ")))")
                arguments.append(contentsOf: markerKeys.databaseValues.map { $0 as (any DatabaseValueConvertible)? })
            }

            var sql = "SELECT \(Self.stackColumns) FROM stacks"
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY " + keys.map { "\($0) \(direction)" }.joined(separator: ", ")
            if let limit = query.limit {
                sql += " LIMIT ?"
                arguments.append(max(limit, 0))
            }
            return try Self.fetchStacks(db.makeStatement(sql: sql), StatementArguments(arguments))
        }
    }

    /// Sort expressions for Heat's sort keys. A stack never updated sorts as updated at
    /// time zero (first when ascending), as NULLs do in Heat's database.
    static func sortColumns(_ key: String) throws -> [String] {
        switch key {
        case "name": return ["name"]
        case "created_at": return ["created_at"]
        case "updated_at": return ["IFNULL(updated_at, 0)"]
        case "status": return ["status", "action"]
        default:
            throw StoreError("invalid sort key '\(key)': expected name, created_at, updated_at or status")
        }
    }

    /// `CREATE_COMPLETE` matches that state; a bare `FAILED` any action's; a bare `CREATE` any status of it.
    /// Text matching nothing (e.g. `BOGUS`) selects no stack.
    static func statusCondition(_ text: String, _ arguments: inout [(any DatabaseValueConvertible)?]) -> String {
        let text = text.uppercased()
        if let status = Status(rawValue: text) {
            arguments.append(status.rawValue)
            return "status = ?"
        }
        if let action = Action(rawValue: text) {
            arguments.append(action.rawValue)
            return "action = ?"
        }
        for action in Action.allCases where text.hasPrefix(action.rawValue + "_") {
            if let status = Status(rawValue: String(text.dropFirst(action.rawValue.count + 1))) {
                arguments.append(action.rawValue)
                arguments.append(status.rawValue)
                return "(action = ? AND status = ?)"
            }
        }
        return "0"
    }

    private static func distinct(_ tags: [String]?) -> [String]? {
        guard let tags, !tags.isEmpty else { return nil }
        var seen = Set<String>()
        return tags.filter { seen.insert($0).inserted }
    }

    private static func hasAllTags(_ placeholders: String, count: Int) -> String {
        "((SELECT COUNT(DISTINCT value) FROM json_each(stacks.tags) WHERE value IN (\(placeholders))) = \(count))"
    }

    private static func hasAnyTag(_ placeholders: String) -> String {
        "EXISTS (SELECT 1 FROM json_each(stacks.tags) WHERE value IN (\(placeholders)))"
    }
}
