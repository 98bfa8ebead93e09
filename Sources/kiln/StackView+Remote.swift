import KilnModel

extension StackView {
    /// The view from a Heat server's stack body (`GET /stacks/{name}/{id}`): the server's
    /// description, parameters and outputs as it resolved them.
    init(remote stack: StackRecord, body: [String: Value]) {
        let outputs = (body["outputs"]?.listValue ?? []).map { output -> StackOutput in
            let map = output.mapValue ?? [:]
            let error = map["output_error"].flatMap { $0 == .null ? nil : ($0.stringValue ?? $0.plainText) }
            return StackOutput(
                key: map["output_key"]?.stringValue ?? "", value: map["output_value"] ?? .null,
                description: map["description"]?.stringValue ?? "", error: error)
        }
        self.init(
            stack: stack, description: body["description"]?.stringValue ?? "",
            parameters: (body["parameters"]?.mapValue ?? [:]).mapValues { $0.stringValue ?? $0.plainText },
            outputs: outputs)
    }
}
