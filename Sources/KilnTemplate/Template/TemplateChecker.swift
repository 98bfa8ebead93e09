import Foundation
import KilnModel

/// The semantic checks of a parsed template: parameter values, references, conditions,
/// resource types and their properties (provider templates included), dependency cycles.
struct TemplateChecker: Sendable {
    let template: Template
    let environment: Environment
    let userParameters: [String: String]
    let validator: TemplateValidator
    let files: FileResolver
    let reader: YAMLReader
    let depth: Int
    let environmentFiles: [String]
    /// What the functions evaluated during the check build, provider templates included:
    /// one template's worth of work, however many calls it spreads over.
    let budget: EvaluationBudget
    /// The templates being checked, outermost first, this one last (normalized names): a
    /// provider template among them uses itself.
    let ancestors: [String]
    /// Validate or create: decides whether what Heat only meets at create is an error now.
    let purpose: ValidationRequest.Purpose

    var diagnostics = Diagnostics()
    /// Provider templates already read (by resolved name), so each is checked once.
    var providers: [String: Template?] = [:]
    /// Each resource's type after the registry, resolved once before resources are checked.
    var resolvedTypes: [String: ResolvedType] = [:]
    /// Parameter values given by the user (environment or command line), typed.
    private(set) var userValues: [String: Value] = [:]
    /// Values known for parameters (user values, then defaults), typed.
    private(set) var knownValues: [String: Value] = [:]
    /// Name lookups, built once: templates can have tens of thousands of resources.
    let resourcesByName: [String: ResourceDefinition]
    let parameterNames: Set<String>
    let conditionNames: Set<String>
    /// Each resource's references, computed once.
    let resourceReferences: [String: [Reference]]
    /// The dependency graph, built once from the references.
    let graph: DependencyGraph
    private var cachedStaticContext: StaticContext?

