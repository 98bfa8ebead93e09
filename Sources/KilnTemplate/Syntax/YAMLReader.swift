import CLibYAML

/// Reads YAML (or JSON) bytes into a located `Node` tree straight from libyaml's event
/// stream: one pass, no intermediate tree. Rejects what Heat rejects or what would be
/// unsafe: invalid UTF-8, tabs used for indentation, duplicate keys, several documents,
/// unknown tags, input over the size limit, nesting over the depth limit, alias bombs.
public struct YAMLReader: Sendable {
    public var limits: ReaderLimits

    public init(limits: ReaderLimits = .default) { self.limits = limits }

    /// Reads one document. An empty document reads as a null node.
    public func read(_ bytes: [UInt8], file: String) throws(ValidationFailure) -> Node {
        try read(bytes, file: file, duplicateKeysWarn: false).node
    }

    /// Reads as Python's YAML loader does for a file Heat reads but does not check (a provider
    /// template): a duplicate key's last value wins, and each duplicate is a warning returned
    /// beside the tree.
    public func readLeniently(_ bytes: [UInt8], file: String) throws(ValidationFailure) -> (node: Node, warnings: [Diagnostic]) {
        try read(bytes, file: file, duplicateKeysWarn: true)
    }

    private func read(
        _ bytes: [UInt8], file: String, duplicateKeysWarn: Bool
    ) throws(ValidationFailure) -> (node: Node, warnings: [Diagnostic]) {
        if bytes.count > limits.maxBytes {
            throw ValidationFailure([.error(
                at: SourceLocation(file: file, line: 1, column: 1),
                "file is too large",
                expected: "at most \(limits.maxBytes) bytes", found: "\(bytes.count) bytes")])
        }
        if let bad = Self.firstInvalidUTF8(bytes) {
            throw ValidationFailure([.error(
                at: Self.location(ofByte: bad, in: bytes, file: file),
                "file is not valid UTF-8", expected: "UTF-8 text",
                found: "byte 0x\(String(bytes[bad], radix: 16, uppercase: true))")])
        }
        var builder = TreeBuilder(file: file, source: bytes, limits: limits)
        builder.duplicateKeysWarn = duplicateKeysWarn
        let node = try builder.run()
        return (node, builder.warnings)
    }

