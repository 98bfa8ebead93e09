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
        guard call.flag("show_nested"), let parsed = report.template, var shown = report.heatBody.mapValue else {
            return .json(report.heatBody)
        }
        let nested = NestedParameters(
            validator: validator, files: files, limits: engine.limits,
            inherited: NestedParameters.inherited(environments), registry: report.environment.registry)
        if let entries = nested.of(parsed, values: report.parameterValues) { shown["NestedParameters"] = entries }
        return .json(.map(shown))
    }
}
