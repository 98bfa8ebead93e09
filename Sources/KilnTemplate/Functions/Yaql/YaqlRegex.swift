import Foundation
import KilnModel

/// yaql's regular expressions: `regex()` objects and their methods, `=~`/`!~`, and the
/// string methods that take a pattern. Python's syntax is translated where ICU's differs
/// (`(?P<name>...)` groups, `\1` in replacements).
extension YaqlLibrary {
    static let ignoreCase = 2, multiLine = 8, dotAll = 16

    static let regexFunctions: [String: Function] = [
        "regex": { call in
            guard call.receiver == nil, case .string(let pattern) = try call.subject() else {
                throw YaqlRuntimeError("regex() needs a pattern string")
            }
            var flags = 0
            for case .pair(let name, let value) in call.arguments.dropFirst() {
                let key = try call.evaluator.key(call.evaluator.evaluate(name, call.env))
                guard truthy(try call.evaluator.evaluate(value, call.env)) else { continue }
                switch key {
                case "ignoreCase": flags |= ignoreCase
                case "multiLine": flags |= multiLine
                case "dotAll": flags |= dotAll
                default: throw YaqlRuntimeError("regex() has no option '\(key)'")
                }
            }
            _ = try compile(pattern, flags)  // a bad pattern fails here, as in Python
            return YaqlObject.regex(pattern, flags: flags)
        },
        "matches": { call in
            // regex.matches(string) or string.matches(pattern)
            let subject = try call.subject()
            let other = try call.requiredArgument(0)
            let (regex, text) = YaqlObject.regexParts(subject) != nil ? (subject, other) : (other, subject)
            return .bool(try firstMatch(regex, string(text, call)) != nil)
        },
        "search": { call in
            let (re, text) = try regexCall(call)
            guard let match = try firstMatch(re, text) else { return .null }
            return try selectMatch(call, match, text, lambdaAt: 1)
        },
        "searchAll": { call in
            let (re, text) = try regexCall(call)
            let ns = text as NSString
            let matches = try compile(re).matches(in: text, range: NSRange(location: 0, length: ns.length))
            guard matches.count <= YaqlEvaluator.iteratorLimit else { throw call.evaluator.tooLarge() }
            return .list(try matches.map { try selectMatch(call, $0, text, lambdaAt: 1) })
        },
        "replaceBy": { call in
            let (re, text) = try regexCall(call)
            guard call.rest.count > 1 else { throw YaqlRuntimeError("replaceBy() needs a replacement expression") }
            let count = try call.intArgument(2) ?? -1
            return .string(try substitute(re, text, count: count) { match in
                YaqlLibrary.text(try selectMatch(call, match, text, lambdaAt: 1))
            })
        },
        "escapeRegex": { call in .string(NSRegularExpression.escapedPattern(for: try call.string())) },
        "isRegex": { call in .bool(YaqlObject.regexParts(try call.subject()) != nil) },
    ]

    /// `regex.f(string, ...)`: the regex receiver and the string argument.
    static func regexCall(_ call: YaqlCall) throws -> (Value, String) {
        let re = try call.subject()
        guard YaqlObject.regexParts(re) != nil else {
            throw YaqlRuntimeError("\(call.name)() is a method of regex(), found \(re.kindName)")
        }
        return (re, try string(call.requiredArgument(0), call))
    }

    static func string(_ value: Value, _ call: YaqlCall) throws -> String {
        guard case .string(let s) = value else { throw YaqlRuntimeError("\(call.name)() needs a string, found \(value.kindName)") }
        return s
    }

    /// A regex object, or a pattern string compiled without flags.
    static func compile(_ value: Value) throws -> NSRegularExpression {
        if let (pattern, flags) = YaqlObject.regexParts(value) { return try compile(pattern, flags) }
        guard case .string(let pattern) = value else { throw YaqlRuntimeError("a regular expression must be a string, found \(value.kindName)") }
        return try compile(pattern, 0)
    }

    static func compile(_ pattern: String, _ flags: Int) throws -> NSRegularExpression {
        var options: NSRegularExpression.Options = []
        if flags & ignoreCase != 0 { options.insert(.caseInsensitive) }
        if flags & multiLine != 0 { options.insert(.anchorsMatchLines) }
        if flags & dotAll != 0 { options.insert(.dotMatchesLineSeparators) }
        do {
            return try NSRegularExpression(pattern: pattern.replacingOccurrences(of: "(?P<", with: "(?<"), options: options)
        } catch {
            throw YaqlRuntimeError("bad regular expression '\(pattern)'")
        }
    }

