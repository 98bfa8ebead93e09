import GRDB

/// Inserts many rows with multi-row `INSERT ... VALUES (...), (...)` statements, binding
/// values straight onto the prepared statement.
///
/// Measured on 100,000 events: one statement per row spent most of its time in SQLite's
/// per-run work (reset, VDBE start and halt) and in GRDB's `StatementArguments` (every value
/// boxed, mapped and bound through generic code, about 1,000 instructions a value). Chunks of
/// rows pay the first once per chunk; direct binding removes the second.
struct BulkInsert {
    /// e.g. `INSERT INTO events (id, stack_id)`.
    let head: String
    /// e.g. an `ON CONFLICT ... DO UPDATE` clause, or empty.
    let tail: String
    let columns: Int
    static let rowsPerStatement = 32

    /// `values` binds one row's columns, in order, with `Binder.add`.
    func run<Row>(_ db: Database, _ rows: some Collection<Row>, values: (Row, inout Binder) -> Void) throws {
        var start = rows.startIndex
        while start != rows.endIndex {
            let end = rows.index(start, offsetBy: Self.rowsPerStatement, limitedBy: rows.endIndex) ?? rows.endIndex
            let count = rows.distance(from: start, to: end)
            let statement = try db.cachedStatement(sql: count == Self.rowsPerStatement ? fullChunkSQL : sql(rows: count))
            // Resets the statement and clears its bindings (binding needs a reset statement), and
            // marks its arguments as set, so `execute()` runs with the bindings made below.
            statement.setUncheckedArguments(StatementArguments())
            var binder = Binder(statement: statement.sqliteStatement)
            for row in rows[start..<end] {
                values(row, &binder)
            }
            precondition(binder.index == CInt(count * columns + 1), "BulkInsert: a row bound the wrong number of values")
            if let code = binder.failure {
                // SQLITE_TOOBIG (18) is the one a user can cause: a value over SQLite's 1 GB limit.
                throw StoreError(code == 18 ? "a value is too large to store" : "cannot bind a value (SQLite code \(code))")
            }
            try statement.execute()
            start = end
        }
    }

    struct Binder {
        let statement: SQLiteStatement
        fileprivate(set) var index: CInt = 1
        /// The first SQLite result code other than SQLITE_OK (0).
        fileprivate(set) var failure: CInt?

        mutating func add(_ value: some StatementBinding) {
            record(value.bind(to: statement, at: index))
        }

        mutating func add(_ value: (some StatementBinding)?) {
            if let value {
                record(value.bind(to: statement, at: index))
            } else {
                record(DatabaseValue.null.bind(to: statement, at: index))
            }
        }

        private mutating func record(_ code: CInt) {
            if code != 0, failure == nil { failure = code }
            index += 1
        }
    }

    private var fullChunkSQL: String { sql(rows: Self.rowsPerStatement) }

    private func sql(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return head + " VALUES " + Array(repeating: row, count: rows).joined(separator: ", ") + " " + tail
    }
}
