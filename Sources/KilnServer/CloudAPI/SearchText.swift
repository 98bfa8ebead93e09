import Foundation
import KilnCloud
import KilnModel

/// Gnocchi's search text, as `openstack metric aggregates ... "server_group=g1"` sends it:
/// `NAME OP VALUE` (`=`, `==`, `!=`, `<`, `>`, `<=`, `>=`, `eq`, `ne`, `lt`, `gt`, `le`, `ge`,
/// `like`, `in [A, B]`), joined by `and` / `or`, `not`, parentheses; values quoted or bare
/// (`null` and numbers as such). Read into the JSON filter the emulator checks.
enum SearchText {
    static func parse(_ text: String) throws -> Value {
        var parser = Parser(tokens: try tokens(text), text: text)
        let filter = try parser.expression()
        guard parser.position == parser.tokens.count else { throw parser.error("unexpected '\(parser.tokens[parser.position].text)'") }
        return filter
    }

    struct Token { var text: String; var quoted: Bool }

    static func tokens(_ text: String) throws -> [Token] {
        var result: [Token] = []
        var index = text.startIndex
        let operators = ["==", "!=", "<=", ">=", "=", "<", ">", "(", ")", "[", "]", ","]
        while index < text.endIndex {
            let character = text[index]
            if character.isWhitespace { index = text.index(after: index); continue }
            if character == "'" || character == "\"" {
                guard let end = text[text.index(after: index)...].firstIndex(of: character) else {
                    throw CloudError(.badRequest, "Invalid search: unterminated quote in '\(text)'")
                }
                result.append(Token(text: String(text[text.index(after: index)..<end]), quoted: true))
                index = text.index(after: end)
                continue
            }
            if let op = operators.first(where: { text[index...].hasPrefix($0) }) {
                result.append(Token(text: op, quoted: false))
                index = text.index(index, offsetBy: op.count)
                continue
            }
            var end = index
            while end < text.endIndex, !text[end].isWhitespace, !"=!<>()[],'\"".contains(text[end]) { end = text.index(after: end) }
            result.append(Token(text: String(text[index..<end]), quoted: false))
            index = end
        }
        return result
    }

    struct Parser {
        var tokens: [Token]
        var text: String
        var position = 0

        func error(_ message: String) -> CloudError { CloudError(.badRequest, "Invalid search '\(text)': \(message)") }
        func peek(_ word: String) -> Bool { position < tokens.count && !tokens[position].quoted && tokens[position].text.lowercased() == word }

        mutating func next() throws -> Token {
            guard position < tokens.count else { throw error("unexpected end") }
            position += 1
            return tokens[position - 1]
        }

        mutating func expression() throws -> Value {
            var parts = [try conjunction()]
            while peek("or") { position += 1; parts.append(try conjunction()) }
            return parts.count == 1 ? parts[0] : ["or": .list(parts)]
        }

        mutating func conjunction() throws -> Value {
            var parts = [try factor()]
            while peek("and") { position += 1; parts.append(try factor()) }
            return parts.count == 1 ? parts[0] : ["and": .list(parts)]
        }

        mutating func factor() throws -> Value {
            if peek("not") { position += 1; return ["not": try factor()] }
            if peek("(") {
                position += 1
                let inner = try expression()
                guard peek(")") else { throw error("missing ')'") }
                position += 1
                return inner
            }
            let name = try next().text
            let op = try next()
            let aliases = ["==": "=", "eq": "=", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">="]
            let word = op.quoted ? op.text : (aliases[op.text.lowercased()] ?? op.text.lowercased())
            switch word {
            case "in":
                guard peek("[") || peek("(") else { throw error("'in' needs a list such as [a, b]") }
                position += 1
                var values: [Value] = []
                while !(peek("]") || peek(")")) {
                    values.append(value(try next()))
                    if peek(",") { position += 1 }
                }
                position += 1
                return ["in": [name: .list(values)]]
            case "=", "!=", "<", ">", "<=", ">=", "like":
                return [word: [name: value(try next())]]
            default:
                throw error("unknown operator '\(op.text)'")
            }
        }

        func value(_ token: Token) -> Value {
            if token.quoted { return .string(token.text) }
            if ["null", "none"].contains(token.text.lowercased()) { return .null }
            if let number = Int(token.text) { return .int(number) }
            if let number = Double(token.text) { return .double(number) }
            return .string(token.text)
        }
    }
}
