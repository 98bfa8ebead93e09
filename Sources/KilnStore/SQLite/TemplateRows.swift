import Foundation
import GRDB
import KilnModel

/// Templates as submitted, with their environments and files.
extension SQLiteStore {
    public func saveTemplate(_ template: TemplateRecord) async throws -> Int64 {
        try await write { db in try Self.saveTemplate(db, template) }
    }

    public func template(id: Int64) async throws -> TemplateRecord? {
        try await read { db in
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, name, content, environments, files FROM templates WHERE id = ?"),
                arguments: [id])
            guard let row else { return nil }
            return TemplateRecord(
                id: try row.column(0),
                name: try row.column(1),
                content: try row.column(2),
                environments: try Codec.namedTexts(row.column(3), "environments of template \(id)"),
                files: try Codec.stringMap(row.column(4), "files of template \(id)")
            )
        }
    }

    /// Inserts a new template (id nil) or replaces the one with the given id; returns its id.
    static func saveTemplate(_ db: Database, _ template: TemplateRecord) throws -> Int64 {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO templates (id, name, content, environments, files) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, content = excluded.content,
                environments = excluded.environments, files = excluded.files
                """)
        try statement.execute(arguments: [
            template.id, template.name, template.content, Codec.json(template.environments), Codec.json(template.files),
        ])
        return template.id ?? db.lastInsertedRowID
    }
}
