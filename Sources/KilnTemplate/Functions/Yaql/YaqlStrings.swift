import Foundation
import KilnModel

/// yaql's string functions and type conversions.
extension YaqlLibrary {
    static let stringFunctions: [String: Function] = [
        "toUpper": { call in .string(try call.string().uppercased()) },
        "toLower": { call in .string(try call.string().lowercased()) },
        "trim": { call in .string(trim(try call.string(), try call.stringArgument(0), leading: true, trailing: true)) },
        "trimLeft": { call in .string(trim(try call.string(), try call.stringArgument(0), leading: true, trailing: false)) },
        "trimRight": { call in .string(trim(try call.string(), try call.stringArgument(0), leading: false, trailing: true)) },
        "replace": { call in
            if let us = microseconds(try call.subject(), "datetime") { return try dateReplace(call, us) }
            if let replaced = try regexReplace(call) { return replaced }
            let subject = try call.subject()
            if case .list = subject { return try listReplace(call, with: [try call.requiredArgument(1)]) }
            let s = try call.string()
            // 'text'.replace({old => new, ...}): every key replaced, in the dict's order.
            if case .map(let pairs)? = try call.argument(0) {
                var out = s
                for (key, value) in pairs.orderedEntries { out = try replace(out, key, text(value), count: -1) }
                return .string(out)
            }
            let old = try call.stringArgument(0) ?? ""
            let new = try call.stringArgument(1) ?? ""
            let count = try call.intArgument(2) ?? -1
            return .string(try replace(s, old, new, count: count))
        },
        "split": { call in
            if let parts = try regexSplit(call) { return parts }
            let s = try call.string()
            let limit = try call.intArgument(1) ?? -1
            guard let separator = try call.stringArgument(0) else {
                return .list(s.split(whereSeparator: \.isWhitespace).map { .string(String($0)) })
            }
            guard !separator.isEmpty else { throw YaqlRuntimeError("split() separator must not be empty") }
            return .list(split(s, separator, limit: limit).map(Value.string))
        },
        // Python's str.rsplit(sep, maxsplit): the limit counts from the right.
        "rightSplit": { call in
            let s = try call.string()
            let limit = try call.intArgument(1) ?? -1
            let separatorValue = try call.argument(0)
            guard let separator = separatorValue == .null ? nil : try call.stringArgument(0) else {
                let words = s.split(whereSeparator: \.isWhitespace).map(String.init)
                guard limit >= 0, words.count > limit + 1 else { return .list(words.map(Value.string)) }
                return .list(try rightSplit(s.trimmingCharacters(in: .whitespacesAndNewlines), " ", limit: limit).map(Value.string))
            }
            guard !separator.isEmpty else { throw YaqlRuntimeError("rightSplit() separator must not be empty") }
            return .list(try rightSplit(s, separator, limit: limit).map(Value.string))
        },
        // Whitespace runs collapsed to one space, ends trimmed.
        "norm": { call in .string(try call.string().split(whereSeparator: \.isWhitespace).joined(separator: " ")) },
        "join": { call in
            // `list.join(sep)` or `sep.join(list)` (both exist in yaql).
            let subject = try call.subject()
            let other = try call.requiredArgument(0)
            let (items, separator): (Value, Value) = subject.stringValue != nil && other.listValue != nil
                ? (other, subject) : (subject, other)
            guard case .string(let sep) = separator else { throw YaqlRuntimeError("join() separator must be a string") }
            let texts = try call.list(items).map(text)
            try requireQuota(texts.reduce(sep.utf8.count.multipliedSaturated(by: max(texts.count - 1, 0))) {
                $0.addingSaturated($1.utf8.count)
            })
            return .string(texts.joined(separator: sep))
        },
        "startsWith": { call in
            let s = try call.string()
            return .bool(try call.allArguments().dropFirst().contains { $0.stringValue.map(s.hasPrefix) ?? false })
        },
        "endsWith": { call in
            let s = try call.string()
            return .bool(try call.allArguments().dropFirst().contains { $0.stringValue.map(s.hasSuffix) ?? false })
        },
        "substring": { call in
            let chars = Array(try call.string())
            var start = try requireInt(call, 0)
            if start < 0 { start = max(chars.count + start, 0) }
            start = min(start, chars.count)
            let length = try call.intArgument(1) ?? -1
            // Compared as a difference: `start + length` could overflow.
            let end = length < 0 || length >= chars.count - start ? chars.count : start + length
            return .string(String(chars[start..<end]))
        },
        // Heat's yaql has `format` but no call of it matches (measured with heat-oracle:
        // "'{0}'.format(1)" and "format('{0}', 1)" both fail), so it fails here too.
        "format": { call in
            if let us = microseconds(try call.subject(), "datetime"), let pattern = try call.stringArgument(0) {
                return .string(strftime(us, pattern))
            }
            throw YaqlRuntimeError("format() cannot be called in Heat's yaql; use concat() or str()") },
    ]

