import KilnModel
/// Resource types, properties and attributes, checked against the catalog or, for
/// provider templates, against the nested template's parameters and outputs.
extension TemplateChecker {
    /// What a resource's type turns out to be after the environment's registry.
    enum ResolvedType: Sendable {
        case schema(ResourceTypeSchema)
        case provider(name: String, template: Template)
        case unknown
    }

    static func isTemplatePath(_ type: String) -> Bool { ResourceRegistry.isTemplatePath(type) }

    /// Group types whose attributes include `resource.N[.attr]` and similar dynamic names.
    static let dynamicAttributeTypes: Set<String> = [
        "OS::Heat::AutoScalingGroup", "OS::Heat::ResourceChain", "OS::Heat::InstanceGroup",
        "AWS::AutoScaling::AutoScalingGroup", "OS::Heat::Stack", "AWS::CloudFormation::Stack",
    ]

    /// Types whose attributes are open-ended: a ResourceGroup answers any of its members'
    /// attributes (as a list), a deployment any output its config declares.
    static let openAttributeTypes: Set<String> = [
        "OS::Heat::ResourceGroup", "OS::Heat::SoftwareDeployment", "OS::Heat::StructuredDeployment",
        "OS::Heat::SoftwareDeploymentGroup", "OS::Heat::StructuredDeploymentGroup",
        "OS::Heat::SoftwareDeployments", "OS::Heat::StructuredDeployments",
    ]

    /// Resolves (and reports problems with) a resource's type. `report` is false when only
    /// looking the type up for an attribute check.
    mutating func resolveType(of resource: ResourceDefinition, report: Bool) -> ResolvedType {
        var type = resource.type
        // Types the registry mapped from, to stop at a cycle. Filled only when something is
        // mapped: most resources are looked up straight in the catalog.
        var seen: Set<String> = []
        while true {
            if Self.isTemplatePath(type) {
                return provider(named: type, for: resource, report: report)
            }
            let mapped = environment.registry.isEmpty ? nil : environment.registry.resolve(type: type, resourceName: resource.name)
            switch mapped {
            case .type(let next)?:
                if next == type { break }
                seen.insert(type)
                type = next
                if seen.contains(next) { break }
                continue
            case .template(let path)?:
                return provider(named: path, for: resource, report: report)
            case .removed?:
                if report {
                    diagnostics.error(resource.typeLocation, "resource type '\(type)' is removed by the environment")
                }
                return .unknown
            case nil:
                break
            }
            break
        }
        if let schema = validator.catalog.schema(for: type) { return .schema(schema) }
        if let global = GlobalEnvironment.resolve(type), let schema = validator.catalog.schema(for: global) {
            return .schema(schema)
        }
        if report {
            var message = "The Resource Type (\(type)) could not be found."
            if type != resource.type { message += " (mapped from '\(resource.type)')" }
            diagnostics.error(resource.typeLocation, withSuggestion(message, for: type, among: validator.catalog.typeNames))
        }
        return .unknown
    }

    /// The member type a group names literally (`resource_def.type`, `resource.type`).
    static func memberType(of resource: ResourceDefinition) -> String? {
        let key: String
        switch resource.type {
        case "OS::Heat::ResourceGroup": key = "resource_def"
        case "OS::Heat::AutoScalingGroup": key = "resource"
        default: return nil
        }
        guard case .map(let entries, _)? = resource.properties,
              case .map(let definition, _)? = entries.first(where: { $0.key == key })?.value else { return nil }
        return definition.first(where: { $0.key == "type" })?.value.literalString
    }

    /// Resolves every resource's type once, serially: provider templates are read and
    /// checked here, and each unknown type is reported once.
    mutating func resolveTypes() {
        var resolved: [String: ResolvedType] = [:]
        resolved.reserveCapacity(template.resources.count)
        for resource in template.resources where !resource.type.isEmpty {
            resolved[resource.name] = resolveType(of: resource, report: true)
            // A group's member template is read and checked with its parent, so the files a
            // create needs are all collected up front (as the openstack client sends them).
            if let member = Self.memberType(of: resource), Self.isTemplatePath(member) {
                _ = provider(named: member, for: resource, report: true)
            }
        }
        resolvedTypes = resolved
    }

