import Foundation
import Logging
import KilnModel
import PostgresNIO

/// Templates as submitted, with their environments and files.
extension PostgresStore {
    public func saveTemplate(_ template: TemplateRecord) async throws -> Int64 {
        try await write { db, log in try await Self.saveTemplate(db, log, template) }
    }

    public func template(id: Int64) async throws -> TemplateRecord? {
        try await read { db, log in
            guard let row = try await db.rows(
                "SELECT id, name, content, environments, files FROM templates WHERE id = \(id)", log).first
            else { return nil }
            return TemplateRecord(
                id: try row(0, Int64.self), name: try row(1), content: try row(2),
                environments: try Codec.namedTexts(row(3), "environments of template \(id)"),
                files: try Codec.stringMap(row(4), "files of template \(id)"))
        }
    }

    /// Inserts a new template (id nil) or replaces the one with the given id; returns its id.
    static func saveTemplate(_ db: PostgresConnection, _ log: Logger, _ template: TemplateRecord) async throws -> Int64 {
        let environments = Codec.json(template.environments), files = Codec.json(template.files)
        let rows: [PostgresCells]
        if let id = template.id {
            rows = try await db.rows(
                """
                INSERT INTO templates (id, name, content, environments, files)
                VALUES (\(id), \(template.name), \(template.content), \(environments), \(files))
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, content = excluded.content,
                environments = excluded.environments, files = excluded.files RETURNING id
                """, log)
        } else {
            rows = try await db.rows(
                """
                INSERT INTO templates (name, content, environments, files)
                VALUES (\(template.name), \(template.content), \(environments), \(files)) RETURNING id
                """, log)
        }
        guard let id = try rows.first?(0, Int64.self) else { throw StoreError("template was not saved") }
        return id
    }
}
