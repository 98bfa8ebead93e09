import KilnModel
import KilnStore
import KilnTemplate

/// A stack as a view or an operation step needs it, read once: its template loaded (from
/// the cache of validated templates), how its resource types resolve, and its resources
/// as stored.
struct OpenedStack: Sendable {
    let stack: StackRecord
    let loaded: LoadedTemplate
    let types: TypeResolver
    let resources: [ResourceRecord]

    /// Resources that exist, as the template's functions read them.
    var resolved: [String: ResolvedResource] {
        var out: [String: ResolvedResource] = [:]
        for record in resources where record.status == .complete && record.action != .delete {
            guard let plugin = types.plugin(type: record.type, resource: record.name) else { continue }
            out[record.name] = ResolvedResource(live: LiveResource(record, stackName: stack.name), plugin: plugin)
        }
        return out
    }

    /// The stack's outputs resolved against its resources as they are now.
    var outputs: [StackOutput] { Engine.outputs(of: loaded, resources: resolved) }
}

extension Engine {
    /// Loads the stack's template (validated once per stored template) and reads its resources.
    func open(_ stack: StackRecord) async throws -> OpenedStack {
        let loaded = try await load(stack)
        return OpenedStack(
            stack: stack, loaded: loaded, types: TypeResolver(plugins: plugins, loaded: loaded),
            resources: try await store.resources(stackID: stack.id))
    }
}
