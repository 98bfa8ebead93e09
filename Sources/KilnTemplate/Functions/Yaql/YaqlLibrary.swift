import KilnModel
/// The yaql standard library as Heat 27 runs it (yaql in legacy mode), with yaql's names
/// (camelCase) and Python semantics, one file per family: collections and queries, dicts,
/// strings, regexes, sets, branching, math. Functions may be called as `f(x, ...)` or as
/// methods `x.f(...)`, except those yaql defines in one style only (`methodOnly`,
/// `functionOnly`).
enum YaqlLibrary {
    typealias Function = @Sendable (YaqlCall) throws -> Value

    static let functions: [String: Function] = {
        var table: [String: Function] = [:]
        for (name, function) in collectionFunctions { table[name] = function }
        for (name, function) in stringFunctions { table[name] = function }
        for (name, function) in conversionFunctions { table[name] = function }
        for family in [regexFunctions, setFunctions, branchingFunctions, queryFunctions, mathFunctions, dateFunctions] {
            for (name, function) in family where table[name] == nil { table[name] = function }
        }
        // Aliases yaql has.
        table["filter"] = table["where"]
        table["map"] = table["select"]
        return table
    }()

    /// Names yaql defines only as methods (`x.toList()`, never `toList(x)`), and only as
    /// functions (`isList(x)`, never `x.isList()`), as measured with heat-oracle.
    static let methodOnly: Set<String> = [
        "toList", "join", "search", "searchAll", "replaceBy", "union", "intersect", "difference", "symmetricDifference",
        "add", "remove",
    ]
    static let functionOnly: Set<String> = [
        "isList", "isDict", "isSet", "isRegex", "isString", "isInteger", "isNumber", "isBoolean",
        "switch", "selectCase", "datetime", "timespan", "now", "utctz", "isDatetime", "isTimespan", "selectAllCases", "examine", "regex", "escapeRegex", "range", "sequence", "generate",
        "generateMany", "coalesce", "let", "dict", "list",
    ]

    // MARK: Python semantics

    static func truthy(_ value: Value) -> Bool { value.isTruthy }

