import KilnModel
// The functions that read from the stack around the template: parameters, resources,
// their attributes, attached files and the facade of a provider template.

/// `get_param: name` or `get_param: [name, path...]`.
public struct GetParam: TemplateFunction {
    let site: FunctionSite
    let arguments: Expression
    let literalName: String?

    static let form = "a parameter name or a list [name, path...]"

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> GetParam? {
        let node = site.arguments
        switch node.kind {
        case .scalar(.string(let name)) where !name.isEmpty:
            return GetParam(site: site, arguments: parser.parse(node), literalName: name)
        case .sequence(let items):
            guard let first = items.first else {
                return site.reject(&parser, "invalid arguments", expected: form, found: "an empty list")
            }
            if !site.isCall(first, parser), first.string?.isEmpty != false {
                return site.reject(&parser, "the parameter name must be a string", expected: "a parameter name", at: first)
            }
            return GetParam(site: site, arguments: parser.parse(node), literalName: first.string)
        case .mapping where site.isCall(node, parser):
            return GetParam(site: site, arguments: parser.parse(node), literalName: nil)
        default:
            return site.reject(&parser, "invalid arguments", expected: form)
        }
    }

    public var children: [Expression] { [arguments] }

    public var references: [Reference] {
        guard let literalName else { return [] }
        return [.parameter(literalName, nameLocation)]
    }

    private var nameLocation: SourceLocation {
        if case .list(let items, _) = arguments, let first = items.first { return first.location }
        return arguments.location
    }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        let resolved = try scope.value(of: arguments)
        let name: Value
        var path: [Value] = []
        switch resolved {
        case .string: name = resolved
        case .list(let items) where !items.isEmpty:
            name = items[0]
            path = Array(items.dropFirst())
        default:
            throw site.evaluationError("arguments must be a parameter name or a list [name, path...], found \(resolved.kindName)")
        }
        guard case .string(let parameterName) = name, !parameterName.isEmpty else {
            throw site.evaluationError("the parameter name must be a string, found \(name.kindName)")
        }
        guard let value = scope.context.parameter(parameterName) else {
            throw site.evaluationError("The Parameter (\(parameterName)) was not provided.")
        }
        // Heat turns every failed step (missing key, bad index, scalar) into "".
        return PathSelection.select(path, from: value, numericStringIndexes: true) ?? ""
    }
}

/// `get_resource: name`: the resource's reference id.
public struct GetResource: TemplateFunction {
    let site: FunctionSite
    let resourceName: String

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> GetResource? {
        guard let name = site.arguments.string, !name.isEmpty else {
            return site.reject(&parser, "the resource name must be a literal string", expected: "a resource name")
        }
        return GetResource(site: site, resourceName: name)
    }

    public var children: [Expression] { [] }
    public var references: [Reference] { [.resource(resourceName, site.arguments.location)] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        try scope.context.resourceReference(resourceName)
    }
}

/// `get_attr: [resource, attribute, path...]`, and from 2015-10-15 `get_attr: [resource]` for
/// every attribute. 2013-05-23 selects the path from the fetched value and later versions pass
/// it to the resource; for the values Kiln's resources return both give the same result.
public struct GetAttr: TemplateFunction {
    let site: FunctionSite
    let resourceName: String
    let resourceLocation: SourceLocation
    /// nil for the all-attributes form.
    let attribute: Expression?
    let path: [Expression]

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> GetAttr? {
        let allowsAll = site.version >= .v2015_10_15
        let form = allowsAll ? "a list [resource_name] or [resource_name, attribute, path...]"
                             : "a list [resource_name, attribute, path...]"
        guard let items = site.list(&parser, counts: (allowsAll ? 1 : 2)...Int.max, form: form) else { return nil }
        guard let name = items[0].string, !name.isEmpty else {
            return site.reject(&parser, "the resource name must be a literal string", expected: "a resource name", at: items[0])
        }
        var attribute: Expression?
        if items.count > 1 {
            let node = items[1]
            guard node.string != nil || site.isCall(node, parser) else {
                return site.reject(&parser, "the attribute name must be a string", expected: "an attribute name", at: node)
            }
            attribute = parser.parse(node)
        }
        return GetAttr(
            site: site, resourceName: name, resourceLocation: items[0].location, attribute: attribute,
            path: items.dropFirst(2).map { parser.parse($0) })
    }

