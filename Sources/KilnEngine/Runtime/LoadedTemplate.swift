import Foundation
import KilnModel
import KilnStore
import KilnTemplate

/// A stack's template made ready to run: validated against the engine's resource types,
/// parameters resolved (user values, environment, defaults, pseudo parameters), conditions
/// evaluated.
struct LoadedTemplate: Sendable {
    let template: Template
    let environment: Environment
    let parameters: [String: Value]
    let conditions: [String: Bool]
    /// The validator's dependency graph: creates and updates walk it, deletes walk it backwards.
    let graph: DependencyGraph
    /// The values of hidden parameters (longest first, so a secret containing another is
    /// masked whole): masked wherever resources, events and outputs are shown.
    let secrets: [String]
    /// Every file the template and its provider templates read, by the name used to read it.
    let files: [String: String]
    /// The environment files as submitted; nested stacks inherit their registry and defaults.
    let environments: [NamedText]
    /// For a provider template's stack: its owner resource's metadata, deletion_policy and
    /// update_policy, as `resource_facade` returns them.
    var facade: [String: Value]? = nil

    /// Validates and resolves; every problem is returned at once as `EngineError.invalid`.
    /// `allowingMissingParameters` (a preview's nested stack, whose values may only be known
    /// once its parent exists) leaves parameters without a value out instead of refusing.
    static func load(
        _ record: TemplateRecord, parameters: [String: String], stackID: String, stackName: String,
        projectID: String, plugins: PluginRegistry, limits: ReaderLimits, readFromDisk: Bool,
        facade: [String: Value]? = nil, document: Value? = nil, constraints: any ConstraintCatalog = BuiltinConstraints(),
        allowingMissingParameters: Bool = false
    ) throws(EngineError) -> LoadedTemplate {
        let reads = FileReads(allowed: readFromDisk)
        var request = ValidationRequest(
            templateName: record.name, template: Array(record.content.utf8),
            environments: record.environments.map { (name: $0.name, content: Array($0.text.utf8)) },
            parameters: parameters, files: record.files, limits: limits,
            readFile: { reads.read($0) })
        request.document = document.map { Node(value: $0, at: .synthetic(record.name)) }
        // What Heat's validate lets through but its create meets (a provider template's own
        // problems, its missing parameters, values computed from parameters) fails here.
        request.purpose = .create
        let report = TemplateValidator(catalog: plugins, constraints: constraints).validate(request)
        var diagnostics = report.errors
        guard let template = report.template else { throw .invalid(diagnostics) }
        for parameter in template.parameters where report.parameterValues[parameter.name] == nil && !allowingMissingParameters {
            diagnostics.append(.error(
                at: parameter.location, "The Parameter (\(parameter.name)) was not provided.",
                expected: "--parameter \(parameter.name)=VALUE, or a default"))
        }
        if !diagnostics.isEmpty {
            var all = Diagnostics()
            all.append(contentsOf: diagnostics)
            throw .invalid(all.sorted)
        }

        var values = report.parameterValues
        values["OS::stack_name"] = .string(stackName)
        values["OS::stack_id"] = .string(stackID)
        values["OS::project_id"] = .string(projectID)
        values["AWS::StackName"] = .string(stackName)
        values["AWS::StackId"] = .string(stackID)
        values["AWS::Region"] = "ap-southeast-1"
        let conditions: [String: Bool]
        do {
            conditions = try ConditionResolver(template: template, parameters: values).resolveAll()
        } catch let error as EvaluationError {
            throw .invalid([error.diagnostic])
        } catch {
            throw .invalid([.error(at: template.location, "\(error)")])
        }
        var files = record.files
        for (name, text) in reads.collected where files[name] == nil { files[name] = text }
        // get_file names a file relative to the template, and is evaluated by that name.
        let directory = (record.name as NSString).deletingLastPathComponent
        for (name, text) in reads.collected where !directory.isEmpty && name.hasPrefix(directory + "/") {
            let relative = String(name.dropFirst(directory.count + 1))
            if files[relative] == nil { files[relative] = text }
        }
        let secrets = template.parameters.filter(\.hidden)
            .compactMap { values[$0.name]?.plainText }
            .filter { $0.count >= 3 }
            .sorted { $0.count > $1.count }
        return LoadedTemplate(
            template: template, environment: report.environment, parameters: values, conditions: conditions,
            graph: report.graph ?? DependencyGraph(template), secrets: secrets, files: files,
            environments: record.environments, facade: facade)
    }

    func isEnabled(_ resource: ResourceDefinition) -> Bool {
        guard let condition = resource.condition else { return true }
        return (try? scope(resources: [:]).condition(condition)) ?? false
    }

    var enabledResources: [ResourceDefinition] { template.resources.filter(isEnabled) }

    func scope(resources: [String: ResolvedResource]) -> EvaluationScope {
        EvaluationScope(
            context: LiveContext(parameters: parameters, conditions: conditions, files: files,
                                 mappings: template.mappings, resources: resources, facade: facade),
            version: template.version)
    }
}

/// Records the files a validation reads from disk, so the stack keeps them (as Heat's files map).
final class FileReads: Sendable {
    private let allowed: Bool
    private let reads = Locked<[String: String]>([:])

    init(allowed: Bool) { self.allowed = allowed }

    var collected: [String: String] { reads.withLock { $0 } }

    func read(_ path: String) -> [UInt8]? {
        guard allowed, let bytes = ValidationRequest.readFromDisk(path) else { return nil }
        reads.withLock { $0[path] = String(decoding: bytes, as: UTF8.self) }
        return bytes
    }
}

/// Evaluates the `conditions:` section once, each condition seeing the others by name.
struct ConditionResolver {
    let template: Template
    let parameters: [String: Value]

    func resolveAll() throws -> [String: Bool] {
        var resolved: [String: Bool] = [:]
        for condition in template.conditions {
            resolved[condition.name] = try resolve(condition.name, resolved: &resolved, depth: 0)
        }
        return resolved
    }

    private func resolve(_ name: String, resolved: inout [String: Bool], depth: Int) throws -> Bool {
        if let known = resolved[name] { return known }
        guard let definition = template.condition(named: name), depth < 100 else {
            throw EvaluationError("condition '\(name)' is not defined", at: template.location)
        }
        // Conditions referenced by this one are resolved first (the validator rejected cycles).
        for case .condition(let other, _) in definition.expression.references + [definition.expression.conditionReference].compactMap({ $0 })
        where resolved[other] == nil {
            resolved[other] = try resolve(other, resolved: &resolved, depth: depth + 1)
        }
        let context = StaticContext(parameters: parameters, conditions: resolved, mappings: template.mappings)
        return try EvaluationScope(context: context, version: template.version).condition(definition.expression)
    }
}