    init(
        template: Template, environment: Environment, userParameters: [String: String],
        validator: TemplateValidator, files: FileResolver, reader: YAMLReader, depth: Int,
        environmentFiles: [String], budget: EvaluationBudget = EvaluationBudget(), ancestors: [String] = [],
        purpose: ValidationRequest.Purpose = .validate
    ) {
        self.purpose = purpose
        self.budget = budget
        self.ancestors = ancestors + [TemplatePath.normalized(template.file)]
        self.template = template
        self.environment = environment
        self.userParameters = userParameters
        self.validator = validator
        self.files = files
        self.reader = reader
        self.depth = depth
        self.environmentFiles = environmentFiles
        self.resourcesByName = Dictionary(template.resources.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.parameterNames = Set(template.parameters.map(\.name)).union(template.invalidParameterNames)
        self.conditionNames = Set(template.conditions.map(\.name))
        let byName = self.resourcesByName
        let resources = template.resources
        let chunks = inChunks(of: resources.count) { range -> [(String, [Reference], [String])] in
            resources[range].map { resource in
                let refs = resource.references
                let edges = ResourceDefinition.dependencies(dependsOn: resource.dependsOn, references: refs)
                    .filter { byName[$0] != nil }
                return (resource.name, refs, edges)
            }
        }
        var references: [String: [Reference]] = [:]
        references.reserveCapacity(resources.count)
        var edges: [String: [String]] = [:]
        edges.reserveCapacity(resources.count)
        for (name, refs, dependencies) in chunks.joined() {
            references[name] = refs
            edges[name] = dependencies
        }
        self.resourceReferences = references
        self.graph = DependencyGraph(nodes: template.resources.map(\.name), edges: edges)
    }

    /// The severity of a fault Heat's validate accepts but its create meets (it fails the
    /// resource): a warning when validating, an error when creating.
    var createTimeSeverity: Diagnostic.Severity { purpose == .create ? .error : .warning }

    static let hotPseudoParameters = ["OS::stack_id", "OS::stack_name", "OS::project_id"]
    static let cfnPseudoParameters = ["AWS::StackId", "AWS::StackName", "AWS::Region"]

    var pseudoParameters: [String] {
        template.version.isHOT && template.version != .v2013_05_23
            ? Self.hotPseudoParameters : Self.hotPseudoParameters + Self.cfnPseudoParameters
    }

    mutating func check() {
        checkDuplicateNames()
        checkParameterGroups()
        checkParameterValues()
        checkConditions()
        resolveTypes()
        checkResources()
        var found = Diagnostics()
        for output in template.outputs { checkOutput(output, into: &found) }
        diagnostics.append(contentsOf: found)
        checkCycles()
    }

    // MARK: Names

    private mutating func checkDuplicateNames() {
        let parameters = Set(template.parameters.map(\.name))
        for resource in template.resources where parameters.contains(resource.name) && !template.version.isHOT {
            diagnostics.error(resource.location, "resource '\(resource.name)' has the same name as a parameter")
        }
    }

    // MARK: Parameter groups

    private mutating func checkParameterGroups() {
        let declared = Set(template.parameters.map(\.name))
        var grouped: [String: SourceLocation] = [:]
        for group in template.parameterGroups {
            for name in group.parameters {
                if !declared.contains(name) {
                    diagnostics.error(group.location, "Parameter Groups error: parameter_groups.\(group.label ?? ""): The grouped parameter \(name) does not reference a valid parameter.",
                                      expected: "one of \(declared.sorted().joined(separator: ", "))")
                }
                if grouped[name] != nil {
                    diagnostics.error(group.location, "Parameter Groups error: parameter_groups.\(group.label ?? ""): The \(name) parameter must be assigned to one parameter group only.")
                }
                grouped[name] = group.location
            }
        }
    }

    // MARK: Parameter values

    private mutating func checkParameterValues() {
        var supplied: [String: (value: Value, location: SourceLocation)] = [:]
        for (name, value) in environment.parameters {
            supplied[name] = (value, environment.parameterLocations[name] ?? .synthetic("environment"))
        }
        for (name, text) in userParameters {
            supplied[name] = (.string(text), .synthetic("--parameter \(name)"))
        }
        let declared = Dictionary(template.parameters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (name, given) in supplied.sorted(by: { $0.key < $1.key }) where declared[name] == nil {
            diagnostics.error(given.location, "parameter '\(name)' is not defined in the template",
                              expected: declared.isEmpty ? "no parameters" : "one of \(declared.keys.sorted().joined(separator: ", "))")
        }
        for parameter in template.parameters {
            let source: (value: Value, location: SourceLocation, isUser: Bool)?
            if let given = supplied[parameter.name] {
                source = (given.value, given.location, true)
            } else if let value = environment.parameterDefaults[parameter.name] {
                source = (value, environment.parameterDefaultLocations[parameter.name] ?? .synthetic("parameter_defaults"), false)
            } else {
                source = nil
            }
            guard let source else {
                if let value = parameter.defaultValue, case .success(let typed) = parameter.coerce(value) {
                    knownValues[parameter.name] = typed
                }
                continue
            }
            switch parameter.coerce(source.value) {
            case .failure(let error):
                diagnostics.error(source.location, "invalid value for parameter '\(parameter.name)': \(masked(error.message, parameter, source.value))")
            case .success(let typed):
                for problem in parameter.check(typed, constraints: validator.constraints) {
                    diagnostics.error(source.location, "invalid value for parameter '\(parameter.name)': \(masked(problem, parameter, source.value))")
                }
                knownValues[parameter.name] = typed
                if source.isUser { userValues[parameter.name] = typed }
            }
        }
    }

    /// Hidden parameters' values never appear in messages.
    private func masked(_ message: String, _ parameter: ParameterDefinition, _ value: Value) -> String {
        guard parameter.hidden else { return message }
        let text = value.plainText
        return text.isEmpty ? message : message.replacingOccurrences(of: text, with: "******")
    }

    // MARK: Conditions

    /// Heat evaluates the conditions a resource or an output uses while validating: a
    /// parameter they read must have a value then (measured with heat-oracle). A condition
    /// nothing uses is never evaluated, so what it reads is only a warning.
    private mutating func checkConditions() {
        let names = Set(template.conditions.map(\.name))
        let used = usedConditions()
        var edges: [String: [String]] = [:]
        for condition in template.conditions {
            var refs = condition.expression.references
            if let ref = condition.expression.conditionReference { refs.append(ref) }
            let isUsed = used.contains(condition.name)
            for ref in refs {
                switch ref {
                case .condition(let name, let at):
                    if names.contains(name) {
                        edges[condition.name, default: []].append(name)
                    } else {
                        diagnostics.error(at, "Invalid condition \"\(name)\" (in condition '\(condition.name)')", expected: expectedList(names))
                    }
                case .parameter(let name, let at) where isUsed:
                    // A provider template's values come from its parent, known only at create.
                    guard depth == 0, knownValues[name] == nil, !pseudoParameters.contains(name) else { break }
                    let defined = parameterNames.contains(name)
                    diagnostics.error(
                        at, "The Parameter (\(name)) was not provided.",
                        expected: defined
                            ? "a value for '\(name)' (read by condition '\(condition.name)'): --parameter \(name)=VALUE, an environment or a default"
                            : expectedList(parameterNames),
                        found: defined ? nil : "no parameter '\(name)' in the template")
                case .parameter where !isUsed:
                    var unused = Diagnostics()
                    checkReference(ref, into: &unused)
                    diagnostics.append(contentsOf: unused.all.map {
                        var warning = $0.with(.warning)
                        warning.message += " (in condition '\(condition.name)', which nothing uses)"
                        return warning
                    })
                default: checkReference(ref, into: &diagnostics)
                }
            }
        }
        let graph = DependencyGraph(nodes: template.conditions.map(\.name), edges: edges)
        for cycle in graph.cycles() {
            let at = template.condition(named: cycle[0])?.location ?? template.location
            diagnostics.error(at, "Condition validation error: Circular definition for condition \"\(cycle[0])\" (\(cycle.joined(separator: " -> ")))")
        }
    }

    /// The conditions resources and outputs use (their `condition:`, `if`), and those
    /// these name, transitively.
    private func usedConditions() -> Set<String> {
        guard !template.conditions.isEmpty else { return [] }
        var pending: [String] = []
        func collect(_ refs: [Reference]) {
            for case .condition(let name, _) in refs { pending.append(name) }
        }
        func collect(condition expression: Expression?) {
            guard let expression else { return }
            if let ref = expression.conditionReference { collect([ref]) } else { collect(expression.references) }
        }
        for resource in template.resources {
            collect(condition: resource.condition)
            collect(resourceReferences[resource.name] ?? [])
        }
        for output in template.outputs {
            collect(condition: output.condition)
            collect(output.value?.references ?? [])
        }
        var used = Set<String>()
        while let name = pending.popLast() {
            guard used.insert(name).inserted, let definition = template.condition(named: name) else { continue }
            collect(condition: definition.expression)
        }
        return used
    }

    // MARK: Resources

    /// Resources are checked independently, so large templates are split across the cores.
    private mutating func checkResources() {
        let context = staticContext()
        let resources = template.resources
        let checker = self
        let chunks = inChunks(of: resources.count) { range -> Diagnostics in
            var found = Diagnostics()
            for index in range { checker.checkResource(resources[index], context: context, into: &found) }
            return found
        }
        for found in chunks { diagnostics.append(contentsOf: found) }
    }

    private func checkResource(_ resource: ResourceDefinition, context: StaticContext, into diagnostics: inout Diagnostics) {
        for (name, at) in resource.dependsOn {
            if resourcesByName[name] == nil {
                diagnostics.error(at, "The specified reference \"\(name)\" (in \(resource.name)) is incorrect.",
                                  expected: expectedList(Set(resourcesByName.keys)))
            }
        }
        for ref in resourceReferences[resource.name] ?? [] { checkReference(ref, site: .resource(resource), into: &diagnostics) }
        checkStaticValues(resource.properties, resource.metadata, context: context, into: &diagnostics)
        guard !resource.type.isEmpty else { return }
        checkType(of: resource, into: &diagnostics)
    }

    private mutating func checkOutput(_ output: OutputDefinition, into diagnostics: inout Diagnostics) {
        var refs = output.value?.references ?? []
        if let condition = output.condition {
            if let ref = condition.conditionReference { refs.append(ref) } else { refs += condition.references }
        }
        for ref in refs {
            guard ref.isParameter else {
                checkReference(ref, site: .output(output), into: &diagnostics)
                continue
            }
            // An output that reads a parameter the template lacks fails only when shown: the
            // stack is created (Heat's validate accepts it, measured with heat-oracle).
            var found = Diagnostics()
            checkReference(ref, into: &found)
            diagnostics.append(contentsOf: found.all.map { $0.with(.warning) })
        }
        checkStaticValues(output.value, inOutput: true, context: staticContext(), into: &diagnostics)
    }

    private func expectedList(_ names: Set<String>) -> String {
        if names.isEmpty { return "none defined" }
        let sorted = names.sorted()
        let shown = sorted.prefix(12).joined(separator: ", ")
        return "one of \(shown)\(sorted.count > 12 ? ", ..." : "")"
    }

    /// Where a reference is made, so its error can name Heat's path.
    enum ReferenceSite {
        case resource(ResourceDefinition)
        case output(OutputDefinition)
        case elsewhere
    }

    /// Heat's prefix for a function's error at `reference` (`resources.a.properties.x.if: `).
    private func functionPrefix(_ reference: Reference, _ site: ReferenceSite) -> String {
        let path: String?
        switch site {
        case .resource(let resource):
            if let condition = resource.condition, condition.conditionReference == reference
                || condition.references.contains(reference) {
                path = "resources.\(resource.name).condition"
            } else {
                path = HeatPath.functionPath(to: reference, in: resource)
            }
        case .output(let output):
            if let condition = output.condition, condition.conditionReference == reference
                || condition.references.contains(reference) {
                path = "outputs.\(output.name).condition"
            } else {
                path = HeatPath.functionPath(to: reference, in: output)
            }
        case .elsewhere:
            path = nil
        }
        return path.map { "\($0): " } ?? ""
    }

    /// Heat's "(in a.Properties.x)" for a reference to a resource that is not there.
    private func referencePlace(_ reference: Reference, _ site: ReferenceSite) -> String {
        switch site {
        case .resource(let resource): return HeatPath.referencePath(to: reference, in: resource)
        default: return "unknown"
        }
    }

    private func checkReference(_ reference: Reference, site: ReferenceSite = .elsewhere, into diagnostics: inout Diagnostics) {
        switch reference {
        case .parameter(let name, let at):
            if !parameterNames.contains(name) && !pseudoParameters.contains(name) {
                diagnostics.error(at, withSuggestion("parameter '\(name)' is not defined", for: name, among: parameterNames),
                                  expected: expectedList(parameterNames))
            }
        case .resource(let name, let at):
            if resourcesByName[name] == nil {
                // CFN's Ref names parameters and resources alike.
                let isParameter = parameterNames.contains(name) || pseudoParameters.contains(name)
                if !isParameter {
                    let message = "The specified reference \"\(name)\" (in \(referencePlace(reference, site))) is incorrect."
                    diagnostics.error(at, withSuggestion(message, for: name, among: resourcesByName.keys),
                                      expected: expectedList(Set(resourcesByName.keys)))
                }
            }
        case .attribute(let name, let attribute, let at):
            guard let target = resourcesByName[name] else {
                let prefix = site.isResource ? "" : functionPrefix(reference, site)
                let message = "\(prefix)The specified reference \"\(name)\" (in \(referencePlace(reference, site))) is incorrect."
                diagnostics.error(at, withSuggestion(message, for: name, among: resourcesByName.keys),
                                  expected: expectedList(Set(resourcesByName.keys)))
                return
            }
            if let attribute {
                var found = Diagnostics()
                checkAttribute(attribute, of: target, at: at, into: &found)
                let prefix = functionPrefix(reference, site)
                // An output never fails a create: what it cannot give becomes its output_error.
                let outputOfProvider: Bool
                if case .output = site, case .provider? = resolvedTypes[name] { outputOfProvider = true } else { outputOfProvider = false }
                diagnostics.append(contentsOf: found.all.map {
                    var diagnostic = outputOfProvider ? $0.with(.warning) : $0
                    diagnostic.message = "\(prefix)The Referenced Attribute (\(name) \(attribute)) is incorrect. (\($0.message))"
                    return diagnostic
                })
            }
        case .condition(let name, let at):
            if !conditionNames.contains(name) {
                // Heat checks only the branch of an `if` its condition picks (measured with
                // heat-oracle): inside a branch, a missing condition fails only for some inputs.
                let inBranch: Bool
                switch site {
                case .resource(let resource): inBranch = HeatPath.isInsideBranch(reference, in: resource.properties, resource.metadata)
                case .output(let output): inBranch = HeatPath.isInsideBranch(reference, in: output.value)
                case .elsewhere: inBranch = false
                }
                diagnostics.report(inBranch ? .warning : .error, at,
                                   "\(functionPrefix(reference, site))Invalid condition \"\(name)\"",
                                   expected: expectedList(conditionNames))
            }
        case .file(let key, let at):
            if files.resolve(key, from: template.file) == nil {
                diagnostics.error(at, "Could not fetch contents for \(key)",
                                  expected: "a key of the files map or a readable path")
            }
        case .mapping(let name, let at):
            if template.mappings[name] == nil {
                diagnostics.error(at, "mapping '\(name)' is not defined",
                                  expected: expectedList(Set(template.mappings.keys)))
            }
        }
    }

    // MARK: Static evaluation

    /// Evaluates values that depend only on known parameters, so errors that would
    /// otherwise appear mid-create (bad str_split index, map_replace collisions, ...) show now.
    ///
    /// A call on literals alone cannot work whatever the inputs: its failure is an error (Heat
    /// checks literal arguments too). A call reading parameters fails only with these values,
    /// which Heat's validate does not evaluate: a warning, an error at create for a resource
    /// (Heat fails it there), never more than a warning for an output (Heat's create
    /// succeeds and shows the output's error) or inside a provider template (its parent gives
    /// the values).
    private func checkStaticValues(
        _ expressions: Expression?..., inOutput: Bool = false, context: StaticContext,
        into diagnostics: inout Diagnostics
    ) {
        for case let expression? in expressions {
            for call in outermostEvaluableCalls(expression) {
                let scope = EvaluationScope(context: context, version: template.version, budget: budget)
                let severity: Diagnostic.Severity
                if !Expression.call(call).references.contains(where: \.isParameter) {
                    severity = .error
                } else if inOutput || depth > 0 {
                    severity = .warning
                } else {
                    severity = createTimeSeverity
                }
                do {
                    _ = try scope.evaluate(.call(call))
                } catch let error as EvaluationError {
                    // Kiln's own limits (no input may exhaust memory) hold whatever the values.
                    diagnostics.append(error.isLimit ? error.diagnostic : error.diagnostic.with(severity))
                } catch {
                    diagnostics.report(severity, call.location, "\(call.name): \(error)")
                }
            }
        }
    }

    private mutating func staticContext() -> StaticContext {
        if let cachedStaticContext { return cachedStaticContext }
        var params = knownValues
        params["OS::stack_name"] = "validation"
        params["OS::stack_id"] = "00000000-0000-0000-0000-000000000000"
        params["OS::project_id"] = "00000000000000000000000000000000"
        var fileMap: [String: String] = [:]
        for ref in resourceReferences.values.joined() + template.outputs.flatMap({ $0.value?.references ?? [] }) {
            if case .file(let key, _) = ref, let found = files.resolve(key, from: template.file) {
                fileMap[key] = String(decoding: found.content, as: UTF8.self)
            }
        }
        let context = StaticContext(parameters: params, files: fileMap, mappings: template.mappings)
        cachedStaticContext = context
        return context
    }

    /// The outermost calls whose every reference is to a parameter with a known value
    /// (or a readable file), with no run-time-only function inside. One walk of the tree.
    private func outermostEvaluableCalls(_ expression: Expression) -> [FunctionCall] {
        var out: [FunctionCall] = []
        _ = collectEvaluable(expression, into: &out)
        return out
    }

    /// Whether `expression` can be evaluated now; collects the outermost evaluable calls of
    /// the parts that can when the whole cannot.
    private func collectEvaluable(_ expression: Expression, into out: inout [FunctionCall]) -> Bool {
        switch expression {
        case .literal:
            return true
        case .list(let items, _):
            var all = true
            for item in items where !collectEvaluable(item, into: &out) { all = false }
            return all
        case .map(let entries, _):
            var all = true
            for entry in entries where !collectEvaluable(entry.value, into: &out) { all = false }
            return all
        case .call(let call):
            // The parts' calls go straight into `out`; when the whole call is evaluable they
            // are replaced by the call itself.
            let start = out.count
            var evaluable = !Self.runtimeOnly.contains(call.name)
            // A plain loop: passing `isKnown` as a closure would copy the whole checker per call.
            if evaluable {
                for reference in call.function.references where !isKnown(reference) {
                    evaluable = false
                    break
                }
            }
            for child in call.function.children where !collectEvaluable(child, into: &out) { evaluable = false }
            if evaluable {
                out.removeSubrange(start...)
                out.append(call)
            }
            return evaluable
        }
    }

    private static let runtimeOnly: Set<String> = [
        "get_resource", "get_attr", "resource_facade", "Ref", "Fn::GetAtt", "Fn::ResourceFacade", "if", "Fn::If",
    ]

    private func isKnown(_ reference: Reference) -> Bool {
        switch reference {
        case .parameter(let name, _):
            return knownValues[name] != nil || pseudoParameters.contains(name)
        case .file(let key, _):
            return files.resolve(key, from: template.file) != nil
        case .mapping:
            return true
        default:
            return false
        }
    }

    // MARK: Cycles

    private mutating func checkCycles() {
        for cycle in graph.cycles() {
            let at = resourcesByName[cycle[0]]?.location ?? template.location
            let text = cycle.count == 1
                ? "Circular Dependency Found: resource '\(cycle[0])' depends on itself"
                : "Circular Dependency Found: \(cycle.joined(separator: ", "))"
            diagnostics.error(at, text, expected: "no cycle among depends_on, get_resource and get_attr")
        }
    }
}


extension TemplateChecker.ReferenceSite {
    var isResource: Bool {
        if case .resource = self { return true }
        return false
    }
}

extension EvaluationError {
    /// A result over one of Kiln's size limits (`... (the limit)`, `... pass the limit of ...`).
    var isLimit: Bool { message.contains("the limit") || message.contains("(limit ") }
}

extension Reference {
    var isParameter: Bool {
        if case .parameter = self { return true }
        return false
    }
}
