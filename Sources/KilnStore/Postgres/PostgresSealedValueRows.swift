import Foundation
import PostgresNIO

extension PostgresStore {
    /// A transaction per column that holds sealed text (see `Store.rewriteSealedValues`): its
    /// matching rows read `FOR UPDATE` and rewritten by their ctid, which cannot move while locked.
    public func rewriteSealedValues(_ reseal: @escaping @Sendable (String) throws -> String?) async throws -> Int {
        let columns: [(table: String, column: String, type: String)] = try await read { connection, logger in
            try await connection.rows(
                """
                SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
                WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'json', 'jsonb')
                ORDER BY table_name, column_name
                """, logger
            ).map { (try $0(0, String.self), try $0(1, String.self), try $0(2, String.self)) }
        }
        var replaced = 0
        for (table, column, type) in columns {
            let name = "\"\(column.replacing("\"", with: "\"\""))\"", from = "\"\(table.replacing("\"", with: "\"\""))\""
            replaced += try await write { connection, logger in
                let rows = try await connection.rows(
                    PostgresQuery(unsafeSQL: "SELECT ctid::text, \(name)::text FROM \(from) WHERE \(name)::text LIKE '%kiln-enc:%' FOR UPDATE"),
                    logger)
                var count = 0
                for row in rows {
                    let location = try row(0, String.self), text = try row(1, String.self)
                    guard let rewritten = try SealedText.rewrite(text, reseal) else { continue }
                    var update = PostgresSQL("UPDATE \(from) SET \(name) = ")
                    update.text += update.bind(rewritten.text) + "::\(type) WHERE ctid = " + update.bind(location) + "::tid"
                    try await connection.run(update.query, logger)
                    count += rewritten.replaced
                }
                return count
            }
        }
        return replaced
    }
}
