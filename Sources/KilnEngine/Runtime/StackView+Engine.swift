import KilnModel
import KilnStore
import KilnTemplate

extension Engine {
    /// The stack as `stack show` presents it (CLI and API alike), from its loaded template.
    public func view(of stack: StackRecord, resolveOutputs: Bool = true) async -> StackView {
        guard let opened = try? await open(stack) else {
            return StackView(stack: stack, description: "", parameters: Self.pseudoParameters(stack), outputs: [])
        }
        let loaded = opened.loaded
        let outputs = resolveOutputs ? redacted(opened.outputs, loaded.secrets) : nil
        return StackView(
            stack: stack, description: loaded.template.description ?? "",
            parameters: Self.shownParameters(stack, loaded), outputs: outputs)
    }

    private func redacted(_ outputs: [StackOutput], _ secrets: [String]) -> [StackOutput] {
        outputs.map { output in
            var shown = output
            shown.value = output.value.redacting(secrets)
            shown.error = output.error.map { Value.redact($0, secrets) }
            return shown
        }
    }

    static func pseudoParameters(_ stack: StackRecord) -> [String: String] {
        ["OS::stack_id": stack.id, "OS::stack_name": stack.name, "OS::project_id": stack.projectID]
    }

    /// Heat's rule, checked against Heat 27: each parameter's value in force as Python's
    /// `str()` of it (booleans `True`/`False`, numbers as parsed, json as JSON text), except
    /// that a comma_delimited_list keeps the text it was given (a list is joined with `,`);
    /// hidden ones `******`.
    static func shownParameters(_ stack: StackRecord, _ loaded: LoadedTemplate) -> [String: String] {
        var shown = pseudoParameters(stack)
        for parameter in loaded.template.parameters {
            guard !parameter.hidden else {
                shown[parameter.name] = "******"
                continue
            }
            if parameter.type == .commaDelimitedList {
                let given = stack.parameters[parameter.name].map(Value.string)
                    ?? loaded.environment.parameters[parameter.name]
                    ?? loaded.environment.parameterDefaults[parameter.name]
                    ?? parameter.defaultValue
                    ?? loaded.parameters[parameter.name]
                switch given {
                case .string(let text)?: shown[parameter.name] = text
                case .list(let items)?: shown[parameter.name] = items.map(\.plainText).joined(separator: ",")
                case let other?: shown[parameter.name] = other.plainText
                case nil: break
                }
            } else if let value = loaded.parameters[parameter.name] {
                shown[parameter.name] = value.plainText
            } else if let given = stack.parameters[parameter.name] {
                shown[parameter.name] = given
            }
        }
        return shown
    }
}
