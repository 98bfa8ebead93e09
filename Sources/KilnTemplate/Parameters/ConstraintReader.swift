import Foundation

/// The kinds of parameter constraint, with the parameter types each applies to (Heat's `valid_types`).
enum ConstraintKind: String, CaseIterable, Sendable {
    case length, range, modulo
    case allowedValues = "allowed_values", allowedPattern = "allowed_pattern"
    case customConstraint = "custom_constraint"

    var appliesTo: Set<ParameterType> {
        switch self {
        case .length: return [.string, .commaDelimitedList, .json]
        case .range, .modulo: return [.number]
        case .allowedValues, .customConstraint: return [.string, .number, .boolean, .commaDelimitedList]
        case .allowedPattern: return [.string]
        }
    }
}

extension ParameterConstraint {
    var kind: ConstraintKind {
        switch self {
        case .length: return .length
        case .range: return .range
        case .modulo: return .modulo
        case .allowedValues: return .allowedValues
        case .allowedPattern: return .allowedPattern
        case .customConstraint: return .customConstraint
        }
    }
}

/// A constraint with where its kind is written and how (`length`, `MinLength`, ...).
struct LocatedConstraint {
    var constraint: ParameterConstraint
    var location: SourceLocation
    var spelling: String
}

/// Reads `constraints:` (HOT) or the CFN constraint keys, checking each constraint's own shape.
struct ConstraintReader {
    let version: TemplateVersion
    let catalog: any ConstraintCatalog
    var diagnostics = Diagnostics()

    init(version: TemplateVersion, catalog: any ConstraintCatalog) {
        self.version = version
        self.catalog = catalog
    }

    private var hotKeys: [String] { ["description"] + version.constraintKeys }

    // MARK: HOT

    mutating func readHOT(_ node: Node, parameter: String) -> [LocatedConstraint] {
        guard let items = node.sequence else {
            diagnostics.error(
                node.location, "Invalid parameter constraints for parameter \(parameter), expected a list",
                expected: "a list", found: node.shapeName)
            return []
        }
        return items.compactMap { readHOTItem($0) }
    }

    private mutating func readHOTItem(_ item: Node) -> LocatedConstraint? {
        guard let entries = item.mapping else {
            diagnostics.error(
                item.location, "Invalid parameter constraints, expected a mapping", expected: "a mapping",
                found: item.shapeName)
            return nil
        }
        var description: String?
        var kinds: [(ConstraintKind, Entry)] = []
        var badKey = false
        for entry in entries {
            if entry.key == "description" {
                if let text = entry.value.string {
                    description = text
                } else {
                    diagnostics.error(
                        entry.value.location, "constraint description must be a string", expected: "a string",
                        found: entry.value.shapeName)
                }
            } else if let kind = ConstraintKind(rawValue: entry.key), version.allows(kind) {
                kinds.append((kind, entry))
            } else if entry.key == ConstraintKind.modulo.rawValue {
                badKey = true
                diagnostics.error(
                    entry.keyLocation, "modulo constraint requires heat_template_version 2017-02-24 or later",
                    expected: "one of \(hotKeys.joined(separator: ", "))", found: "'modulo'")
            } else {
                badKey = true
                diagnostics.error(
                    entry.keyLocation, "Invalid key '\(entry.key)' for parameter constraints",
                    expected: "one of \(hotKeys.joined(separator: ", "))", found: "'\(entry.key)'")
            }
        }
        guard let (kind, entry) = kinds.first else {
            if !badKey {
                diagnostics.error(
                    item.location, "No constraint expressed",
                    expected: "one of \(version.constraintKeys.joined(separator: ", "))")
            }
            return nil
        }
        for (_, extra) in kinds.dropFirst() {
            diagnostics.error(
                extra.keyLocation, "a constraint item expresses one constraint; '\(entry.key)' is already given",
                expected: "a separate list item for '\(extra.key)'")
        }
        guard let constraint = readKind(kind, entry.value, description: description) else { return nil }
        return LocatedConstraint(constraint: constraint, location: entry.keyLocation, spelling: kind.rawValue)
    }

