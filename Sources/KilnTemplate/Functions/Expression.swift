import KilnModel
/// A template value with its intrinsic function calls parsed once, up front. Dependencies,
/// references and values all come from walking this tree.
public indirect enum Expression: Sendable {
    case literal(Scalar, SourceLocation)
    case list([Expression], SourceLocation)
    case map([ExpressionEntry], SourceLocation)
    case call(FunctionCall)

    public var location: SourceLocation {
        switch self {
        case .literal(_, let at), .list(_, let at), .map(_, let at): return at
        case .call(let call): return call.location
        }
    }

    /// The literal string, when the expression is one.
    public var literalString: String? {
        if case .literal(.string(let s), _) = self { return s }
        return nil
    }

    /// True when no function call appears anywhere inside.
    public var isStatic: Bool {
        switch self {
        case .literal: return true
        case .list(let items, _): return items.allSatisfy(\.isStatic)
        case .map(let entries, _): return entries.allSatisfy(\.value.isStatic)
        case .call: return false
        }
    }

    /// The value of a static expression.
    public var staticValue: Value? {
        switch self {
        case .literal(let scalar, _): return Value(scalar)
        case .list(let items, _):
            var values: [Value] = []
            for item in items {
                guard let v = item.staticValue else { return nil }
                values.append(v)
            }
            return .list(values)
        case .map(let entries, _):
            var map = ValueMap.ordered(minimumCapacity: entries.count)  // the source's order, as Heat's
            for entry in entries {
                guard let v = entry.value.staticValue else { return nil }
                map[entry.key] = v
            }
            return .map(map)
        case .call: return nil
        }
    }

    /// Every reference made anywhere in the tree, in source order.
    public var references: [Reference] {
        var out: [Reference] = []
        collectReferences(into: &out)
        return out
    }

    func collectReferences(into out: inout [Reference]) {
        switch self {
        case .literal: break
        case .list(let items, _): for item in items { item.collectReferences(into: &out) }
        case .map(let entries, _): for entry in entries { entry.value.collectReferences(into: &out) }
        case .call(let call):
            out.append(contentsOf: call.function.references)
            for child in call.function.children { child.collectReferences(into: &out) }
        }
    }

    /// Every function call in the tree, outermost first.
    public var calls: [FunctionCall] {
        var out: [FunctionCall] = []
        func walk(_ e: Expression) {
            switch e {
            case .literal: break
            case .list(let items, _): items.forEach(walk)
            case .map(let entries, _): entries.forEach { walk($0.value) }
            case .call(let call):
                out.append(call)
                call.function.children.forEach(walk)
            }
        }
        walk(self)
        return out
    }

    /// The value of the key in a map expression.
    public subscript(key: String) -> Expression? {
        guard case .map(let entries, _) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    public var mapEntries: [ExpressionEntry]? {
        if case .map(let entries, _) = self { return entries }
        return nil
    }
}

public struct ExpressionEntry: Sendable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: Expression

    public init(key: String, keyLocation: SourceLocation, value: Expression) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}

/// One intrinsic function call as written: `{get_attr: [server, first_address]}`.
public struct FunctionCall: Sendable {
    /// The name as written (`get_attr`, `Fn::GetAtt`).
    public let name: String
    public let location: SourceLocation
    public let function: any TemplateFunction

    public init(name: String, location: SourceLocation, function: any TemplateFunction) {
        self.name = name
        self.location = location
        self.function = function
    }
}

/// What an expression points at. Validation checks each target exists; the engine
/// builds the dependency graph from the resource ones.
public enum Reference: Hashable, Sendable {
    case parameter(String, SourceLocation)
    case resource(String, SourceLocation)
    /// `attribute` is nil for "all attributes" or when the name is computed at run time.
    case attribute(resource: String, attribute: String?, SourceLocation)
    case condition(String, SourceLocation)
    case file(String, SourceLocation)
    case mapping(String, SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .parameter(_, let at), .resource(_, let at), .condition(_, let at), .file(_, let at),
             .mapping(_, let at), .attribute(_, _, let at):
            return at
        }
    }

    /// The resource this reference depends on, if any.
    public var resourceName: String? {
        switch self {
        case .resource(let name, _), .attribute(let name, _, _): return name
        default: return nil
        }
    }
}