    func checkType(of resource: ResourceDefinition, into diagnostics: inout Diagnostics) {
        switch resolvedTypes[resource.name] ?? .unknown {
        case .schema(let schema):
            checkProperties(resource, schema, into: &diagnostics)
            checkUpdatePolicy(resource, schema, into: &diagnostics)
        case .provider(let name, let nested):
            checkProviderProperties(resource, name: name, nested: nested, into: &diagnostics)
        case .unknown:
            break
        }
    }

    func checkAttribute(
        _ attribute: String, of target: ResourceDefinition, at location: SourceLocation, into diagnostics: inout Diagnostics
    ) {
        switch resolvedTypes[target.name] ?? .unknown {
        case .schema(let schema):
            if schema.acceptsAnyProperty || schema.hasAttribute(attribute) { return }
            if Self.openAttributeTypes.contains(schema.type) { return }
            if Self.dynamicAttributeTypes.contains(schema.type)
                && (attribute.hasPrefix("resource.") || attribute.hasPrefix("Outputs.")) { return }
            diagnostics.error(
                location, withSuggestion("resource '\(target.name)' (\(schema.type)) has no attribute '\(attribute)'",
                                         for: attribute, among: schema.attributes.keys),
                expected: "one of \((schema.attributes.keys.sorted() + ["show"]).joined(separator: ", "))")
        case .provider(let name, let nested):
            if attribute == "show" || attribute == "OS::stack_id" || nested.outputs.contains(where: { $0.name == attribute }) {
                return
            }
            if attribute.hasPrefix("resource.") { return }
            // Heat's validate accepts any attribute of a provider template (measured with
            // heat-oracle); its create fails the resource that reads it, and an output shows it
            // as its output_error (the caller lowers that one to a warning).
            diagnostics.report(
                createTimeSeverity, location, "resource '\(target.name)' (\(name)) has no attribute '\(attribute)'",
                expected: "an output of \(name): \(nested.outputs.map(\.name).joined(separator: ", "))")
        case .unknown:
            break
        }
    }

    // MARK: Catalog types

    private func checkProperties(
        _ resource: ResourceDefinition, _ schema: ResourceTypeSchema, into diagnostics: inout Diagnostics
    ) {
        guard !schema.acceptsAnyProperty else { return }
        let entries: [ExpressionEntry]
        switch resource.properties {
        case nil: entries = []
        case .map(let list, _)?: entries = list
        default: return  // computed by a function: checked when it has a value
        }
        let names = schema.properties.keys.sorted()
        for entry in entries {
            guard let property = schema.properties[entry.key] else {
                let message = withSuggestion(
                    "Property error: resources.\(resource.name).properties: Unknown Property \(entry.key) (\(schema.type) has no such property)",
                    for: entry.key, among: names)
                diagnostics.error(entry.keyLocation, message,
                                  expected: names.isEmpty ? "no properties" : "one of \(names.joined(separator: ", "))")
                continue
            }
            checkValue(entry.value, against: property, name: entry.key, resource: resource, into: &diagnostics)
            checkConstraints(entry.value, against: property, path: entry.key, resource: resource, into: &diagnostics)
        }
        // An existing physical resource (external_id) is adopted as it is: nothing is required.
        guard resource.externalID == nil else { return }
        // A deprecated name Heat still accepts stands for its replacement.
        let given = Set(entries.map { schema.propertyAliases[$0.key] ?? $0.key })
        for name in names {
            guard let property = schema.properties[name], property.required, property.defaultValue == nil,
                  !given.contains(name) else { continue }
            diagnostics.error(resource.location,
                              "resource '\(resource.name)' (\(schema.type)) is missing required property '\(name)'")
        }
    }

