import Hummingbird
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// `S/outputs` (keys and descriptions) and `S/outputs/{key}` (resolved).
extension HeatAPI {
    func outputs(_ call: HeatRequest, stack: StackRecord, rest: ArraySlice<String>) async throws -> Response {
        let views = StackViews(engine: engine, call: call)
        let all = try await engine.outputs(of: stack)
        switch rest.count {
        case 0:
            return .json(["outputs": .list(all.map { views.output(view: $0, withValue: false) })])
        case 1:
            let key = rest[rest.startIndex]
            guard let output = all.first(where: { $0.key == key }) else {
                throw HeatError.notFound("Specified output key \(key) not found.")
            }
            return .json(["output": views.output(view: output, withValue: true)])
        default:
            throw HeatError.notFound("The resource could not be found.", type: "HTTPNotFound")
        }
    }
}
