import Foundation
import GRDB

extension SQLiteStore {
    /// One write transaction over every table's text columns (see `Store.rewriteSealedValues`);
    /// a row is found by its primary key, or its rowid in a table without one.
    public func rewriteSealedValues(_ reseal: @escaping @Sendable (String) throws -> String?) async throws -> Int {
        try await write { db in
            var replaced = 0
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            for table in tables {
                let columns = try db.columns(in: table)
                let keys = columns.filter { $0.primaryKeyIndex > 0 }.sorted { $0.primaryKeyIndex < $1.primaryKeyIndex }.map(\.name)
                let keyColumns = keys.isEmpty ? ["rowid"] : keys
                let match = keyColumns.map { "\($0.quotedDatabaseIdentifier) = ?" }.joined(separator: " AND ")
                for column in columns where column.type.uppercased().contains("TEXT") || column.type.isEmpty {
                    let name = column.name.quotedDatabaseIdentifier
                    let rows = try Row.fetchAll(
                        db,
                        sql: "SELECT \(keyColumns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")), \(name) "
                            + "FROM \(table.quotedDatabaseIdentifier) WHERE \(name) LIKE '%kiln-enc:%'")
                    for row in rows {
                        guard let text = row[keyColumns.count] as String?, let rewritten = try SealedText.rewrite(text, reseal)
                        else { continue }
                        let keyValues: [DatabaseValue] = keyColumns.indices.map { row[$0] }
                        try db.execute(
                            sql: "UPDATE \(table.quotedDatabaseIdentifier) SET \(name) = ? WHERE \(match)",
                            arguments: StatementArguments([rewritten.text.databaseValue] + keyValues))
                        replaced += rewritten.replaced
                    }
                }
            }
            return replaced
        }
    }
}