    public var children: [Expression] { (attribute.map { [$0] } ?? []) + path }

    public var references: [Reference] {
        [.attribute(resource: resourceName, attribute: attribute?.literalString, resourceLocation)]
    }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        guard let attribute else { return try scope.context.resourceAttributes(resourceName) }
        guard case .string(let attributeName) = try scope.value(of: attribute) else {
            throw EvaluationError("\(site.name): the attribute name must be a string", at: attribute.location)
        }
        let value = try scope.context.resourceAttribute(resourceName, attributeName)
        let components = try path.map { try scope.value(of: $0) }
        return PathSelection.select(components, from: value, numericStringIndexes: false) ?? .null
    }
}

/// `get_file: key`: the content of an entry of the request's `files` map.
public struct GetFile: TemplateFunction {
    let site: FunctionSite
    let key: Expression

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> GetFile? {
        guard site.arguments.string?.isEmpty == false || site.isCall(site.arguments, parser) else {
            return site.reject(&parser, "invalid arguments", expected: "a file path or URL")
        }
        return GetFile(site: site, key: parser.parse(site.arguments))
    }

    public var children: [Expression] { [key] }

    public var references: [Reference] {
        guard let literal = key.literalString else { return [] }
        return [.file(literal, key.location)]
    }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        guard case .string(let path) = try scope.value(of: key) else {
            throw site.evaluationError("the argument must be a string")
        }
        guard let content = scope.context.file(path) else {
            throw site.evaluationError("no content found in the \"files\" section for path: \(path)")
        }
        return .string(content)
    }
}

/// `resource_facade: metadata | deletion_policy | update_policy`, inside a provider template.
public struct ResourceFacade: TemplateFunction {
    let section: String

    static let sections = ["metadata", "deletion_policy", "update_policy"]

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> ResourceFacade? {
        guard let section = site.arguments.string, sections.contains(section) else {
            let found = site.arguments.string.map { "'\($0)'" }
            return site.reject(&parser, "invalid arguments", expected: "one of \(sections.joined(separator: ", "))", found: found)
        }
        return ResourceFacade(section: section)
    }

    public var children: [Expression] { [] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        try scope.context.resourceFacade(section)
    }
}

/// Walking `[key, index, ...]` into a value, as get_param and get_attr do.
enum PathSelection {
    /// nil when a step fails: a missing key, an index out of range, a scalar to walk into.
    /// `numericStringIndexes`: get_param accepts "1" as a list index; attribute paths do not.
    static func select(_ path: [Value], from value: Value, numericStringIndexes: Bool) -> Value? {
        var current = value
        for key in path {
            switch (current, key) {
            case (.map(let map), .string(let k)):
                guard let next = map[k] else { return nil }
                current = next
            case (.list(let items), _):
                guard let index = index(key, count: items.count, numericStrings: numericStringIndexes) else { return nil }
                current = items[index]
            case (.string(let s), _):
                // Python strings are sequences too: indexing yields one character.
                let scalars = Array(s.unicodeScalars)
                guard let index = index(key, count: scalars.count, numericStrings: numericStringIndexes) else { return nil }
                current = .string(String(scalars[index]))
            default:
                return nil
            }
        }
        return current
    }

    /// A Python sequence index (negative counts from the end), nil when invalid or out of range.
    private static func index(_ key: Value, count: Int, numericStrings: Bool) -> Int? {
        let raw: Int?
        switch key {
        case .int(let i): raw = i
        case .bool(let b): raw = b ? 1 : 0
        case .string where numericStrings: raw = key.pythonInt
        default: raw = nil
        }
        guard let raw else { return nil }
        let index = raw < 0 ? raw + count : raw
        return (0..<count).contains(index) ? index : nil
    }
}