    private mutating func readKind(_ kind: ConstraintKind, _ node: Node, description: String?) -> ParameterConstraint? {
        switch kind {
        case .length: return readLength(node, description: description)
        case .range: return readRange(node, description: description)
        case .modulo: return readModulo(node, description: description)
        case .allowedValues: return readAllowedValues(node, description: description)
        case .allowedPattern: return readPattern(node, description: description)
        case .customConstraint: return readCustom(node, description: description)
        }
    }

    private mutating func bounds(_ node: Node, kind: String, keys: [String]) -> [String: Node]? {
        guard let entries = node.mapping else {
            diagnostics.error(
                node.location, "Invalid \(kind) constraint, expected a mapping", expected: "a mapping",
                found: node.shapeName)
            return nil
        }
        var found: [String: Node] = [:]
        for entry in entries {
            if keys.contains(entry.key) {
                found[entry.key] = entry.value
            } else {
                diagnostics.error(
                    entry.keyLocation, "Invalid key '\(entry.key)' for \(kind) constraint",
                    expected: "one of \(keys.joined(separator: ", "))", found: "'\(entry.key)'")
            }
        }
        return found
    }

    private mutating func readLength(_ node: Node, description: String?) -> ParameterConstraint? {
        guard let keys = bounds(node, kind: "length", keys: ["min", "max"]) else { return nil }
        return makeLength(min: keys["min"], max: keys["max"], at: node.location, description: description)
    }

    private mutating func readRange(_ node: Node, description: String?) -> ParameterConstraint? {
        guard let keys = bounds(node, kind: "range", keys: ["min", "max"]) else { return nil }
        return makeRange(min: keys["min"], max: keys["max"], at: node.location, description: description)
    }

    private mutating func readModulo(_ node: Node, description: String?) -> ParameterConstraint? {
        guard let keys = bounds(node, kind: "modulo", keys: ["step", "offset"]) else { return nil }
        guard let stepNode = keys["step"], let offsetNode = keys["offset"] else {
            diagnostics.error(
                node.location, "A modulo constraint must have a step value and an offset value specified.",
                expected: "'step' and 'offset'")
            return nil
        }
        let step = integer(stepNode, "step/offset must be integer")
        let offset = integer(offsetNode, "step/offset must be integer")
        guard let step, let offset else { return nil }
        if step == 0 {
            diagnostics.error(stepNode.location, "step cannot be 0.", expected: "a non-zero integer", found: "0")
            return nil
        }
        if offset.magnitude >= step.magnitude {
            diagnostics.error(
                offsetNode.location, "offset must be smaller (by absolute value) than step.",
                expected: "abs(offset) < \(step.magnitude)", found: String(offset))
            return nil
        }
        if (step < 0) != (offset < 0) && offset != 0 {
            diagnostics.error(offsetNode.location, "step and offset must be both positive or both negative.")
            return nil
        }
        return .modulo(step: step, offset: offset, description: description)
    }

    private mutating func readAllowedValues(_ node: Node, description: String?) -> ParameterConstraint? {
        guard let items = node.sequence else {
            diagnostics.error(
                node.location, "AllowedValues must be a list", expected: "a list", found: node.shapeName)
            return nil
        }
        return .allowedValues(items.map(\.value), description: description)
    }

    private mutating func readPattern(_ node: Node, description: String?) -> ParameterConstraint? {
        guard let pattern = node.string else {
            diagnostics.error(
                node.location, "AllowedPattern must be a string", expected: "a string", found: node.shapeName)
            return nil
        }
        if let problem = PatternMatcher.problem(in: pattern) {
            diagnostics.error(
                node.location, "Invalid allowed_pattern '\(pattern)': \(problem)", expected: "a regular expression")
            return nil
        }
        return .allowedPattern(pattern, description: description)
    }

    private mutating func readCustom(_ node: Node, description: String?) -> ParameterConstraint? {
        guard let name = node.string else {
            diagnostics.error(
                node.location, "custom_constraint must be a string", expected: "a constraint name",
                found: node.shapeName)
            return nil
        }
        guard catalog.constraint(named: name) != nil else {
            diagnostics.error(
                node.location, "Unknown custom_constraint '\(name)'",
                expected: "a registered constraint name (e.g. ip_addr, nova.flavor)", found: "'\(name)'")
            return nil
        }
        return .customConstraint(name, description: description)
    }

    // MARK: CFN

