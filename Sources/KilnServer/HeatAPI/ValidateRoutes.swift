import Hummingbird
import KilnEngine
import KilnTemplate

/// `POST /validate`: Heat's body for a valid template, Heat's 400 error otherwise.
extension HeatAPI {
    func validate(_ call: HeatRequest) async throws -> Response {
        let body = StackBody(try await templateBody(call))
        guard let template = try body.templateText() else { throw HeatError.badRequest("No template specified") }
        let request = ValidationRequest(
            templateName: "template", template: Array(template.utf8),
            environments: (try body.environments() ?? []).map { (name: $0.name, content: Array($0.text.utf8)) },
            parameters: try body.parameters(), files: try body.files(), limits: engine.limits,
            readFile: { _ in nil })
        let report = TemplateValidator(catalog: engine.plugins, constraints: await engine.constraints(projectID: call.projectID)).validate(request)
        guard report.isValid else {
            throw HeatError.badRequest(report.errors.map(\.description).joined(separator: "\n"), type: "StackValidationFailed")
        }
        return .json(report.heatBody)
    }
}
