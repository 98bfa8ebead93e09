import Foundation
import KilnModel

/// Reads a template's node tree into a `Template`, checking sections and keys for its
/// version and parsing every value into expressions. Reports every problem it finds.
public struct TemplateParser {
    public private(set) var diagnostics = Diagnostics()

    public init() {}

    /// Parses a template; returns nil only when not even the version can be found.
    public mutating func parse(_ root: Node, file: String) -> Template? {
        guard let entries = root.mapping else {
            diagnostics.error(root.location, "a template must be a mapping", expected: "a mapping of sections",
                              found: root.shapeName)
            return nil
        }
        guard let version = detectVersion(entries, root: root) else { return nil }
        var template = Template(file: file, version: version, location: root.location)
        var parser = ExpressionParser(version: version)

        checkSections(entries, version: version)
        if let node = root[version.descriptionSection] {
            template.description = text(node, what: "description")
        }
        if let node = root[version.parametersSection] {
            (template.parameters, template.invalidParameterNames) = parseParameters(node, version: version)
        }
        if version.isHOT, let node = root["parameter_groups"] {
            template.parameterGroups = parseParameterGroups(node)
        }
        if version.supportsConditions, let node = root[version.conditionsSection] {
            parser.inConditionsSection = true
            template.conditions = parseConditions(node, parser: &parser)
            parser.inConditionsSection = false
        }
        if version.format == .cfn, let node = root["Mappings"] {
            template.mappings = parseMappings(node)
        }
        if let node = root[version.resourcesSection] {
            template.resources = parseResources(node, version: version, parser: &parser)
        }
        if let node = root[version.outputsSection] {
            template.outputs = parseOutputs(node, version: version, parser: &parser)
        }
        diagnostics.append(contentsOf: parser.diagnostics)
        return template
    }

    // MARK: Version and sections

    private mutating func detectVersion(_ entries: [Entry], root: Node) -> TemplateVersion? {
        let keys = [TemplateVersion.hotKey, TemplateVersion.cfnKey, TemplateVersion.heatCFNKey]
        let found = entries.filter { keys.contains($0.key) }
        guard let entry = found.first else {
            diagnostics.error(root.location, "Template format version not found.",
                              expected: "heat_template_version: 2021-04-16 (or another version)")
            return nil
        }
        if found.count > 1 {
            diagnostics.error(found[1].keyLocation, "ambiguous template version",
                              expected: "only one of \(keys.joined(separator: ", "))",
                              found: found.map(\.key).joined(separator: " and "))
            return nil
        }
        guard case .scalar(let scalar) = entry.value.kind else {
            diagnostics.error(entry.value.location, "template version must be a string", found: entry.value.shapeName)
            return nil
        }
        let value: String
        switch scalar {
        case .string(let s): value = s
        default:
            diagnostics.error(entry.value.location, "template version must be a string", found: entry.value.shapeName)
            return nil
        }
        guard let version = TemplateVersion.find(key: entry.key, value: value) else {
            let valid = TemplateVersion.all.filter { $0.key == entry.key }
                .flatMap { [$0.date] + $0.aliases }
            diagnostics.error(entry.value.location, "The template version is invalid: \"\(entry.key): \(value)\"",
                              expected: "one of \(valid.joined(separator: ", "))")
            return nil
        }
        return version
    }

    private mutating func checkSections(_ entries: [Entry], version: TemplateVersion) {
        let allowed = version.sections
        for entry in entries where !allowed.contains(entry.key) {
            var message = withSuggestion("The template section is invalid: \(entry.key)", for: entry.key, among: allowed)
            if !message.hasSuffix("?)"), entry.key == "conditions" || entry.key == "Conditions" {
                message = "The template section is invalid: \(entry.key) (not supported in \(version))"
            }
            diagnostics.error(entry.keyLocation, message, expected: "one of \(allowed.joined(separator: ", "))")
        }
    }

    // MARK: Helpers

    private mutating func text(_ node: Node, what: String) -> String? {
        switch node.kind {
        case .scalar(.string(let s)): return s
        case .scalar(.null): return nil
        case .scalar(let scalar): return Value(scalar).plainText
        default:
            diagnostics.error(node.location, "\(what) must be a string", found: node.shapeName)
            return nil
        }
    }

    /// The entries of a section that must be a mapping (null reads as empty).
    private mutating func sectionEntries(_ node: Node, _ name: String) -> [Entry] {
        if node.isNull { return [] }
        guard let entries = node.mapping else {
            diagnostics.error(node.location, "'\(name)' must be a mapping", found: node.shapeName)
            return []
        }
        return entries
    }

    // MARK: Parameters

    private mutating func parseParameters(
        _ node: Node, version: TemplateVersion
    ) -> (valid: [ParameterDefinition], invalid: Set<String>) {
        var out: [ParameterDefinition] = []
        var invalid: Set<String> = []
        for entry in sectionEntries(node, version.parametersSection) {
            guard entry.value.mapping != nil else {
                diagnostics.error(entry.value.location, "parameter '\(entry.key)' must be a mapping",
                                  expected: "a mapping with at least 'type'", found: entry.value.shapeName)
                invalid.insert(entry.key)
                continue
            }
            if let definition = ParameterDefinition.parse(
                name: entry.key, at: entry.keyLocation, node: entry.value, version: version, into: &diagnostics)
            {
                out.append(definition)
            } else {
                invalid.insert(entry.key)
            }
        }
        return (out, invalid)
    }

