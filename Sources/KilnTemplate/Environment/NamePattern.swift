/// Python's `fnmatch.fnmatchcase`: `*`, `?`, `[seq]` and `[!seq]`, case-sensitive.
enum NamePattern {
    static func matches(_ name: String, _ pattern: String) -> Bool {
        match(Array(name), 0, Array(pattern), 0)
    }

    private static func match(_ name: [Character], _ n: Int, _ pattern: [Character], _ p: Int) -> Bool {
        var n = n, p = p
        while p < pattern.count {
            switch pattern[p] {
            case "*":
                // Collapse runs of `*`, then try every split point.
                while p < pattern.count && pattern[p] == "*" { p += 1 }
                if p == pattern.count { return true }
                for start in n...name.count where match(name, start, pattern, p) { return true }
                return false
            case "?":
                guard n < name.count else { return false }
                n += 1
                p += 1
            case "[":
                guard let (matched, next) = bracket(pattern, p, name: name, n) else {
                    // An unclosed `[` is literal, as in fnmatch.
                    guard n < name.count, name[n] == "[" else { return false }
                    n += 1
                    p += 1
                    continue
                }
                guard matched else { return false }
                n += 1
                p = next
            default:
                guard n < name.count, name[n] == pattern[p] else { return false }
                n += 1
                p += 1
            }
        }
        return n == name.count
    }

    /// Whether `name[n]` is in the bracket set at `pattern[p]`, and where the set ends.
    private static func bracket(_ pattern: [Character], _ p: Int, name: [Character], _ n: Int) -> (Bool, Int)? {
        var i = p + 1
        var negate = false
        if i < pattern.count && pattern[i] == "!" {
            negate = true
            i += 1
        }
        let start = i
        var inSet = false
        let c = n < name.count ? name[n] : nil
        while i < pattern.count && (pattern[i] != "]" || i == start) {
            if i + 2 < pattern.count && pattern[i + 1] == "-" && pattern[i + 2] != "]" {
                if let c, pattern[i] <= c && c <= pattern[i + 2] { inSet = true }
                i += 3
            } else {
                if let c, pattern[i] == c { inSet = true }
                i += 1
            }
        }
        guard i < pattern.count else { return nil }
        guard c != nil else { return (false, i + 1) }
        return (inSet != negate, i + 1)
    }
}