    /// Checks literal values (not function results) against the property's kind. Heat's
    /// validate does not look at values (measured with heat-oracle: a list for a map property,
    /// text for an integer pass); its create fails the resource: a warning now, an error at create.
    private func checkValue(
        _ expression: Expression, against property: PropertySchema, name: String, resource: ResourceDefinition,
        into diagnostics: inout Diagnostics
    ) {
        guard case .literal(let scalar, let at) = expression else {
            if case .list(let items, _) = expression, property.kind != .list && property.kind != .any {
                diagnostics.report(createTimeSeverity, expression.location, wrongType(name, resource),
                                   expected: property.kind.rawValue, found: "a list")
                _ = items
            } else if case .map = expression, property.kind != .map && property.kind != .any {
                diagnostics.report(createTimeSeverity, expression.location, wrongType(name, resource),
                                   expected: property.kind.rawValue, found: "a mapping")
            }
            return
        }
        if case .null = scalar { return }
        let value = Value(scalar)
        let fits: Bool
        switch property.kind {
        case .any, .string: fits = true
        case .integer:
            if case .int = value { fits = true } else { fits = value.stringValue.flatMap { Int($0) } != nil }
        case .number: fits = value.numberValue != nil
        case .boolean:
            if case .bool = value { fits = true } else {
                fits = ["true", "false"].contains(value.stringValue?.lowercased() ?? "")
            }
        case .list, .map: fits = false
        }
        if !fits {
            diagnostics.report(createTimeSeverity, at, wrongType(name, resource),
                               expected: property.kind.rawValue, found: value.kindName)
        } else if let allowed = property.allowedValues, !allowed.contains(value) {
            diagnostics.report(createTimeSeverity, at,
                               "Property error: resources.\(resource.name).properties.\(name): value is not allowed",
                               expected: "one of \(allowed.map(\.plainText).joined(separator: ", "))",
                              found: value.plainText)
        }
    }

    private func wrongType(_ property: String, _ resource: ResourceDefinition) -> String {
        "Property error: resources.\(resource.name).properties.\(property): wrong type"
    }

    /// Checks literal values, also inside lists and maps, against the custom constraints their
    /// schema names (a flavor, an image, a network...): with a cloud at hand, a name it does
    /// not know is a located error.
    private func checkConstraints(
        _ expression: Expression, against property: PropertySchema, path: String, resource: ResourceDefinition,
        into diagnostics: inout Diagnostics
    ) {
        switch expression {
        case .literal(let scalar, let at):
            let value = Value(scalar)
            guard value != .null, let name = property.customConstraint,
                  let constraint = validator.constraints.constraint(named: name), let message = constraint.check(value) else { return }
            diagnostics.error(at, "property '\(path)' of '\(resource.name)': \(message)")
        case .list(let items, _):
            guard let item = property.items?.value else { return }
            for (index, element) in items.enumerated() {
                checkConstraints(element, against: item, path: "\(path)[\(index)]", resource: resource, into: &diagnostics)
            }
        case .map(let entries, _):
            guard let fields = property.fields else { return }
            for entry in entries {
                guard let field = fields[entry.key] else { continue }
                checkConstraints(entry.value, against: field, path: "\(path).\(entry.key)", resource: resource, into: &diagnostics)
            }
        case .call:
            return
        }
    }

    private func checkUpdatePolicy(
        _ resource: ResourceDefinition, _ schema: ResourceTypeSchema, into diagnostics: inout Diagnostics
    ) {
        guard case .map(let entries, _)? = resource.updatePolicy, !schema.updatePolicyKeys.isEmpty else { return }
        for entry in entries where !schema.updatePolicyKeys.contains(entry.key) {
            diagnostics.error(entry.keyLocation, "unknown update_policy '\(entry.key)' for \(schema.type)",
                              expected: "one of \(schema.updatePolicyKeys.joined(separator: ", "))")
        }
    }

    // MARK: Provider templates

