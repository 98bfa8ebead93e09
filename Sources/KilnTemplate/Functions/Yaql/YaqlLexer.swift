import KilnModel
/// Tokens of a YAQL 1.x expression (the subset Kiln evaluates).
struct YaqlToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case number(Value)
        case string(String)
        /// A bare identifier: a keyword string such as the `name` in `$.name`.
        case identifier(String)
        /// An identifier directly followed by `(`: a function or method name.
        case function(String)
        /// `$`, `$name`, `$1`: the name without the dollar.
        case variable(String)
        /// Operators and punctuation: `.`, `?.`, `(`, `=>`, `and`, `mod`, ...
        case symbol(String)
        case end
    }

    var kind: Kind
    /// Character offset in the expression, for error messages.
    var offset: Int
}

struct YaqlSyntaxError: Error, Sendable {
    var message: String
}

/// Splits an expression into tokens, following yaql's lexer: `'..'`, `".."` and `` `..` `` are
/// strings, `true`/`false`/`null` literals, `mod`/`in`/`not`/`and`/`or` word operators.
struct YaqlLexer {
    private let chars: [Character]
    private var index = 0

    static let wordOperators: Set<String> = ["mod", "in", "not", "and", "or"]
    /// Longest first, so `->` wins over `-`.
    static let symbols = ["=>", "->", "?.", "!=", ">=", "<=", "=~", "!~",
                          ".", "(", ")", "[", "]", "{", "}", ",", "+", "-", "*", "/", "=", "<", ">"]

    init(_ text: String) { chars = Array(text) }

    static func tokens(_ text: String) throws(YaqlSyntaxError) -> [YaqlToken] {
        var lexer = YaqlLexer(text)
        var out: [YaqlToken] = []
        while true {
            let token = try lexer.next()
            out.append(token)
            if token.kind == .end { return out }
        }
    }

    private mutating func next() throws(YaqlSyntaxError) -> YaqlToken {
        while index < chars.count, chars[index].isWhitespace { index += 1 }
        let start = index
        guard index < chars.count else { return YaqlToken(kind: .end, offset: start) }
        let c = chars[index]
        if c == "$" {
            index += 1
            return YaqlToken(kind: .variable(readWord()), offset: start)
        }
        if c.isNumber, c.isASCII { return YaqlToken(kind: .number(readNumber()), offset: start) }
        if c == "'" || c == "\"" || c == "`" {
            return YaqlToken(kind: .string(try readString(quote: c)), offset: start)
        }
        if c.isLetter || c == "_" {
            let word = readWord()
            if index < chars.count, chars[index] == "(" { return YaqlToken(kind: .function(word), offset: start) }
            switch word {
            case "true": return YaqlToken(kind: .number(.bool(true)), offset: start)
            case "false": return YaqlToken(kind: .number(.bool(false)), offset: start)
            case "null": return YaqlToken(kind: .number(.null), offset: start)
            default:
                let kind: YaqlToken.Kind = Self.wordOperators.contains(word) ? .symbol(word) : .identifier(word)
                return YaqlToken(kind: kind, offset: start)
            }
        }
        for symbol in Self.symbols where matches(symbol) {
            index += symbol.count
            return YaqlToken(kind: .symbol(symbol), offset: start)
        }
        throw YaqlSyntaxError(message: "unexpected character '\(c)' at position \(start)")
    }

    private func matches(_ symbol: String) -> Bool {
        var i = index
        for ch in symbol {
            guard i < chars.count, chars[i] == ch else { return false }
            i += 1
        }
        return true
    }

    private mutating func readWord() -> String {
        var word = ""
        while index < chars.count, chars[index].isLetter || chars[index].isNumber || chars[index] == "_" {
            word.append(chars[index])
            index += 1
        }
        return word
    }

    private mutating func readNumber() -> Value {
        var text = ""
        while index < chars.count, chars[index].isASCII, chars[index].isNumber { text.append(chars[index]); index += 1 }
        if index + 1 < chars.count, chars[index] == ".", chars[index + 1].isASCII, chars[index + 1].isNumber {
            text.append(".")
            index += 1
            while index < chars.count, chars[index].isASCII, chars[index].isNumber { text.append(chars[index]); index += 1 }
            return .double(Double(text) ?? 0)
        }
        return Int(text).map(Value.int) ?? .double(Double(text) ?? 0)
    }

    private mutating func readString(quote: Character) throws(YaqlSyntaxError) -> String {
        let start = index
        index += 1
        var out = ""
        while index < chars.count {
            let c = chars[index]
            index += 1
            if c == quote { return out }
            guard c == "\\", index < chars.count else { out.append(c); continue }
            let escaped = chars[index]
            index += 1
            if quote == "`" {
                if escaped != "`" { out.append("\\") }
                out.append(escaped)
                continue
            }
            switch escaped {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "\\", "'", "\"": out.append(escaped)
            default: out.append("\\"); out.append(escaped)
            }
        }
        throw YaqlSyntaxError(message: "unterminated string starting at position \(start)")
    }
}
