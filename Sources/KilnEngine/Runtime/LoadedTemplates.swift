import KilnModel

/// Validated templates by the stack and stored template they were loaded for, so a stack is
/// validated once, not again by every view and operation step that needs it. Template
/// records never change once stored (an update stores a new one), so an entry is valid as
/// long as the stack's parameters and, for a nested stack, its owner's facade are the same.
/// Bounded: the oldest entries make way past `capacity`.
final class LoadedTemplates: Sendable {
    private struct Key: Hashable {
        var stackID: String
        var templateID: Int64
    }

    private struct Entry {
        var parameters: [String: String]
        var facade: [String: Value]?
        var loaded: LoadedTemplate
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var order: [Key] = []
    }

    private let state = Locked(State())
    let capacity: Int

    init(capacity: Int = 256) { self.capacity = max(1, capacity) }

    func get(stack: StackRecord, templateID: Int64, facade: [String: Value]?) -> LoadedTemplate? {
        state.withLock { state in
            guard let entry = state.entries[Key(stackID: stack.id, templateID: templateID)],
                  entry.parameters == stack.parameters, entry.facade == facade
            else { return nil }
            return entry.loaded
        }
    }

    func put(_ loaded: LoadedTemplate, stack: StackRecord, templateID: Int64) {
        let key = Key(stackID: stack.id, templateID: templateID)
        state.withLock { state in
            if state.entries.updateValue(
                Entry(parameters: stack.parameters, facade: loaded.facade, loaded: loaded), forKey: key) == nil {
                state.order.append(key)
            }
            if state.order.count > capacity {
                let evicted = state.order.count - capacity
                for old in state.order.prefix(evicted) { state.entries.removeValue(forKey: old) }
                state.order.removeFirst(evicted)
            }
        }
    }

    /// Forgets a purged stack's templates.
    func forget(stackID: String) {
        state.withLock { state in
            state.order.removeAll { key in
                guard key.stackID == stackID else { return false }
                state.entries.removeValue(forKey: key)
                return true
            }
        }
    }
}
