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
    /// `receiver?.name(args)`: null when the receiver is null, else the call.
    case nullSafeCall(name: String, receiver: YaqlNode, arguments: [YaqlNode])
    /// A construct yaql parses but Kiln does not evaluate: an error when evaluated, never at
    /// validation (Heat's validate accepts whatever yaql parses).
    case unsupported(String)
}

enum YaqlParseError: Error, Sendable {
    case syntax(String)
    case unsupported(String)
    /// Past `YaqlParser.maxDepth`, at this character offset.
    case tooDeep(Int)

    var message: String {
        switch self {
        case .tooDeep(let offset):
            return "expression nested too deeply at position \(offset) (limit \(YaqlParser.maxDepth) levels)"
        case .syntax(let detail): return "bad yaql expression: \(detail)"
        case .unsupported(let construct): return "unsupported yaql construct '\(construct)'"
        }
    }
}

/// Recursive descent over yaql's operator table, loosest first:
/// `=>`, `->` (right), `or`, `and`, `not`, comparisons and `in`, `+ -`, `* / mod`,
/// unary `+ -`, then `.`/`?.`/`[]` postfix.
///
/// Both the parser's own recursion and the height of the tree it builds are bounded by
/// `YaqlParser.maxDepth`: the evaluator recurses once per level of the tree, and a long
/// left-associative chain (`1+1+1...`, `$.a.a.a...`) is a deep tree although the parser
/// reads it in a loop. Without the bound, a few thousand levels overflow the thread's stack.
struct YaqlParser {
    /// Heat's own yaql gives up near 200 chained operators (Python's recursion limit).
    static let maxDepth = EvaluationLimits.maxYaqlDepth

    private var tokens: [YaqlToken]
    private var position = 0
    /// Open recursive calls: brackets, calls, unary operators and `->`/`=>` right sides.
    private var nesting = 0

    /// A node with the height of its tree (a leaf is 1).
    private struct Parsed {
        var node: YaqlNode
        var height: Int
    }

