import Foundation
import KilnModel
import PostgresNIO

/// `stacks(_:)`: Heat's stack list filters, sorting and marker paging, as one SQL query, as
/// SQLiteStore builds it (tags are JSON text, read with `jsonb_array_elements_text`).
extension PostgresStore {
    public func stacks(_ query: StackQuery) async throws -> [StackRecord] {
        let sortColumns = try Self.sortColumns(query.sortKey)
        return try await read { db, log in
            var sql = PostgresSQL()
            var conditions: [String] = []
            if let project = query.projectID { conditions.append("project_id = \(sql.bind(project))") }
            if !query.showNested { conditions.append("parent_id IS NULL") }
            if !query.showDeleted { conditions.append("NOT (action = 'DELETE' AND status = 'COMPLETE')") }
            if let names = query.names, !names.isEmpty { conditions.append("name IN (\(sql.bindList(names)))") }
            if let statuses = query.statuses, !statuses.isEmpty {
                conditions.append("(" + statuses.map { Self.statusCondition($0, &sql) }.joined(separator: " OR ") + ")")
            }
            if let tags = Self.distinct(query.tags) {
                conditions.append(Self.hasAllTags(sql.bindList(tags), count: tags.count))
            }
            if let tags = Self.distinct(query.tagsAny) { conditions.append(Self.hasAnyTag(sql.bindList(tags))) }
            if let tags = Self.distinct(query.notTags) {
                conditions.append("NOT " + Self.hasAllTags(sql.bindList(tags), count: tags.count))
            }
            if let tags = Self.distinct(query.notTagsAny) { conditions.append("NOT " + Self.hasAnyTag(sql.bindList(tags))) }
            let direction = query.ascending ? "ASC" : "DESC"
            let keys = (sortColumns + ["id"]).joined(separator: ", ")
            if let marker = query.marker {
                guard try await !db.rows("SELECT 1 FROM stacks WHERE id = \(marker)", log).isEmpty else {
                    throw StoreError("marker stack '\(marker)' not found")
                }
                // Keyset paging: rows strictly after the marker's position in the sort order.
                let comparison = query.ascending ? ">" : "<"
                conditions.append("(\(keys)) \(comparison) (SELECT \(keys) FROM stacks WHERE id = \(sql.bind(marker)))")
            }
            sql.text = "SELECT \(Self.stackColumns) FROM stacks"
            if !conditions.isEmpty { sql.text += " WHERE " + conditions.joined(separator: " AND ") }
            sql.text += " ORDER BY " + (sortColumns + ["id"]).map { "\($0) \(direction)" }.joined(separator: ", ")
            if let limit = query.limit { sql.text += " LIMIT \(sql.bind(max(limit, 0)))" }
            return try await db.rows(sql.query, log).map(Self.stackRecord)
        }
    }

    /// Sort expressions for Heat's sort keys; a stack never updated sorts as updated at time zero.
    static func sortColumns(_ key: String) throws -> [String] {
        try SQLiteStore.sortColumns(key).map { $0 == "IFNULL(updated_at, 0)" ? "COALESCE(updated_at, 0)" : $0 }
    }

    /// `CREATE_COMPLETE` matches that state; a bare `FAILED` any action's; a bare `CREATE` any status of it.
    static func statusCondition(_ text: String, _ sql: inout PostgresSQL) -> String {
        let text = text.uppercased()
        if let status = Status(rawValue: text) { return "status = \(sql.bind(status.rawValue))" }
        if let action = Action(rawValue: text) { return "action = \(sql.bind(action.rawValue))" }
        for action in Action.allCases where text.hasPrefix(action.rawValue + "_") {
            if let status = Status(rawValue: String(text.dropFirst(action.rawValue.count + 1))) {
                return "(action = \(sql.bind(action.rawValue)) AND status = \(sql.bind(status.rawValue)))"
            }
        }
        return "FALSE"
    }

    private static func distinct(_ tags: [String]?) -> [String]? {
        guard let tags, !tags.isEmpty else { return nil }
        var seen = Set<String>()
        return tags.filter { seen.insert($0).inserted }
    }

    private static func hasAllTags(_ placeholders: String, count: Int) -> String {
        "((SELECT COUNT(DISTINCT t) FROM jsonb_array_elements_text(stacks.tags::jsonb) AS t WHERE t IN (\(placeholders))) = \(count))"
    }

    private static func hasAnyTag(_ placeholders: String) -> String {
        "EXISTS (SELECT 1 FROM jsonb_array_elements_text(stacks.tags::jsonb) AS t WHERE t IN (\(placeholders)))"
    }
}