    mutating func readCFN(_ node: Node, description: String?) -> [LocatedConstraint] {
        var out: [LocatedConstraint] = []
        let minValue = node["MinValue"], maxValue = node["MaxValue"]
        if let first = firstKey(node, ["MinValue", "MaxValue"]),
            let range = makeRange(min: minValue, max: maxValue, at: first.keyLocation, description: description)
        {
            out.append(LocatedConstraint(constraint: range, location: first.keyLocation, spelling: first.key))
        }
        let minLength = node["MinLength"], maxLength = node["MaxLength"]
        if let first = firstKey(node, ["MinLength", "MaxLength"]),
            let length = makeLength(min: minLength, max: maxLength, at: first.keyLocation, description: description)
        {
            out.append(LocatedConstraint(constraint: length, location: first.keyLocation, spelling: first.key))
        }
        if let entry = firstKey(node, ["AllowedValues"]),
            let values = readAllowedValues(entry.value, description: description)
        {
            out.append(LocatedConstraint(constraint: values, location: entry.keyLocation, spelling: entry.key))
        }
        if let entry = firstKey(node, ["AllowedPattern"]), let pattern = readPattern(entry.value, description: description) {
            out.append(LocatedConstraint(constraint: pattern, location: entry.keyLocation, spelling: entry.key))
        }
        return out
    }

    private func firstKey(_ node: Node, _ keys: [String]) -> Entry? {
        node.mapping?.first { keys.contains($0.key) }
    }

    // MARK: Bounds

    private mutating func makeRange(min: Node?, max: Node?, at location: SourceLocation, description: String?)
        -> ParameterConstraint?
    {
        let low = min.map { number($0, "min/max must be numeric") }
        let high = max.map { number($0, "min/max must be numeric") }
        if low == .some(nil) || high == .some(nil) { return nil }
        let lower = low.flatMap { $0 }, upper = high.flatMap { $0 }
        if lower == nil && upper == nil {
            diagnostics.error(
                location, "A range constraint must have a min value and/or a max value specified.",
                expected: "'min' and/or 'max'")
            return nil
        }
        if let lower, let upper, lower > upper, let max {
            diagnostics.error(
                max.location, "range min \(ConstraintText.number(lower)) is greater than max \(ConstraintText.number(upper))",
                expected: "max >= \(ConstraintText.number(lower))", found: ConstraintText.number(upper))
            return nil
        }
        return .range(min: lower, max: upper, description: description)
    }

    private mutating func makeLength(min: Node?, max: Node?, at location: SourceLocation, description: String?)
        -> ParameterConstraint?
    {
        let low = min.map { integer($0, "min/max length must be integral") }
        let high = max.map { integer($0, "min/max length must be integral") }
        if low == .some(nil) || high == .some(nil) { return nil }
        let lower = low.flatMap { $0 }, upper = high.flatMap { $0 }
        if lower == nil && upper == nil {
            diagnostics.error(
                location, "A length constraint must have a min value and/or a max value specified.",
                expected: "'min' and/or 'max'")
            return nil
        }
        if let lower, let upper, lower > upper, let max {
            diagnostics.error(
                max.location, "length min \(lower) is greater than max \(upper)", expected: "max >= \(lower)",
                found: String(upper))
            return nil
        }
        return .length(min: lower, max: upper, description: description)
    }

    /// A number, or numeric text (Heat's `get_num` converts strings).
    private mutating func number(_ node: Node, _ message: String) -> Double? {
        switch node.scalar {
        case .int(let value): return Double(value)
        case .double(let value) where value.isFinite: return value
        case .string(let text):
            if case .success(let value) = ParameterCoercion.number(from: text), let number = value.numberValue {
                return number
            }
        default: break
        }
        diagnostics.error(node.location, message, expected: "a number", found: ParameterSyntax.found(node))
        return nil
    }

    private mutating func integer(_ node: Node, _ message: String) -> Int? {
        switch node.scalar {
        case .int(let value): return value
        case .double(let value) where value.isFinite && value == value.rounded() && value.magnitude < 1e15:
            return Int(value)
        case .string(let text):
            if let value = Int(text.trimmingCharacters(in: .whitespaces)) { return value }
        default: break
        }
        diagnostics.error(node.location, message, expected: "an integer", found: ParameterSyntax.found(node))
        return nil
    }
}
