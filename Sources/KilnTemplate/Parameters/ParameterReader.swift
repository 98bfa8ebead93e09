import KilnModel
/// Reads one parameter definition (HOT or CFN spelling) into the shared model,
/// reporting each problem at the node that causes it.
struct ParameterReader {
    let name: String
    let location: SourceLocation
    let version: TemplateVersion
    let catalog: any ConstraintCatalog
    var diagnostics = Diagnostics()

    init(name: String, location: SourceLocation, version: TemplateVersion, catalog: any ConstraintCatalog) {
        self.name = name
        self.location = location
        self.version = version
        self.catalog = catalog
    }

    mutating func read(_ node: Node) -> ParameterDefinition? {
        guard let entries = node.mapping else {
            diagnostics.error(
                node.location, "Invalid parameter (\(name)), expected a mapping", expected: "a mapping",
                found: node.shapeName)
            return nil
        }
        let allowed = version.parameterKeys
        for entry in entries where !allowed.contains(entry.key) {
            diagnostics.error(
                entry.keyLocation, "Invalid key '\(entry.key)' for parameter (\(name))",
                expected: "one of \(allowed.joined(separator: ", "))", found: "'\(entry.key)'")
        }
        guard let type = readType(node) else { return nil }
        var definition = ParameterDefinition(name: name, location: location, type: type)
        var located: [LocatedConstraint]
        if version.isHOT {
            located = readHOT(node, into: &definition)
        } else {
            located = readCFN(node, into: &definition)
        }
        located = located.filter { checkApplies($0, to: type) }
        definition.constraints = located.map(\.constraint)
        checkDefault(of: definition)
        return definition
    }

    private mutating func readType(_ node: Node) -> ParameterType? {
        let key = version.isHOT ? "type" : "Type"
        guard let typeNode = node[key] else {
            diagnostics.error(location, "Missing parameter type for parameter: \(name)", expected: "a '\(key)' key")
            return nil
        }
        if let text = typeNode.string, let type = ParameterType(name: text, format: version.format) {
            return type
        }
        // Heat: `Invalid type (strung)` (measured with heat-oracle).
        let shown = typeNode.string ?? ParameterSyntax.found(typeNode)
        diagnostics.error(
            typeNode.location, "Invalid type (\(shown)) for parameter (\(name))",
            expected: "one of \(ParameterType.names(for: version.format).joined(separator: ", "))",
            found: ParameterSyntax.found(typeNode))
        return nil
    }

    // MARK: HOT

    private mutating func readHOT(_ node: Node, into definition: inout ParameterDefinition) -> [LocatedConstraint] {
        definition.description = optionalString(node, "description")
        definition.label = optionalString(node, "label")
        definition.hidden = optionalBool(node, "hidden") ?? false
        definition.immutable = optionalBool(node, "immutable") ?? false
        if version.parameterKeys.contains("tags"), let tagsNode = node["tags"] {
            definition.tags = readTags(tagsNode)
        }
        setDefault(node["default"], on: &definition)
        guard let constraintsNode = node["constraints"], !constraintsNode.isNull else { return [] }
        var reader = ConstraintReader(version: version, catalog: catalog)
        let constraints = reader.readHOT(constraintsNode, parameter: name)
        diagnostics.append(contentsOf: reader.diagnostics)
        return constraints
    }

    private mutating func readTags(_ node: Node) -> [String] {
        guard let items = node.sequence else {
            diagnostics.error(
                node.location, "Tags property should be a list for parameter: \(name)", expected: "a list",
                found: node.shapeName)
            return []
        }
        return items.compactMap { item in
            if let text = item.string { return text }
            diagnostics.error(
                item.location, "a tag of parameter (\(name)) must be a string", expected: "a string",
                found: item.shapeName)
            return nil
        }
    }

    // MARK: CFN

    private mutating func readCFN(_ node: Node, into definition: inout ParameterDefinition) -> [LocatedConstraint] {
        definition.description = optionalString(node, "Description")
        definition.label = optionalString(node, "Label")
        if let noEcho = node["NoEcho"] {
            switch noEcho.scalar {
            case .bool(let flag): definition.hidden = flag
            case .string(let text): definition.hidden = text.lowercased() == "true"
            default:
                diagnostics.error(
                    noEcho.location, "NoEcho of parameter (\(name)) must be true or false", expected: "a boolean",
                    found: noEcho.shapeName)
            }
        }
        setDefault(node["Default"], on: &definition)
        let description = optionalString(node, "ConstraintDescription")
        var reader = ConstraintReader(version: version, catalog: catalog)
        let constraints = reader.readCFN(node, description: description)
        diagnostics.append(contentsOf: reader.diagnostics)
        return constraints
    }

    // MARK: Shared

    private func setDefault(_ node: Node?, on definition: inout ParameterDefinition) {
        guard let node, !node.isNull else { return }
        definition.defaultValue = node.value
        definition.defaultLocation = node.location
    }

    private mutating func optionalString(_ node: Node, _ key: String) -> String? {
        guard let value = node[key], !value.isNull else { return nil }
        if let text = value.string { return text }
        diagnostics.error(
            value.location, "'\(key)' of parameter (\(name)) must be a string", expected: "a string",
            found: value.shapeName)
        return nil
    }

    private mutating func optionalBool(_ node: Node, _ key: String) -> Bool? {
        guard let value = node[key], !value.isNull else { return nil }
        if case .bool(let flag) = value.scalar { return flag }
        diagnostics.error(
            value.location, "'\(key)' of parameter (\(name)) must be a boolean", expected: "true or false",
            found: ParameterSyntax.found(value))
        return nil
    }

    /// Heat rejects a constraint kind the parameter type cannot use (e.g. `length` on a number).
    private mutating func checkApplies(_ located: LocatedConstraint, to type: ParameterType) -> Bool {
        if located.constraint.kind.appliesTo.contains(type) { return true }
        let usable = ConstraintKind.allCases.filter { $0.appliesTo.contains(type) && version.allows($0) }
        diagnostics.error(
            located.location, "\(located.spelling) constraint invalid for \(type.rawValue) parameter (\(name))",
            expected: "one of \(usable.map(\.rawValue).joined(separator: ", "))")
        return false
    }

    /// Heat validates a default against every constraint except custom ones (they may need a cloud).
    private mutating func checkDefault(of definition: ParameterDefinition) {
        guard let raw = definition.defaultValue, let at = definition.defaultLocation else { return }
        let shown = raw.plainText
        switch definition.coerce(raw) {
        case .failure(let error):
            // Heat's validate accepts a default of the wrong type (measured with heat-oracle:
            // `number` with default `abc`): it fails only when used, so a warning.
            diagnostics.warning(at, "Parameter '\(name)' is invalid: Invalid default \(shown) (\(error.message))")
        case .success(let value):
            for constraint in definition.constraints {
                if case .customConstraint = constraint { continue }
                if let message = constraint.failure(for: value, type: definition.type, catalog: catalog) {
                    diagnostics.error(at, "Parameter '\(name)' is invalid: Invalid default \(shown) (\(message))")
                }
            }
        }
    }
}

extension TemplateVersion {
    func allows(_ kind: ConstraintKind) -> Bool { !isHOT || constraintKeys.contains(kind.rawValue) }
}

/// How nodes are shown in "found ..." details.
enum ParameterSyntax {
    static func found(_ node: Node) -> String {
        switch node.scalar {
        case .string(let text): return "'\(text)'"
        case .int(let number): return String(number)
        case .double(let number): return Value.pythonFloatText(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case nil: return node.shapeName
        }
    }
}
