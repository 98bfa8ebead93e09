import Hummingbird
import KilnEngine
import KilnModel
import KilnTemplate

/// `POST /validate`: Heat's body for a valid template, Heat's 400 error otherwise. With
/// `show_nested=true`, each nested stack's parameters under `NestedParameters`.
extension HeatAPI {
    func validate(_ call: HeatRequest) async throws -> Response {
        let body = StackBody(try await templateBody(call))
        guard let template = try body.templateText() else { throw HeatError.badRequest("No template specified") }
        let environments = (try body.environments() ?? []).map { (name: $0.name, content: Array($0.text.utf8)) }
        let files = try body.files()
        let request = ValidationRequest(
            templateName: "template", template: Array(template.utf8), environments: environments,
            parameters: try body.parameters(), files: files, limits: engine.limits,
            readFile: { _ in nil })
        let validator = TemplateValidator(catalog: engine.plugins, constraints: await engine.constraints(projectID: call.projectID))
        let report = validator.validate(request)
        guard report.isValid else {
            throw HeatError.badRequest(report.errors.map(\.description).joined(separator: "\n"), type: "StackValidationFailed")
        }
        guard let parsed = report.template, var shown = report.heatBody.mapValue else { return .json(report.heatBody) }
        shown["Environment"] = Self.hooksAsGiven(shown["Environment"] ?? .null, environments: environments)
        guard call.flag("show_nested") else { return .json(.map(shown)) }
        let nested = NestedParameters(
            validator: validator, files: files, limits: engine.limits,
            inherited: NestedParameters.inherited(environments), registry: report.environment.registry)
        if let entries = nested.of(parsed, values: report.parameterValues) { shown["NestedParameters"] = entries }
        return .json(.map(shown))
    }

    /// Heat echoes a resource's `hooks` and `restricted_actions` as they were written (one
    /// name stays a string; measured with heat-oracle), where the parsed registry holds lists.
    static func hooksAsGiven(_ environment: Value, environments: [(name: String, content: [UInt8])]) -> Value {
        guard var shown = environment.mapValue, var registry = shown["resource_registry"]?.mapValue,
              var resources = registry["resources"]?.mapValue else { return environment }
        for given in environments {
            let raw = (try? YAMLReader().read(given.content, file: given.name))?.value
            for (pattern, entry) in raw?.mapValue?["resource_registry"]?.mapValue?["resources"]?.mapValue ?? [:] {
                guard var target = resources[pattern]?.mapValue, let written = entry.mapValue else { continue }
                for key in ["hooks", "restricted_actions"] where written[key]?.stringValue != nil { target[key] = written[key] }
                resources[pattern] = .map(target)
            }
        }
        registry["resources"] = .map(resources)
        shown["resource_registry"] = .map(registry)
        return .map(shown)
    }
}