    private mutating func parseParameterGroups(_ node: Node) -> [ParameterGroup] {
        if node.isNull { return [] }
        guard let items = node.sequence else {
            diagnostics.error(node.location, "'parameter_groups' must be a list", found: node.shapeName)
            return []
        }
        var groups: [ParameterGroup] = []
        for item in items {
            guard let entries = item.mapping else {
                diagnostics.error(item.location, "a parameter group must be a mapping", found: item.shapeName)
                continue
            }
            for entry in entries where !["label", "description", "parameters"].contains(entry.key) {
                diagnostics.error(entry.keyLocation, "unknown key '\(entry.key)' in parameter group",
                                  expected: "label, description, parameters")
            }
            let label = item["label"].flatMap { text($0, what: "label") }
            let description = item["description"].flatMap { text($0, what: "description") }
            guard let list = item["parameters"] else {
                diagnostics.error(item.location, "parameter group has no 'parameters'",
                                  expected: "parameters: [names]")
                continue
            }
            guard let names = list.sequence else {
                diagnostics.error(list.location, "parameter group 'parameters' must be a list", found: list.shapeName)
                continue
            }
            var group = ParameterGroup(label: label, description: description, parameters: [], location: item.location)
            for name in names {
                guard let s = name.string else {
                    diagnostics.error(name.location, "parameter name must be a string", found: name.shapeName)
                    continue
                }
                group.parameters.append(s)
            }
            groups.append(group)
        }
        return groups
    }

    // MARK: Conditions and mappings

    private mutating func parseConditions(_ node: Node, parser: inout ExpressionParser) -> [ConditionDefinition] {
        sectionEntries(node, "conditions").map { entry in
            ConditionDefinition(name: entry.key, location: entry.keyLocation, expression: parser.parseConditionDefinition(entry.value))
        }
    }

    private mutating func parseMappings(_ node: Node) -> [String: Value] {
        var out: [String: Value] = [:]
        for entry in sectionEntries(node, "Mappings") {
            guard entry.value.mapping != nil else {
                diagnostics.error(entry.value.location, "mapping '\(entry.key)' must be a mapping", found: entry.value.shapeName)
                continue
            }
            out[entry.key] = entry.value.value
        }
        return out
    }

    // MARK: Resources

    /// Resources parse independently of each other, so large templates are split across cores.
    private mutating func parseResources(
        _ node: Node, version: TemplateVersion, parser: inout ExpressionParser
    ) -> [ResourceDefinition] {
        let entries = sectionEntries(node, version.resourcesSection)
        guard entries.count >= 2_000 else {
            return parseResourceEntries(entries[...], version: version, parser: &parser)
        }
        let chunks = inChunks(of: entries.count) { range -> ([ResourceDefinition], Diagnostics) in
            var local = TemplateParser()
            var expressions = ExpressionParser(version: version)
            let resources = local.parseResourceEntries(entries[range], version: version, parser: &expressions)
            local.diagnostics.append(contentsOf: expressions.diagnostics)
            return (resources, local.diagnostics)
        }
        var out: [ResourceDefinition] = []
        out.reserveCapacity(entries.count)
        for (resources, found) in chunks {
            out.append(contentsOf: resources)
            diagnostics.append(contentsOf: found)
        }
        return out
    }

