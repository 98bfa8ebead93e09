import Foundation
import GRDB

/// SQLite failures as messages people can act on.
extension StoreError {
    static func wrapping(_ error: any Error, path: String, busyTimeout: TimeInterval) -> any Error {
        if error is StoreError { return error }
        // An error of the transaction's own code (a cloud refusal, say) is its caller's to read.
        guard let error = error as? DatabaseError else { return error }
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError(
                "database is locked: \(path) was kept busy by another process for more than "
                    + "\(busyTimeout.formatted()) s")
        case .SQLITE_FULL:
            return StoreError("disk is full: cannot write to database \(path)")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return StoreError("database \(path) is corrupt or not a Kiln database: \(detail)")
        case .SQLITE_READONLY:
            return StoreError("database \(path) is read-only: \(detail)")
        case .SQLITE_IOERR:
            return StoreError("I/O error on database \(path): \(detail)")
        case .SQLITE_CANTOPEN:
            return StoreError("cannot open database at \(path): \(detail)")
        case .SQLITE_CONSTRAINT:
            if error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
                return StoreError("a record refers to a stack or template that does not exist (\(detail))")
            }
            return StoreError("constraint violated in database \(path): \(detail)")
        default:
            return StoreError("database error on \(path): \(detail)")
        }
    }

    /// Failures while opening: all reported as "cannot open", except a lock held elsewhere.
    static func opening(_ error: any Error, path: String, busyTimeout: TimeInterval) -> any Error {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL: return wrapping(error, path: path, busyTimeout: busyTimeout)
            default: return StoreError("cannot open database at \(path): \(error.message ?? "\(error.resultCode)")")
            }
        }
        return StoreError("cannot open database at \(path): \(error)")
    }
}
