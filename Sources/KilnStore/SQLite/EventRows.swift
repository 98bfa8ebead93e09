import Foundation
import GRDB
import KilnModel

/// Events: appended with store-assigned sequence numbers, read in order.
extension SQLiteStore {
    public func events(stackID: String, resourceName: String?, after sequence: Int64?, limit: Int?) async throws
        -> [EventRecord]
    {
        try await read { db in
            var sql = """
                SELECT sequence, id, stack_id, resource_name, physical_resource_id, resource_type, action, status, reason,
                timestamp FROM events WHERE stack_id = ? AND sequence > ?
                """
            var arguments: StatementArguments = [stackID, sequence ?? 0]
            if let resourceName {
                sql += " AND resource_name = ?"
                arguments += [resourceName]
            }
            sql += " ORDER BY sequence LIMIT ?"
            arguments += [limit.map { max($0, 0) } ?? -1]
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
            var events: [EventRecord] = []
            while let row = try rows.next() {
                events.append(
                    EventRecord(
                        sequence: try row.column(0),
                        id: try row.column(1),
                        stackID: try row.column(2),
                        resourceName: try row.column(3),
                        physicalResourceID: try row.column(4),
                        resourceType: try row.column(5),
                        action: try Codec.action(row.column(6)),
                        status: try Codec.status(row.column(7)),
                        reason: try row.column(8),
                        timestamp: Codec.date(try row.column(9, as: Double.self))
                    ))
            }
            return events
        }
    }

    /// Appends events in the order given (multi-row VALUES insert rows in order); any
    /// `sequence` they carry is ignored.
    static func insertEvents(_ db: Database, _ events: [EventRecord]) throws {
        try eventInsert.run(db, events) { event, values in
            values.add(event.id)
            values.add(event.stackID)
            values.add(event.resourceName)
            values.add(event.physicalResourceID)
            values.add(event.resourceType)
            values.add(event.action.rawValue)
            values.add(event.status.rawValue)
            values.add(event.reason)
            values.add(Codec.seconds(event.timestamp))
        }
    }

    private static let eventInsert = BulkInsert(
        head: """
            INSERT INTO events (id, stack_id, resource_name, physical_resource_id, resource_type, action, status,
            reason, timestamp)
            """,
        tail: "", columns: 9)
}
