import KilnModel
/// What functions need from the world around a template: parameter values, resources'
/// references and attributes, files, conditions. Validation supplies parameters, files and
/// conditions only; the engine supplies live resources.
public protocol EvaluationContext: Sendable {
    /// A parameter's value (declared or pseudo parameter such as `OS::stack_name`), nil if unknown.
    func parameter(_ name: String) -> Value?
    /// `get_resource` / `Ref` to a resource: its reference id.
    func resourceReference(_ name: String) throws -> Value
    /// `get_attr: [name, attribute, path...]`'s attribute before any path is applied.
    func resourceAttribute(_ name: String, _ attribute: String) throws -> Value
    /// `get_attr: [name]` (2015-10-15+): every attribute as a map.
    func resourceAttributes(_ name: String) throws -> Value
    /// `get_file` content by key of the files map.
    func file(_ key: String) -> String?
    /// A named condition's truth.
    func condition(_ name: String) throws -> Bool
    /// `resource_facade: metadata | deletion_policy | update_policy` inside a provider template.
    func resourceFacade(_ section: String) throws -> Value
    /// CFN `Mappings` section, for `Fn::FindInMap`.
    func mapping(_ name: String) -> Value?
    /// Availability zones, for `Fn::GetAZs`.
    func availabilityZones() -> [String]
}

public struct UnavailableError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension EvaluationContext {
    public func resourceReference(_ name: String) throws -> Value {
        throw UnavailableError("the reference of resource '\(name)' is known only once it exists")
    }
    public func resourceAttribute(_ name: String, _ attribute: String) throws -> Value {
        throw UnavailableError("attribute '\(attribute)' of resource '\(name)' is known only once it exists")
    }
    public func resourceAttributes(_ name: String) throws -> Value {
        throw UnavailableError("the attributes of resource '\(name)' are known only once it exists")
    }
    public func file(_ key: String) -> String? { nil }
    public func condition(_ name: String) throws -> Bool {
        throw UnavailableError("condition '\(name)' is not defined")
    }
    public func resourceFacade(_ section: String) throws -> Value {
        throw UnavailableError("resource_facade is only available inside a provider template")
    }
    public func mapping(_ name: String) -> Value? { nil }
    public func availabilityZones() -> [String] { ["nova"] }
}

/// A context with fixed values, for validation, tests and outputs of finished stacks.
public struct StaticContext: EvaluationContext {
    public var parameters: [String: Value]
    public var files: [String: String]
    public var conditions: [String: Bool]
    public var mappings: [String: Value]
    public var references: [String: Value]
    public var attributes: [String: [String: Value]]
    public var facade: [String: Value]?

    public init(
        parameters: [String: Value] = [:], files: [String: String] = [:], conditions: [String: Bool] = [:],
        mappings: [String: Value] = [:], references: [String: Value] = [:],
        attributes: [String: [String: Value]] = [:], facade: [String: Value]? = nil
    ) {
        self.parameters = parameters
        self.files = files
        self.conditions = conditions
        self.mappings = mappings
        self.references = references
        self.attributes = attributes
        self.facade = facade
    }

    public func parameter(_ name: String) -> Value? { parameters[name] }
    public func file(_ key: String) -> String? { files[key] }
    public func mapping(_ name: String) -> Value? { mappings[name] }

    public func condition(_ name: String) throws -> Bool {
        guard let value = conditions[name] else { throw UnavailableError("condition '\(name)' is not defined") }
        return value
    }

    public func resourceReference(_ name: String) throws -> Value {
        guard let value = references[name] else {
            throw UnavailableError("the reference of resource '\(name)' is known only once it exists")
        }
        return value
    }

    public func resourceAttribute(_ name: String, _ attribute: String) throws -> Value {
        guard let attrs = attributes[name] else {
            throw UnavailableError("attribute '\(attribute)' of resource '\(name)' is known only once it exists")
        }
        return attrs[attribute] ?? .null
    }

    public func resourceAttributes(_ name: String) throws -> Value {
        guard let attrs = attributes[name] else {
            throw UnavailableError("the attributes of resource '\(name)' are known only once it exists")
        }
        return .map(attrs)
    }

    public func resourceFacade(_ section: String) throws -> Value {
        guard let facade else {
            throw UnavailableError("resource_facade is only available inside a provider template")
        }
        return facade[section] ?? .null
    }
}

/// Evaluates expressions against a context. Functions call back into it for their arguments.
public struct EvaluationScope: Sendable {
    public let context: any EvaluationContext
    public let version: TemplateVersion

    public init(context: any EvaluationContext, version: TemplateVersion) {
        self.context = context
        self.version = version
    }

    /// The value of an expression; an omitted (nil) value at the top becomes null.
    public func value(of expression: Expression) throws -> Value {
        try evaluate(expression) ?? .null
    }

    /// The value of an expression, or nil when a wallaby two-argument `if` removed it.
    public func evaluate(_ expression: Expression) throws -> Value? {
        switch expression {
        case .literal(let scalar, _):
            return Value(scalar)
        case .list(let items, _):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items {
                if let v = try evaluate(item) { values.append(v) }
            }
            return .list(values)
        case .map(let entries, _):
            var map = [String: Value](minimumCapacity: entries.count)
            for entry in entries {
                if let v = try evaluate(entry.value) { map[entry.key] = v }
            }
            return .map(map)
        case .call(let call):
            do {
                return try call.function.evaluate(self)
            } catch let error as EvaluationError {
                throw error
            } catch {
                throw EvaluationError("\(call.name): \(error)", at: call.location)
            }
        }
    }

    public func fail(_ message: String, at location: SourceLocation) -> EvaluationError {
        EvaluationError(message, at: location)
    }
}
