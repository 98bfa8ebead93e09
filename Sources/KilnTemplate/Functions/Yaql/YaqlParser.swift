import KilnModel
/// A parsed YAQL expression.
indirect enum YaqlNode: Sendable {
    case literal(Value)
    /// `$` (name "") or `$name`.
    case variable(String)
    case list([YaqlNode])
    case dict([(key: YaqlNode, value: YaqlNode)])
    /// `name(args)` or `receiver.name(args)`; lambda arguments stay unevaluated.
    case call(name: String, receiver: YaqlNode?, arguments: [YaqlNode])
    /// `receiver.key`; `nullSafe` for `?.`.
    case member(YaqlNode, String, nullSafe: Bool)
    case index(YaqlNode, YaqlNode)
    case unary(String, YaqlNode)
    case binary(String, YaqlNode, YaqlNode)
    /// `name => value`, only as a call argument (named argument / dict entry).
    case pair(YaqlNode, YaqlNode)
}

enum YaqlParseError: Error, Sendable {
    case syntax(String)
    case unsupported(String)

    var message: String {
        switch self {
        case .syntax(let detail): return "bad yaql expression: \(detail)"
        case .unsupported(let construct): return "unsupported yaql construct '\(construct)'"
        }
    }
}

/// Recursive descent over yaql's operator table, loosest first:
/// `=>`, `->` (right), `or`, `and`, `not`, comparisons and `in`, `+ -`, `* / mod`,
/// unary `+ -`, then `.`/`?.`/`[]` postfix.
struct YaqlParser {
    private var tokens: [YaqlToken]
    private var position = 0

    static func parse(_ text: String) throws(YaqlParseError) -> YaqlNode {
        let tokens: [YaqlToken]
        do { tokens = try YaqlLexer.tokens(text) } catch { throw .syntax(error.message) }
        var parser = YaqlParser(tokens: tokens)
        let node = try parser.parseArrow()
        guard parser.current.kind == .end else { throw parser.unexpected() }
        return node
    }

    private init(tokens: [YaqlToken]) { self.tokens = tokens }

    private var current: YaqlToken { tokens[position] }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private func isSymbol(_ s: String) -> Bool { current.kind == .symbol(s) }

    private mutating func take(_ s: String) -> Bool {
        guard isSymbol(s) else { return false }
        advance()
        return true
    }

    private mutating func expect(_ s: String) throws(YaqlParseError) {
        guard take(s) else { throw unexpected(expecting: s) }
    }

    private func unexpected(expecting: String? = nil) -> YaqlParseError {
        let found: String
        switch current.kind {
        case .end: found = "end of expression"
        case .symbol(let s): found = "'\(s)'"
        case .identifier(let s), .function(let s): found = "'\(s)'"
        case .variable(let s): found = "'$\(s)'"
        case .string(let s): found = "string '\(s)'"
        case .number(let v): found = "'\(v.plainText)'"
        }
        let what = expecting.map { "expected '\($0)', found \(found)" } ?? "unexpected \(found)"
        return .syntax("\(what) at position \(current.offset)")
    }

    /// An argument: an expression or `name => value`.
    private mutating func parseArgument() throws(YaqlParseError) -> YaqlNode {
        let left = try parseArrow()
        if take("=>") { return .pair(left, try parseArrow()) }
        return left
    }

    mutating func parseArrow() throws(YaqlParseError) -> YaqlNode {
        let left = try parseBinary(level: 0)
        if take("->") { return .binary("->", left, try parseArrow()) }
        return left
    }

    private static let levels: [[String]] = [
        ["or"], ["and"], ["not"], [">", "<", ">=", "<=", "!=", "=", "in"], ["+", "-"], ["*", "/", "mod"], ["=~", "!~"],
    ]

    private mutating func parseBinary(level: Int) throws(YaqlParseError) -> YaqlNode {
        guard level < Self.levels.count else { return try parseUnary() }
        let operators = Self.levels[level]
        if operators == ["not"] {
            if take("not") { return .unary("not", try parseBinary(level: level)) }
            return try parseBinary(level: level + 1)
        }
        var left = try parseBinary(level: level + 1)
        while case .symbol(let op) = current.kind, operators.contains(op) {
            if op == "=~" || op == "!~" { throw .unsupported(op) }
            advance()
            left = .binary(op, left, try parseBinary(level: level + 1))
        }
        return left
    }

    private mutating func parseUnary() throws(YaqlParseError) -> YaqlNode {
        if take("-") { return .unary("-", try parseUnary()) }
        if take("+") { return .unary("+", try parseUnary()) }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws(YaqlParseError) -> YaqlNode {
        var node = try parsePrimary()
        while true {
            if isSymbol(".") || isSymbol("?.") {
                let nullSafe = isSymbol("?.")
                advance()
                switch current.kind {
                case .identifier(let name):
                    advance()
                    node = .member(node, name, nullSafe: nullSafe)
                case .function(let name):
                    if nullSafe { throw .unsupported("?.\(name)()") }
                    advance()
                    try YaqlLibrary.check(name)
                    node = .call(name: name, receiver: node, arguments: try parseArguments(closing: ")"))
                case .symbol("("):
                    throw .unsupported(".(")
                default:
                    throw unexpected()
                }
            } else if take("[") {
                let arguments = try parseArguments(closing: "]")
                guard arguments.count == 1 else { throw .unsupported("[...] with \(arguments.count) arguments") }
                node = .index(node, arguments[0])
            } else if isSymbol("{") {
                throw .unsupported("{...} after a value")
            } else {
                return node
            }
        }
    }

    private mutating func parseArguments(closing: String) throws(YaqlParseError) -> [YaqlNode] {
        // The opening bracket is the current token for calls, already taken for `[`.
        if closing == ")" { try expect("(") }
        var arguments: [YaqlNode] = []
        if take(closing) { return arguments }
        while true {
            arguments.append(try parseArgument())
            if take(closing) { return arguments }
            try expect(",")
        }
    }

    private mutating func parsePrimary() throws(YaqlParseError) -> YaqlNode {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return .literal(value)
        case .string(let text), .identifier(let text):
            advance()
            return .literal(.string(text))
        case .variable(let name):
            advance()
            return .variable(name)
        case .function(let name):
            advance()
            try YaqlLibrary.check(name)
            return .call(name: name, receiver: nil, arguments: try parseArguments(closing: ")"))
        case .symbol("("):
            advance()
            let inner = try parseArrow()
            try expect(")")
            return inner
        case .symbol("["):
            advance()
            return .list(try parseArguments(closing: "]"))
        case .symbol("{"):
            advance()
            let entries = try parseArguments(closing: "}")
            var pairs: [(key: YaqlNode, value: YaqlNode)] = []
            for entry in entries {
                guard case .pair(let key, let value) = entry else { throw .syntax("a dict entry must be 'key => value'") }
                pairs.append((key, value))
            }
            return .dict(pairs)
        default:
            throw unexpected()
        }
    }
}