    public func read(_ text: String, file: String) throws(ValidationFailure) -> Node {
        try read(Array(text.utf8), file: file)
    }

    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let b = bytes[index]
            if b < 0x80 { index += 1; continue }
            let length: Int
            if b & 0xE0 == 0xC0, b >= 0xC2 { length = 2 }
            else if b & 0xF0 == 0xE0 { length = 3 }
            else if b & 0xF8 == 0xF0, b <= 0xF4 { length = 4 }
            else { return index }
            guard index + length <= count else { return index }
            for k in 1..<length where bytes[index + k] & 0xC0 != 0x80 { return index }
            if length == 3 {
                let b1 = bytes[index + 1]
                if b == 0xE0 && b1 < 0xA0 { return index }
                if b == 0xED && b1 >= 0xA0 { return index }
            }
            if length == 4 {
                let b1 = bytes[index + 1]
                if b == 0xF0 && b1 < 0x90 { return index }
                if b == 0xF4 && b1 >= 0x90 { return index }
            }
            index += length
        }
        return nil
    }

    static func location(ofByte offset: Int, in bytes: [UInt8], file: String) -> SourceLocation {
        var line = 1
        var column = 1
        for i in 0..<min(offset, bytes.count) {
            if bytes[i] == 0x0A { line += 1; column = 1 }
            else if bytes[i] & 0xC0 != 0x80 { column += 1 }
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}

/// Builds nodes from libyaml events.
private struct TreeBuilder {
    let file: String
    let fileID: UInt32
    let source: [UInt8]
    let limits: ReaderLimits

    /// An open sequence or mapping. A struct kept in `stack` and changed in place through
    /// `stack[top]`: a class would pay a dynamic exclusivity check on every field access.
    private struct Frame {
        let isMapping: Bool
        let location: SourceLocation
        let anchor: String?
        var weight = 1
        /// Levels of collections inside this one so far (an alias brings its own).
        var height = 0
        var items: [Node] = []
        var entries: [Entry] = []
        /// Keys seen, kept only once a mapping grows past a few entries (a scan is cheaper before).
        var keys: Set<String>?
        var pendingKey: (text: String, location: SourceLocation, isMerge: Bool)?
        var merges: [Node] = []

        init(isMapping: Bool, location: SourceLocation, anchor: String?) {
            self.isMapping = isMapping
            self.location = location
            self.anchor = anchor
        }

        /// Records a key; false when it is already there.
        mutating func insertKey(_ key: String) -> Bool {
            if keys == nil {
                if !entries.contains(where: { $0.key == key }) && pendingKey?.text != key {
                    if entries.count >= 12 { keys = Set(entries.map(\.key)); keys!.insert(key) }
                    return true
                }
                return false
            }
            return keys!.insert(key).inserted
        }
    }

    private var stack: [Frame] = []
    private var anchors: [String: (node: Node, weight: Int, height: Int)] = [:]
    private var root: Node?
    private var documents = 0
    private var totalWeight = 0
    private var diagnostics = Diagnostics()
    /// A duplicate key is a warning and its last value wins (Python's loader), not an error.
    var duplicateKeysWarn = false
    var warnings: [Diagnostic] { diagnostics.warnings }

    init(file: String, source: [UInt8], limits: ReaderLimits) {
        self.file = file
        self.fileID = SourceFiles.shared.id(of: file)
        self.source = source
        self.limits = limits
    }

    mutating func run() throws(ValidationFailure) -> Node {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw ValidationFailure([.error(at: location(line: 0, column: 0), "cannot start the YAML parser")])
        }
        defer { yaml_parser_delete(&parser) }

        return try source.withUnsafeBufferPointer { buffer throws(ValidationFailure) -> Node in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw ValidationFailure([parserError(parser)])
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                if let failure = handle(event) { throw ValidationFailure(diagnostics.all + [failure]) }
            }
            if diagnostics.hasErrors { throw ValidationFailure(diagnostics) }
            return root ?? Node(.null, at: location(line: 0, column: 0))
        }
    }

    private func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(fileID: fileID, line: line + 1, column: column + 1)
    }

    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        location(line: Int(mark.line), column: Int(mark.column))
    }

    private func parserError(_ parser: yaml_parser_t) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let mark = parser.problem_mark
        let at = location(mark)
        let offset = Int(mark.index)
        if offset < source.count, source[offset] == 0x09 || lineHasTabIndent(near: offset) {
            return .error(at: at, "tab character used for indentation", expected: "spaces", found: "a tab")
        }
        var message = problem
        if let context = parser.context.map({ String(cString: $0) }) {
            message = "\(context): \(problem)"
        }
        return .error(at: at, "invalid YAML: \(message)")
    }

    private func lineHasTabIndent(near offset: Int) -> Bool {
        var start = min(offset, source.count - 1)
        while start > 0, source[start - 1] != 0x0A { start -= 1 }
        var i = start
        while i < source.count, source[i] == 0x20 || source[i] == 0x09 {
            if source[i] == 0x09 { return true }
            i += 1
        }
        return false
    }

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    private func cString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// Returns a fatal diagnostic when building cannot go on.
    private mutating func handle(_ event: yaml_event_t) -> Diagnostic? {
        let at = location(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                return .error(at: at, "more than one YAML document", expected: "a single document")
            }
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = string(scalar.value, length: scalar.length)
            let tag = cString(scalar.tag)
            let value: Scalar
            switch resolve(text: text, tag: tag, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE && scalar.plain_implicit == 1) {
            case .success(let resolved): value = resolved
            case .failure(let problem): diagnostics.append(.error(at: at, problem.message)); value = .string(text)
            }
            return deliver(Node(value, at: at), weight: 1, height: 0, anchor: cString(scalar.anchor),
                           keyText: text, keyIsPlainString: true)
        case YAML_ALIAS_EVENT:
            let name = cString(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                return .error(at: at, "unknown YAML alias '*\(name)'")
            }
            var node = target.node
            node.location = at
            // An alias repeats a whole subtree: it is as deep here as it was where it was written.
            if stack.count + target.height > limits.maxDepth { return depthError(at) }
            return deliver(node, weight: target.weight, height: target.height, anchor: nil, keyText: nil,
                           keyIsPlainString: false)
        case YAML_SEQUENCE_START_EVENT:
            if let failure = checkTag(cString(event.data.sequence_start.tag), allowed: "tag:yaml.org,2002:seq", at: at) {
                diagnostics.append(failure)
            }
            if stack.count >= limits.maxDepth { return depthError(at) }
            stack.append(Frame(isMapping: false, location: at, anchor: cString(event.data.sequence_start.anchor)))
        case YAML_MAPPING_START_EVENT:
            if let failure = checkTag(cString(event.data.mapping_start.tag), allowed: "tag:yaml.org,2002:map", at: at) {
                diagnostics.append(failure)
            }
            if stack.count >= limits.maxDepth { return depthError(at) }
            stack.append(Frame(isMapping: true, location: at, anchor: cString(event.data.mapping_start.anchor)))
        case YAML_SEQUENCE_END_EVENT:
            guard let frame = stack.popLast(), !frame.isMapping else { break }
            return deliver(Node(.sequence(frame.items), at: frame.location), weight: frame.weight,
                           height: frame.height + 1, anchor: frame.anchor, keyText: nil, keyIsPlainString: false)
        case YAML_MAPPING_END_EVENT:
            guard var frame = stack.popLast(), frame.isMapping else { break }
            if !frame.merges.isEmpty { applyMerges(frame.merges, into: &frame) }
            return deliver(Node(.mapping(frame.entries), at: frame.location), weight: frame.weight,
                           height: frame.height + 1, anchor: frame.anchor, keyText: nil, keyIsPlainString: false)
        default:
            break
        }
        return nil
    }

    private func depthError(_ at: SourceLocation) -> Diagnostic {
        .error(at: at, "input is nested too deeply", expected: "at most \(limits.maxDepth) levels")
    }

    private func checkTag(_ tag: String?, allowed: String, at: SourceLocation) -> Diagnostic? {
        guard let tag, tag != allowed, tag != "!" else { return nil }
        return .error(at: at, "unsupported YAML tag '\(tag)'")
    }

    private struct TagProblem: Error { var message: String }

    private func resolve(text: String, tag: String?, plain: Bool) -> Result<Scalar, TagProblem> {
        guard let tag, tag != "!" else {
            return .success(plain ? ScalarResolver.resolvePlain(text) : .string(text))
        }
        switch tag {
        case "tag:yaml.org,2002:str": return .success(.string(text))
        case "tag:yaml.org,2002:null": return .success(.null)
        case "tag:yaml.org,2002:bool":
            if case .bool(let b) = ScalarResolver.resolvePlain(text) { return .success(.bool(b)) }
            return .failure(TagProblem(message: "'\(text)' is not a boolean for tag !!bool"))
        case "tag:yaml.org,2002:int":
            if let i = ScalarResolver.integer(text) { return .success(.int(i)) }
            return .failure(TagProblem(message: "'\(text)' is not an integer for tag !!int"))
        case "tag:yaml.org,2002:float":
            if let d = ScalarResolver.float(text) ?? Double(text) { return .success(.double(d)) }
            return .failure(TagProblem(message: "'\(text)' is not a number for tag !!float"))
        case "tag:yaml.org,2002:timestamp": return .success(.string(text))
        default: return .failure(TagProblem(message: "unsupported YAML tag '\(tag)'"))
        }
    }

    /// Hands a finished node to its parent (or makes it the root).
    private mutating func deliver(
        _ node: Node, weight: Int, height: Int, anchor: String?, keyText: String?, keyIsPlainString: Bool
    ) -> Diagnostic? {
        totalWeight += weight
        if totalWeight > limits.maxNodes {
            return .error(
                at: node.location, "document expands to too many nodes (YAML alias expansion)",
                expected: "at most \(limits.maxNodes) nodes")
        }
        if let anchor { anchors[anchor] = (node, weight, height) }
        let top = stack.count - 1
        guard top >= 0 else {
            root = node
            return nil
        }
        stack[top].weight += weight
        stack[top].height = max(stack[top].height, height)
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return nil
        }
        if let pending = stack[top].pendingKey {
            stack[top].pendingKey = nil
            if pending.isMerge {
                stack[top].merges.append(node)
            } else {
                stack[top].entries.append(Entry(key: pending.text, keyLocation: pending.location, value: node))
            }
            return nil
        }
        guard case .scalar(let scalar) = node.kind, let keyText else {
            diagnostics.error(node.location, "mapping key must be a scalar", found: node.shapeName)
            stack[top].pendingKey = ("?", node.location, false)
            return nil
        }
        let text: String
        if case .null = scalar, keyText.isEmpty { text = "null" } else { text = keyText }
        let isMerge = text == "<<" && keyIsPlainString
        if !isMerge, !stack[top].insertKey(text) {
            if duplicateKeysWarn {
                diagnostics.warning(node.location, "duplicate key '\(text)' in mapping: the last value is used", expected: "each key once")
                stack[top].entries.removeAll { $0.key == text }
            } else {
                diagnostics.error(node.location, "duplicate key '\(text)' in mapping", expected: "each key once")
            }
        }
        stack[top].pendingKey = (text, node.location, isMerge)
        return nil
    }

    /// YAML merge keys (`<<: *defaults`): explicit keys win over merged ones.
    private mutating func applyMerges(_ merges: [Node], into frame: inout Frame) {
        var keys = Set(frame.entries.map(\.key))
        for merge in merges {
            let sources: [Node]
            switch merge.kind {
            case .mapping: sources = [merge]
            case .sequence(let items): sources = items
            default:
                diagnostics.error(merge.location, "merge key '<<' needs a mapping or a list of mappings",
                                  found: merge.shapeName)
                continue
            }
            for source in sources {
                guard let merged = source.mapping else {
                    diagnostics.error(source.location, "merge key '<<' needs a mapping", found: source.shapeName)
                    continue
                }
                for entry in merged where keys.insert(entry.key).inserted {
                    frame.entries.append(entry)
                }
            }
        }
    }
}