    /// yaql's `str()`: null, true and false in yaql spelling, collections as Python prints them.
    static func text(_ value: Value) -> String {
        if let date = dateText(value) { return date }
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return s
        case .int, .double: return value.plainText
        // yaql's lists are Python tuples: `(1, 2)`, `(1,)`.
        case .list(let items) where items.count == 1: return "(" + repr(items[0]) + ",)"
        case .list(let items): return "(" + items.map(repr).joined(separator: ", ") + ")"
        case .map(let map):
            return "{" + map.orderedEntries.map { "\(repr(.string($0.key))): \(repr($0.value))" }
                .joined(separator: ", ") + "}"
        }
    }

    /// Python's `repr()` inside printed collections.
    static func repr(_ value: Value) -> String {
        switch value {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .string(let s): return "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        default: return text(value)
        }
    }

    /// Three-way comparison with Python's rules; null sorts before everything (yaql's rule).
    static func compare(_ a: Value, _ b: Value) throws -> Int {
        switch (a, b) {
        case (.null, .null): return 0
        case (.null, _): return -1
        case (_, .null): return 1
        case (.int(let x), .int(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x), .string(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.list(let x), .list(let y)):
            for (l, r) in zip(x, y) {
                let c = try compare(l, r)
                if c != 0 { return c }
            }
            return x.count < y.count ? -1 : (x.count > y.count ? 1 : 0)
        default:
            guard let x = a.heatNumber, let y = b.heatNumber else {
                throw YaqlRuntimeError("cannot compare \(a.kindName) with \(b.kindName)")
            }
            return x < y ? -1 : (x > y ? 1 : 0)
        }
    }

    static func operate(_ op: String, _ left: Value, _ right: Value) throws -> Value {
        if let result = try dateOperate(op, left, right) { return result }
        switch op {
        case "=": return .bool(left.equalsAsHeat(right))
        case "!=": return .bool(!left.equalsAsHeat(right))
        case "<": return .bool(try compare(left, right) < 0)
        case ">": return .bool(try compare(left, right) > 0)
        case "<=": return .bool(try compare(left, right) <= 0)
        case ">=": return .bool(try compare(left, right) >= 0)
        case "in": return .bool(try contains(right, left))
        case "=~", "!~": return try regexOperator(op, left, right)
        case "+": return try plus(left, right)
        case "-", "*", "/", "mod": return try arithmetic(op, left, right)
        default: throw YaqlRuntimeError("unsupported operator '\(op)'")
        }
    }

    static func contains(_ collection: Value, _ item: Value) throws -> Bool {
        if let items = YaqlObject.setItems(collection) { return items.contains { $0.equalsAsHeat(item) } }
        switch (collection, item) {
        case (.list(let items), _): return items.contains { $0.equalsAsHeat(item) }
        case (.map(let map), _): return map[try YaqlEvaluator().key(item)] != nil
        case (.string(let s), .string(let sub)): return sub.isEmpty || s.contains(sub)
        default: throw YaqlRuntimeError("'in' needs a collection or string, found \(collection.kindName)")
        }
    }

    static func plus(_ left: Value, _ right: Value) throws -> Value {
        switch (left, right) {
        case (.string(let a), .string(let b)): return .string(a + b)
        case (.list(let a), .list(let b)): return .list(a + b)
        // Existing keys keep their place, new ones follow (Python's `{**a, **b}`).
        case (.map(let a), .map(let b)): return .map(a.keepingOrder().merging(b) { _, new in new })
        default: return try arithmetic("+", left, right)
        }
    }

    static func arithmetic(_ op: String, _ left: Value, _ right: Value) throws -> Value {
        if op == "*" {
            switch (left, right) {
            case (.string(let s), .int(let n)), (.int(let n), .string(let s)):
                // Compared by division: `count * n` itself could overflow.
                guard n > 0, !s.isEmpty else { return "" }
                guard n <= YaqlEvaluator.memoryQuota / s.utf8.count else {
                    throw YaqlRuntimeError("expression exceeds the memory quota of \(YaqlEvaluator.memoryQuota)")
                }
                return .string(String(repeating: s, count: n))
            case (.list(let l), .int(let n)), (.int(let n), .list(let l)):
                guard n > 0, !l.isEmpty else { return [] }
                guard n <= YaqlEvaluator.iteratorLimit / l.count else { throw YaqlEvaluator().tooLarge() }
                return .list(Array([[Value]](repeating: l, count: n).joined()))
            default: break
            }
        }
        if case .int(let a) = left, case .int(let b) = right { return .int(try integerArithmetic(op, a, b)) }
        // Booleans are not numbers to yaql's operators (`true + 1` fails in Heat).
        guard left.isYaqlNumber, right.isYaqlNumber, let a = left.yaqlNumber, let b = right.yaqlNumber else {
            throw YaqlRuntimeError("'\(op)' cannot combine \(left.kindName) and \(right.kindName)")
        }
        switch op {
        case "+": return .double(a + b)
        case "-": return .double(a - b)
        case "*": return .double(a * b)
        case "/":
            guard b != 0 else { throw YaqlRuntimeError("division by zero") }
            return .double(a / b)
        default:
            guard b != 0 else { throw YaqlRuntimeError("division by zero") }
            let r = a.truncatingRemainder(dividingBy: b)
            return .double(r != 0 && (r < 0) != (b < 0) ? r + b : r)
        }
    }

    /// Integer `+ - * / mod` with Python's floor division. Python's integers have no bound;
    /// a result outside 64 bits is refused (never wrapped, never trapping the process).
    static func integerArithmetic(_ op: String, _ a: Int, _ b: Int) throws -> Int {
        let (result, overflow): (Int, Bool)
        switch op {
        case "+": (result, overflow) = a.addingReportingOverflow(b)
        case "-": (result, overflow) = a.subtractingReportingOverflow(b)
        case "*": (result, overflow) = a.multipliedReportingOverflow(by: b)
        default:
            guard b != 0 else { throw YaqlRuntimeError("division by zero") }
            // `Int.min / -1` (and `% -1`) trap in Swift; the remainder is 0 whatever the quotient.
            let (q, qOverflow) = a.dividedReportingOverflow(by: b)
            let r = b == -1 ? 0 : a % b
            let adjust = r != 0 && (r < 0) != (b < 0)
            if op == "mod" { return adjust ? r + b : r }
            (result, overflow) = adjust ? q.subtractingReportingOverflow(1) : (q, qOverflow)
        }
        guard !overflow else { throw overflowError(op == "/" ? "\(a) / \(b)" : "\(a) \(op) \(b)") }
        return result
    }

    static func overflowError(_ expression: String) -> YaqlRuntimeError {
        YaqlRuntimeError("integer overflow: \(expression) does not fit in 64 bits")
    }
}

extension Value {
    /// A number for arithmetic (booleans count, as in Python; strings do not).
    var yaqlNumber: Double? { heatNumber }

    var isYaqlNumber: Bool {
        switch self {
        case .int, .double: return true
        default: return false
        }
    }
}