    private mutating func parseResourceEntries(
        _ entries: ArraySlice<Entry>, version: TemplateVersion, parser: inout ExpressionParser
    ) -> [ResourceDefinition] {
        let hot = version.isHOT
        let keys = version.resourceKeys
        var out: [ResourceDefinition] = []
        out.reserveCapacity(entries.count)
        for entry in entries {
            guard let body = entry.value.mapping else {
                diagnostics.error(entry.value.location, "resource '\(entry.key)' must be a mapping",
                                  expected: "a mapping with '\(hot ? "type" : "Type")'", found: entry.value.shapeName)
                continue
            }
            if entry.key.contains("/") {
                diagnostics.error(entry.keyLocation, "resource name '\(entry.key)' must not contain '/'")
            }
            var typeName: String?
            var typeLocation = entry.keyLocation
            var resource = ResourceDefinition(name: entry.key, location: entry.keyLocation, type: "", typeLocation: entry.keyLocation)
            for field in body {
                guard keys.contains(field.key) else {
                    let message = withSuggestion(
                        "\"\(field.key)\" is not a valid keyword inside a resource definition (resource '\(entry.key)')",
                        for: field.key, among: keys)
                    diagnostics.error(field.keyLocation, message, expected: "one of \(keys.joined(separator: ", "))")
                    continue
                }
                let value = field.value
                switch hot ? field.key : hotName(ofCFNResourceKey: field.key) {
                case "type":
                    typeLocation = value.location
                    if let s = value.string, !s.isEmpty { typeName = s } else {
                        diagnostics.error(value.location, "resource '\(entry.key)' type must be a non-empty string",
                                          found: value.shapeName)
                        typeName = ""
                    }
                case "properties":
                    resource.properties = mapOrCall(value, parser: &parser, what: "properties of '\(entry.key)'")
                case "metadata":
                    resource.metadata = mapOrCall(value, parser: &parser, what: "metadata of '\(entry.key)'")
                case "update_policy":
                    resource.updatePolicy = mapOrCall(value, parser: &parser, what: "update_policy of '\(entry.key)'")
                case "depends_on":
                    resource.dependsOn = parseDependsOn(value, resource: entry.key)
                case "deletion_policy":
                    resource.deletionPolicy = parser.parse(value)
                    if let policy = value.string, !version.deletionPolicies.contains(policy) {
                        diagnostics.error(value.location, "invalid deletion_policy '\(policy)' in resource '\(entry.key)'",
                                          expected: "one of \(version.deletionPolicies.joined(separator: ", "))")
                    } else if value.string == nil, value.mapping == nil {
                        diagnostics.error(value.location, "deletion_policy must be a string", found: value.shapeName)
                    }
                case "external_id":
                    if value.string == nil && value.mapping == nil {
                        diagnostics.error(value.location, "external_id must be a string", found: value.shapeName)
                    }
                    resource.externalID = parser.parse(value)
                case "condition":
                    resource.condition = parser.parseConditionDefinition(value)
                case "description":
                    resource.description = text(value, what: "description")
                default:
                    break
                }
            }
            if let typeName {
                resource.type = typeName
                resource.typeLocation = typeLocation
            } else {
                diagnostics.error(entry.keyLocation, "resource '\(entry.key)' has no type",
                                  expected: hot ? "type: OS::..." : "Type: ...")
            }
            out.append(resource)
        }
        return out
    }

    private func hotName(ofCFNResourceKey key: String) -> String {
        switch key {
        case "Type": return "type"
        case "Properties": return "properties"
        case "Metadata": return "metadata"
        case "DependsOn": return "depends_on"
        case "DeletionPolicy": return "deletion_policy"
        case "UpdatePolicy": return "update_policy"
        case "Condition": return "condition"
        case "Description": return "description"
        default: return key
        }
    }

    /// Properties, metadata and update_policy are mappings, or a function that yields one.
    private mutating func mapOrCall(
        _ node: Node, parser: inout ExpressionParser, what: @autoclosure () -> String
    ) -> Expression? {
        if node.isNull { return nil }
        let expression = parser.parse(node)
        switch expression {
        case .map, .call: return expression
        default:
            diagnostics.error(node.location, "\(what()) must be a mapping", found: node.shapeName)
            return nil
        }
    }

    private mutating func parseDependsOn(_ node: Node, resource: String) -> [(name: String, location: SourceLocation)] {
        switch node.kind {
        case .scalar(.string(let name)): return [(name, node.location)]
        case .scalar(.null): return []
        case .sequence(let items):
            var out: [(name: String, location: SourceLocation)] = []
            for item in items {
                if let name = item.string { out.append((name, item.location)) } else {
                    diagnostics.error(item.location, "depends_on of '\(resource)' must list resource names",
                                      found: item.shapeName)
                }
            }
            return out
        default:
            diagnostics.error(node.location, "depends_on of '\(resource)' must be a resource name or a list of them",
                              found: node.shapeName)
            return []
        }
    }

    // MARK: Outputs

    private mutating func parseOutputs(
        _ node: Node, version: TemplateVersion, parser: inout ExpressionParser
    ) -> [OutputDefinition] {
        let keys = version.outputKeys
        var out: [OutputDefinition] = []
        for entry in sectionEntries(node, version.outputsSection) {
            guard let body = entry.value.mapping else {
                diagnostics.error(entry.value.location, "output '\(entry.key)' must be a mapping",
                                  expected: "a mapping with '\(version.isHOT ? "value" : "Value")'", found: entry.value.shapeName)
                continue
            }
            var output = OutputDefinition(name: entry.key, location: entry.keyLocation)
            var hasValue = false
            for field in body {
                switch field.key.lowercased() {
                case _ where !keys.contains(field.key):
                    // Heat ignores keys it does not know in an output (measured with heat-oracle).
                    diagnostics.warning(field.keyLocation, "unknown key '\(field.key)' in output '\(entry.key)' is ignored",
                                        expected: "one of \(keys.joined(separator: ", "))")
                case "value":
                    hasValue = true
                    output.value = parser.parse(field.value)
                case "description":
                    output.description = text(field.value, what: "description")
                case "condition":
                    output.condition = parser.parseConditionDefinition(field.value)
                default: break
                }
            }
            if !hasValue {
                diagnostics.error(entry.keyLocation, "Output validation error: outputs.\(entry.key): Each output definition must contain a value key.",
                                  expected: version.isHOT ? "value: ..." : "Value: ...")
            }
            out.append(output)
        }
        return out
    }
}