    private mutating func provider(named name: String, for resource: ResourceDefinition, report: Bool) -> ResolvedType {
        guard let found = files.resolve(name, from: template.file, alsoFrom: environmentFiles) else {
            if report {
                diagnostics.error(resource.typeLocation, "Could not fetch contents for \(name) (the provider template of '\(resource.name)')",
                                  expected: "a key of the files map or a readable path")
            }
            return .unknown
        }
        if let first = ancestors.firstIndex(of: found.name) {
            if report {
                let loop = (ancestors[first...] + [found.name]).joined(separator: " -> ")
                diagnostics.error(resource.typeLocation, "provider template '\(name)' uses itself (\(loop))",
                                  expected: "no loop of provider templates")
            }
            return .unknown
        }
        if let cached = providers[found.name] {
            return cached.map { .provider(name: name, template: $0) } ?? .unknown
        }
        providers[found.name] = .some(nil)
        guard depth < 5 else {
            diagnostics.error(resource.typeLocation, "provider templates are nested too deeply",
                              expected: "at most 5 levels")
            return .unknown
        }
        let reader = self.reader
        // Heat reads a provider template with Python's loader, where a duplicate key is no
        // error: only a warning here, the template's own file keeps the error.
        func parse() -> ParsedTemplateCache.Parsed {
            do {
                let read = try reader.readLeniently(found.content, file: found.name)
                var parser = TemplateParser()
                let parsed = parser.parse(read.node, file: found.name)
                return .init(template: parsed, diagnostics: read.warnings + parser.diagnostics.all)
            } catch {
                return .init(template: nil, diagnostics: error.diagnostics)
            }
        }
        let parsed = files.parsed?.parsed(found.name, content: found.content, parse) ?? parse()
        // Heat's validate reads the provider template (malformed YAML or no valid version is
        // an error) and takes its parameters and outputs as the type's schema, but checks
        // nothing more in it: the rest is met when the nested stack is created.
        guard let nested = parsed.template else {
            diagnostics.append(contentsOf: parsed.diagnostics)
            return .unknown
        }
        var parseFindings = Diagnostics()
        parseFindings.append(contentsOf: parsed.diagnostics)
        diagnostics.append(contentsOf: nestedFindings(parseFindings))
        var nestedEnvironment = Environment()
        nestedEnvironment.registry = environment.registry
        nestedEnvironment.parameterDefaults = environment.parameterDefaults
        nestedEnvironment.parameterDefaultLocations = environment.parameterDefaultLocations
        var checker = TemplateChecker(
            template: nested, environment: nestedEnvironment, userParameters: [:], validator: validator,
            files: files, reader: reader, depth: depth + 1, environmentFiles: environmentFiles, budget: budget,
            ancestors: ancestors, purpose: purpose)
        checker.providers = providers
        checker.check()
        diagnostics.append(contentsOf: nestedFindings(checker.diagnostics))
        for (key, value) in checker.providers where providers[key] == nil { providers[key] = value }
        providers[found.name] = .some(nested)
        return .provider(name: name, template: nested)
    }

    /// A provider template's own findings: warnings when validating, as they are when
    /// creating (the nested stack fails then, as Heat's does).
    /// A loop of provider templates stays an error: no input can end it.
    private func nestedFindings(_ found: Diagnostics) -> [Diagnostic] {
        purpose == .create ? found.all : found.all.map {
            $0.message.contains(" uses itself (") || $0.message.hasPrefix("provider templates are nested too deeply") ? $0 : $0.with(.warning)
        }
    }

    private func checkProviderProperties(
        _ resource: ResourceDefinition, name: String, nested: Template, into diagnostics: inout Diagnostics
    ) {
        let entries: [ExpressionEntry]
        switch resource.properties {
        case nil: entries = []
        case .map(let list, _)?: entries = list
        default: return
        }
        let parameters = nested.parameters.map(\.name)
        for entry in entries where nested.parameter(named: entry.key) == nil {
            diagnostics.error(entry.keyLocation,
                              "Property error: resources.\(resource.name).properties: Unknown Property \(entry.key) (provider template '\(name)' has no such parameter)",
                              expected: parameters.isEmpty ? "no properties" : "one of \(parameters.joined(separator: ", "))")
        }
        let given = Set(entries.map(\.key))
        for parameter in nested.parameters
        where parameter.defaultValue == nil && !given.contains(parameter.name)
            && environment.parameterDefaults[parameter.name] == nil {
            // Heat's validate does not require them; the nested stack's create does.
            diagnostics.report(
                createTimeSeverity, resource.location,
                "resource '\(resource.name)' is missing property '\(parameter.name)' required by provider template '\(name)'",
                expected: "a value for the nested parameter '\(parameter.name)', which has no default")
        }
    }
}
