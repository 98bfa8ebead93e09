import Foundation
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
    /// What the calls evaluated in this scope (and any sharing the budget) have built.
    public let budget: EvaluationBudget

    public init(context: any EvaluationContext, version: TemplateVersion, budget: EvaluationBudget = EvaluationBudget()) {
        self.context = context
        self.version = version
        self.budget = budget
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
            var map = ValueMap.ordered(minimumCapacity: entries.count)  // the source's order, as Heat's
            for entry in entries {
                if let v = try evaluate(entry.value) { map[entry.key] = v }
            }
            return .map(map)
        case .call(let call):
            let result: Value?
            do {
                result = try call.function.evaluate(self)
            } catch let error as EvaluationError {
                throw error
            } catch {
                throw EvaluationError("\(call.name): \(error)", at: call.location)
            }
            if let result, !Self.passingThrough.contains(call.name) {
                try budget.charge(ResultSize.checked(result, of: call.name, at: call.location), by: call.name, at: call.location)
            }
            return result
        }
    }

    /// Functions that hand back a value that already exists (a parameter, an attribute, a
    /// file, a branch) and build nothing: their results are neither measured nor charged.
    static let passingThrough: Set<String> = [
        "get_param", "get_attr", "get_resource", "get_file", "resource_facade", "if",
        "Ref", "Fn::GetAtt", "Fn::FindInMap", "Fn::Select", "Fn::ResourceFacade", "Fn::If", "Fn::Base64",
    ]

    public func fail(_ message: String, at location: SourceLocation) -> EvaluationError {
        EvaluationError(message, at: location)
    }
}

/// What the function calls of one template have built so far, against the totals of
/// `EvaluationLimits`. One budget is shared by every scope of a validation, so it is a
/// reference, and locked: resources are checked on several threads. Once the total is
/// passed every later charge fails with the same error, which the template reports once
/// (diagnostics drop repeats).
public final class EvaluationBudget: @unchecked Sendable {
    let maxItems: Int
    let maxBytes: Int
    private let lock = NSLock()
    private var items = 0
    private var bytes = 0
    private var failure: EvaluationError?

    public init(maxItems: Int = EvaluationLimits.maxTotalItems, maxBytes: Int = EvaluationLimits.maxTotalBytes) {
        self.maxItems = maxItems
        self.maxBytes = maxBytes
    }

    /// Records what `name` built at `location`; throws once the total passes a limit.
    func charge(_ size: ResultSize, by name: String, at location: SourceLocation) throws(EvaluationError) {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
        items = items.addingSaturated(size.items)
        bytes = bytes.addingSaturated(size.bytes)
        let over = items > maxItems ? "\(maxItems) items" : bytes > maxBytes ? "\(maxBytes) bytes" : nil
        guard let over else { return }
        let failure = EvaluationError(
            "\(name): the results of all the template's functions together pass the limit of \(over)", at: location)
        self.failure = failure
        throw failure
    }
}

/// The size of a function result as whoever uses it will expand it: list items and map
/// entries at any depth, and the UTF-8 bytes of every string and key. A list that holds
/// the same big value many times counts it each time (as JSON text would).
struct ResultSize: Sendable, Equatable {
    var items = 0
    var bytes = 0
    /// Levels of lists and maps.
    var depth = 0

    static let maxDepth = EvaluationLimits.maxResultDepth

    var isWithinLimits: Bool {
        items <= EvaluationLimits.maxResultItems && bytes <= EvaluationLimits.maxResultBytes && depth <= Self.maxDepth
    }

    /// The size of `value`; the walk stops as soon as a single-result limit is passed, so a
    /// value sharing one large list many times is still measured quickly.
    static func of(_ value: Value) -> ResultSize {
        var size = ResultSize()
        size.add(value, depth: 0)
        return size
    }

    private mutating func add(_ value: Value, depth level: Int) {
        guard isWithinLimits else { return }
        switch value {
        case .string(let s): bytes = bytes.addingSaturated(s.utf8.count)
        case .list(let list):
            depth = max(depth, level + 1)
            items = items.addingSaturated(list.count)
            for item in list { add(item, depth: level + 1) }
        case .map(let map):
            depth = max(depth, level + 1)
            items = items.addingSaturated(map.count)
            for (key, item) in map {
                bytes = bytes.addingSaturated(key.utf8.count)
                add(item, depth: level + 1)
            }
        default: break
        }
    }

    /// The size of a result `name` built, or an error at `location` when it is over a limit.
    static func checked(_ value: Value, of name: String, at location: SourceLocation) throws(EvaluationError) -> ResultSize {
        let size = of(value)
        if size.items > EvaluationLimits.maxResultItems {
            throw EvaluationError("\(name): the result has more than \(EvaluationLimits.maxResultItems) items (the limit)", at: location)
        }
        if size.bytes > EvaluationLimits.maxResultBytes {
            throw EvaluationError("\(name): the result is longer than \(EvaluationLimits.maxResultBytes) bytes (the limit)", at: location)
        }
        if size.depth > maxDepth {
            throw EvaluationError("\(name): the result is nested more than \(maxDepth) levels deep (the limit)", at: location)
        }
        return size
    }

    /// Refuses, before it is built, a result whose size was worked out first.
    static func require(items: Int = 0, bytes: Int = 0, of name: String, at location: SourceLocation) throws(EvaluationError) {
        if items > EvaluationLimits.maxResultItems {
            throw EvaluationError("\(name): the result would have \(items) items (limit \(EvaluationLimits.maxResultItems))", at: location)
        }
        if bytes > EvaluationLimits.maxResultBytes {
            throw EvaluationError("\(name): the result would be \(bytes) bytes long (limit \(EvaluationLimits.maxResultBytes))", at: location)
        }
    }
}

extension Int {
    /// Sizes are compared with limits: past `Int.max` they stay at `Int.max` instead of trapping.
    func addingSaturated(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    func multipliedSaturated(by other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}