    static let conversionFunctions: [String: Function] = [
        "str": { call in .string(text(try call.subject())) },
        "bool": { call in .bool(truthy(try call.subject())) },
        "int": { call in
            switch try call.subject() {
            case .null: return 0
            case .int(let i): return .int(i)
            case .bool(let b): return .int(b ? 1 : 0)
            case .double(let d) where d.isFinite && abs(d) < 9.2e18: return .int(Int(d))
            case .string(let s):
                guard let i = Int(s.trimmingCharacters(in: .whitespaces)) else {
                    throw YaqlRuntimeError("invalid literal for int(): '\(s)'")
                }
                return .int(i)
            case let other: throw YaqlRuntimeError("int() cannot convert \(other.kindName)")
            }
        },
        "float": { call in
            switch try call.subject() {
            case .null: return .double(0)
            case .string(let s):
                guard let d = Double(s.trimmingCharacters(in: .whitespaces)) else {
                    throw YaqlRuntimeError("could not convert string to float: '\(s)'")
                }
                return .double(d)
            case let other:
                guard let d = other.yaqlNumber else { throw YaqlRuntimeError("float() cannot convert \(other.kindName)") }
                return .double(d)
            }
        },
    ]

    /// Python's `str.rsplit(sep, maxsplit)`.
    static func rightSplit(_ s: String, _ separator: String, limit: Int) throws -> [String] {
        var out: [String] = []
        var rest = Substring(s)
        while limit < 0 || out.count < limit, let range = rest.range(of: separator, options: .backwards) {
            out.insert(String(rest[range.upperBound...]), at: 0)
            rest = rest[..<range.lowerBound]
        }
        out.insert(String(rest), at: 0)
        return out
    }

    static func trim(_ s: String, _ chars: String?, leading: Bool, trailing: Bool) -> String {
        let strip: (Character) -> Bool = chars.map { set in { set.contains($0) } } ?? { $0.isWhitespace }
        var slice = Substring(s)
        if leading { slice = slice.drop(while: strip) }
        if trailing { while let last = slice.last, strip(last) { slice = slice.dropLast() } }
        return String(slice)
    }

    static func replace(_ s: String, _ old: String, _ new: String, count: Int) throws -> String {
        guard !old.isEmpty else { return s }
        var parts = split(s, old, limit: count)
        if parts.isEmpty { parts = [s] }
        // Measured before joining: a long replacement for each of many matches is a big string.
        let joints = new.utf8.count.multipliedSaturated(by: parts.count - 1)
        try requireQuota(parts.reduce(joints) { $0.addingSaturated($1.utf8.count) })
        return parts.joined(separator: new)
    }

    /// Refuses a string of `bytes` before it is built when it would pass the memory quota.
    static func requireQuota(_ bytes: Int) throws {
        guard bytes <= YaqlEvaluator.memoryQuota else {
            throw YaqlRuntimeError("expression exceeds the memory quota of \(YaqlEvaluator.memoryQuota)")
        }
    }

    /// Python's `str.split(sep, maxsplit)`.
    static func split(_ s: String, _ separator: String, limit: Int) -> [String] {
        var out: [String] = []
        var rest = Substring(s)
        while limit < 0 || out.count < limit, let range = rest.range(of: separator) {
            out.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        out.append(String(rest))
        return out
    }

    /// Python's `str.format` with `{}` and `{N}` fields (no format specs).
    static func format(_ template: String, _ values: [Value]) throws -> String {
        var out = ""
        var automatic = 0
        var chars = template[...]
        while let c = chars.popFirst() {
            if c == "{" {
                if chars.first == "{" { chars.removeFirst(); out.append("{"); continue }
                guard let close = chars.firstIndex(of: "}") else { throw YaqlRuntimeError("format(): unmatched '{'") }
                let field = String(chars[..<close])
                chars = chars[chars.index(after: close)...]
                let position: Int
                if field.isEmpty { position = automatic; automatic += 1 } else {
                    guard let n = Int(field) else { throw YaqlRuntimeError("format(): unsupported field '{\(field)}'") }
                    position = n
                }
                guard values.indices.contains(position) else { throw YaqlRuntimeError("format(): no argument \(position)") }
                out += values[position].stringValue ?? repr(values[position])
            } else if c == "}" {
                if chars.first == "}" { chars.removeFirst() }
                out.append("}")
            } else {
                out.append(c)
            }
        }
        return out
    }
}
