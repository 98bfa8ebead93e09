import Foundation
import PostgresNIO

/// One result row read by column index, a stored value of an unexpected type being a
/// StoreError (not a crash), as SQLite rows are read.
struct PostgresCells {
    let row: PostgresRandomAccessRow
    init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }

    func callAsFunction<T: PostgresDecodable>(_ index: Int, _ type: T.Type = T.self) throws -> T {
        do {
            return try row[index].decode(T.self)
        } catch {
            throw StoreError("stored column \(index) cannot be read as \(T.self)")
        }
    }
}

/// SQL built piece by piece (filters that depend on the request), every value bound as a
/// parameter: `bind` appends the value and returns its `$n`.
struct PostgresSQL {
    var text: String
    var binds = PostgresBindings()

    init(_ text: String = "") { self.text = text }

    mutating func bind<V: PostgresDynamicTypeEncodable>(_ value: V) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    mutating func bind<V: PostgresDynamicTypeEncodable>(_ value: V?) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    mutating func bindList(_ values: [String]) -> String {
        values.map { bind($0) }.joined(separator: ", ")
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: binds) }
}