    static func firstMatch(_ re: Value, _ text: String) throws -> NSTextCheckingResult? {
        try compile(re).firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length))
    }

    /// `{value, start, end}` of a match's group (Heat's positions are characters; Kiln's are
    /// UTF-16 offsets, the same for text in the Basic Multilingual Plane).
    static func matchRecord(_ match: NSTextCheckingResult, _ group: Int, _ text: String) -> Value {
        let range = match.range(at: group)
        // In this order, as Heat prints the record (heat-oracle).
        guard range.location != NSNotFound else {
            return .map(ValueMap(orderedPairs: [("value", .null), ("start", -1), ("end", -1)]))
        }
        return .map(ValueMap(orderedPairs: [
            ("value", .string((text as NSString).substring(with: range))),
            ("start", .int(range.location)), ("end", .int(range.location + range.length)),
        ]))
    }

    /// The match's text, or the selector's value with `$` and `$1` the match record and `$2`,
    /// `$3`... its groups' records (measured with heat-oracle).
    static func selectMatch(_ call: YaqlCall, _ match: NSTextCheckingResult, _ text: String, lambdaAt i: Int) throws -> Value {
        let record = matchRecord(match, 0, text)
        let rest = call.rest
        guard rest.indices.contains(rest.startIndex + i) else { return record["value"] }
        var env = call.env
        env.variables[""] = record
        for group in 0..<match.numberOfRanges { env.variables[String(group + 1)] = matchRecord(match, group, text) }
        return try call.evaluator.evaluate(rest[rest.startIndex + i], env)
    }

    /// Replaces up to `count` matches (all when negative) with what `replacement` makes of each.
    static func substitute(
        _ re: Value, _ text: String, count: Int, _ replacement: (NSTextCheckingResult) throws -> String
    ) throws -> String {
        let ns = text as NSString
        var out = ""
        var last = 0
        var done = 0
        for match in try compile(re).matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            if count >= 0, done >= count { break }
            out += ns.substring(with: NSRange(location: last, length: match.range.location - last))
            out += try replacement(match)
            try requireQuota(out.utf8.count)
            last = match.range.location + match.range.length
            done += 1
        }
        return out + ns.substring(from: last)
    }

    /// Python's replacement template: `\1`, `\g<1>`, `\g<name>` are groups.
    static func expandTemplate(_ template: String, _ match: NSTextCheckingResult, _ re: NSRegularExpression, _ text: String) -> String {
        let ns = text as NSString
        func group(_ i: Int) -> String {
            guard i < match.numberOfRanges, match.range(at: i).location != NSNotFound else { return "" }
            return ns.substring(with: match.range(at: i))
        }
        var out = ""
        var chars = template[...]
        while let c = chars.popFirst() {
            guard c == "\\", let next = chars.first else { out.append(c); continue }
            if let digit = next.wholeNumberValue {
                chars.removeFirst()
                out += group(digit)
            } else if next == "g", chars.dropFirst().first == "<", let close = chars.firstIndex(of: ">") {
                let name = String(chars[chars.index(chars.startIndex, offsetBy: 2)..<close])
                chars = chars[chars.index(after: close)...]
                if let i = Int(name) { out += group(i) } else {
                    let range = match.range(withName: name)
                    if range.location != NSNotFound { out += ns.substring(with: range) }
                }
            } else {
                chars.removeFirst()
                switch next {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "\\": out.append("\\")
                default: out.append("\\"); out.append(next)
                }
            }
        }
        return out
    }

    /// `regex.replace(string, repl, count)` and `string.replace(regex, repl, count)`.
    static func regexReplace(_ call: YaqlCall) throws -> Value? {
        let subject = try call.subject()
        let re: Value, text: String
        if YaqlObject.regexParts(subject) != nil {
            re = subject
            text = try string(call.requiredArgument(0), call)
            let repl = try string(call.requiredArgument(1), call)
            let compiled = try compile(re)
            return .string(try substitute(re, text, count: try call.intArgument(2) ?? -1) {
                expandTemplate(repl, $0, compiled, text)
            })
        }
        guard case .string(let s) = subject, let first = try call.argument(0), YaqlObject.regexParts(first) != nil else {
            return nil
        }
        re = first
        let repl = try string(call.requiredArgument(1), call)
        let compiled = try compile(re)
        return .string(try substitute(re, s, count: try call.intArgument(2) ?? -1) { expandTemplate(repl, $0, compiled, s) })
    }

    /// `regex.split(string, maxSplit)`, or nil when the receiver is not a regex.
    static func regexSplit(_ call: YaqlCall) throws -> Value? {
        let subject = try call.subject()
        guard YaqlObject.regexParts(subject) != nil else { return nil }
        let text = try string(call.requiredArgument(0), call)
        let limit = try call.intArgument(1) ?? -1
        let ns = text as NSString
        var out: [Value] = []
        var last = 0
        for match in try compile(subject).matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            if limit >= 0, out.count >= limit { break }
            out.append(.string(ns.substring(with: NSRange(location: last, length: match.range.location - last))))
            for g in 1..<max(match.numberOfRanges, 1) {
                let r = match.range(at: g)
                out.append(r.location == NSNotFound ? .null : .string(ns.substring(with: r)))
            }
            last = match.range.location + match.range.length
        }
        out.append(.string(ns.substring(from: last)))
        return .list(out)
    }

    /// `a =~ b`: whether regex (or pattern) `b` matches somewhere in string `a`.
    static func regexOperator(_ op: String, _ left: Value, _ right: Value) throws -> Value {
        guard case .string(let text) = left else { throw YaqlRuntimeError("'\(op)' needs a string on the left, found \(left.kindName)") }
        let found = try firstMatch(right, text) != nil
        return .bool(op == "=~" ? found : !found)
    }
}
