import KilnModel
import KilnTemplate

/// Heat's batched group changes (`rolling_update`, `batch_create`): how big the group is at
/// each step and how many members may take the new definition in it, keeping at least
/// `minInService` members of the old one working while others change.
enum GroupBatches {
    static func steps(target: Int, current: Int, batchSize: Int, minInService: Int) -> [(capacity: Int, updates: Int)] {
        var steps: [(Int, Int)] = []
        var updated = 0
        var current = current
        let batchSize = max(1, batchSize)
        while !(updated >= current && current == target) {
            let effectiveMin = min(minInService, target, current)
            let batch = min(batchSize, max(target - updated, 0))
            let capacity = batch + max(min(current, target - batch), effectiveMin)
            steps.append((capacity, batch))
            updated += batch - max(capacity - max(current, target), 0)
            current = capacity
            if steps.count > 10_000 { break }  // cannot happen with valid input; never loop forever
        }
        return steps
    }

    /// The members of one step: `capacity` members, of which at most `updates` take the new
    /// definition. Existing members come in replacement order (to remove first, then
    /// higher indexes first); new members take fresh names.
    static func members(
        existing: [(name: String, definition: Value)], newDefinition: (String) -> Value,
        capacity: Int, updates: Int, freshNames: inout [String]
    ) -> [(name: String, definition: Value)] {
        let kept = Array(existing.suffix(capacity))
        var replacements = updates - (capacity - kept.count)
        var result: [(String, Value)] = []
        for index in 0..<capacity {
            if index < kept.count {
                let (name, old) = kept[index]
                let new = newDefinition(name)
                if old != new && replacements > 0 {
                    replacements -= 1
                    result.append((name, new))
                } else {
                    result.append((name, old))
                }
            } else if !freshNames.isEmpty {
                let name = freshNames.removeFirst()
                result.append((name, newDefinition(name)))
            }
        }
        return result
    }
}