    static func parse(_ text: String) throws(YaqlParseError) -> YaqlNode {
        let tokens: [YaqlToken]
        do { tokens = try YaqlLexer.tokens(text) } catch { throw .syntax(error.message) }
        var parser = YaqlParser(tokens: tokens)
        let parsed = try parser.parseArrow()
        guard parser.current.kind == .end else { throw parser.unexpected() }
        return parsed.node
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

    private var tooDeep: YaqlParseError { .tooDeep(current.offset) }

    /// Runs one level of recursion, refused past the limit.
    private mutating func nested<T>(_ body: (inout YaqlParser) throws(YaqlParseError) -> T) throws(YaqlParseError) -> T {
        guard nesting < Self.maxDepth else { throw tooDeep }
        nesting += 1
        defer { nesting -= 1 }
        return try body(&self)
    }

    /// A node over `children`, refused when the tree would be taller than the limit.
    private func node(_ node: YaqlNode, over children: [Parsed]) throws(YaqlParseError) -> Parsed {
        let height = 1 + (children.map(\.height).max() ?? 0)
        guard height <= Self.maxDepth else { throw tooDeep }
        return Parsed(node: node, height: height)
    }

    /// An argument: an expression or `name => value`.
    private mutating func parseArgument() throws(YaqlParseError) -> Parsed {
        let left = try parseArrow()
        if take("=>") {
            let right = try nested { (p: inout YaqlParser) throws(YaqlParseError) in try p.parseArrow() }
            return try node(.pair(left.node, right.node), over: [left, right])
        }
        return left
    }

    private mutating func parseArrow() throws(YaqlParseError) -> Parsed {
        let left = try parseBinary(level: 0)
        if take("->") {
            let right = try nested { (p: inout YaqlParser) throws(YaqlParseError) in try p.parseArrow() }
            return try node(.binary("->", left.node, right.node), over: [left, right])
        }
        return left
    }

    private static let levels: [[String]] = [
        ["or"], ["and"], ["not"], [">", "<", ">=", "<=", "!=", "=", "in"], ["+", "-"], ["*", "/", "mod"], ["=~", "!~"],
    ]

    private mutating func parseBinary(level: Int) throws(YaqlParseError) -> Parsed {
        guard level < Self.levels.count else { return try parseUnary() }
        let operators = Self.levels[level]
        if operators == ["not"] {
            if take("not") {
                let operand = try nested { (p: inout YaqlParser) throws(YaqlParseError) in try p.parseBinary(level: level) }
                return try node(.unary("not", operand.node), over: [operand])
            }
            return try parseBinary(level: level + 1)
        }
        var left = try parseBinary(level: level + 1)
        while case .symbol(let op) = current.kind, operators.contains(op) {
            advance()
            let right = try parseBinary(level: level + 1)
            left = try node(.binary(op, left.node, right.node), over: [left, right])
        }
        return left
    }

    private mutating func parseUnary() throws(YaqlParseError) -> Parsed {
        for op in ["-", "+"] where take(op) {
            let operand = try nested { (p: inout YaqlParser) throws(YaqlParseError) in try p.parseUnary() }
            return try node(.unary(op, operand.node), over: [operand])
        }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws(YaqlParseError) -> Parsed {
        var parsed = try parsePrimary()
        while true {
            if isSymbol(".") || isSymbol("?.") {
                let nullSafe = isSymbol("?.")
                advance()
                switch current.kind {
                case .identifier(let name):
                    advance()
                    parsed = try node(.member(parsed.node, name, nullSafe: nullSafe), over: [parsed])
                case .function(let name):
                    advance()
                    let arguments = try parseArguments(closing: ")")
                    let call: YaqlNode = nullSafe
                        ? .nullSafeCall(name: name, receiver: parsed.node, arguments: arguments.map(\.node))
                        : .call(name: name, receiver: parsed.node, arguments: arguments.map(\.node))
                    parsed = try node(call, over: [parsed] + arguments)
                case .symbol("("):
                    // `x.(expr)`: parsed, refused when evaluated.
                    let inner = try nested { (p: inout YaqlParser) throws(YaqlParseError) in try p.parsePrimary() }
                    parsed = try node(.unsupported(".(...)"), over: [parsed, inner])
                default:
                    throw unexpected()
                }
            } else if take("[") {
                let arguments = try parseArguments(closing: "]")
                if arguments.count == 1 {
                    parsed = try node(.index(parsed.node, arguments[0].node), over: [parsed, arguments[0]])
                } else {
                    parsed = try node(.unsupported("[...] with \(arguments.count) arguments"), over: [parsed] + arguments)
                }
            } else {
                return parsed
            }
        }
    }

    private mutating func parseArguments(closing: String) throws(YaqlParseError) -> [Parsed] {
        // The opening bracket is the current token for calls, already taken for `[`.
        if closing == ")" { try expect("(") }
        return try nested { (p: inout YaqlParser) throws(YaqlParseError) in
            var arguments: [Parsed] = []
            if p.take(closing) { return arguments }
            while true {
                arguments.append(try p.parseArgument())
                if p.take(closing) { return arguments }
                try p.expect(",")
            }
        }
    }

    private mutating func parsePrimary() throws(YaqlParseError) -> Parsed {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return Parsed(node: .literal(value), height: 1)
        case .string(let text), .identifier(let text):
            advance()
            return Parsed(node: .literal(.string(text)), height: 1)
        case .variable(let name):
            advance()
            return Parsed(node: .variable(name), height: 1)
        case .function(let name):
            advance()
            let arguments = try parseArguments(closing: ")")
            return try node(.call(name: name, receiver: nil, arguments: arguments.map(\.node)), over: arguments)
        case .symbol("("):
            advance()
            let inner = try nested { (p: inout YaqlParser) throws(YaqlParseError) in try p.parseArrow() }
            try expect(")")
            return inner
        case .symbol("["):
            advance()
            let items = try parseArguments(closing: "]")
            return try node(.list(items.map(\.node)), over: items)
        case .symbol("{"):
            advance()
            let entries = try parseArguments(closing: "}")
            var pairs: [(key: YaqlNode, value: YaqlNode)] = []
            for entry in entries {
                guard case .pair(let key, let value) = entry.node else { throw .syntax("a dict entry must be 'key => value'") }
                pairs.append((key, value))
            }
            return try node(.dict(pairs), over: entries)
        default:
            throw unexpected()
        }
    }
}
