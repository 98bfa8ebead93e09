import Foundation
import Logging
import KilnModel
import PostgresNIO

/// Events: appended with store-assigned sequence numbers, read in order.
extension PostgresStore {
    public func events(stackID: String, resourceName: String?, after sequence: Int64?, limit: Int?) async throws
        -> [EventRecord]
    {
        try await read { db, log in
            var sql = PostgresSQL()
            sql.text = """
                SELECT sequence, id, stack_id, resource_name, physical_resource_id, resource_type, action, status, reason,
                timestamp FROM events WHERE stack_id = \(sql.bind(stackID)) AND sequence > \(sql.bind(sequence ?? 0))
                """
            if let resourceName { sql.text += " AND resource_name = \(sql.bind(resourceName))" }
            sql.text += " ORDER BY sequence"
            if let limit { sql.text += " LIMIT \(sql.bind(max(limit, 0)))" }
            return try await db.rows(sql.query, log).map { row in
                EventRecord(
                    sequence: try row(0, Int64.self), id: try row(1), stackID: try row(2), resourceName: try row(3),
                    physicalResourceID: try row(4), resourceType: try row(5), action: try Codec.action(row(6)),
                    status: try Codec.status(row(7)), reason: try row(8), timestamp: Codec.date(try row(9, Double.self)))
            }
        }
    }

    /// Appends events in the order given (a multi-row VALUES takes its sequence numbers in
    /// row order); any `sequence` they carry is ignored.
    static func insertEvents(_ db: PostgresConnection, _ log: Logger, _ events: [EventRecord]) async throws {
        for start in stride(from: 0, to: events.count, by: 1000) {
            var sql = PostgresSQL(
                "INSERT INTO events (id, stack_id, resource_name, physical_resource_id, resource_type, action, status, reason, timestamp) VALUES ")
            var rows: [String] = []
            for e in events[start..<min(start + 1000, events.count)] {
                let values = [
                    sql.bind(e.id), sql.bind(e.stackID), sql.bind(e.resourceName), sql.bind(e.physicalResourceID),
                    sql.bind(e.resourceType), sql.bind(e.action.rawValue), sql.bind(e.status.rawValue), sql.bind(e.reason),
                    sql.bind(Codec.seconds(e.timestamp)),
                ]
                rows.append("(" + values.joined(separator: ", ") + ")")
            }
            sql.text += rows.joined(separator: ", ")
            try await db.run(sql.query, log)
        }
    }
}
