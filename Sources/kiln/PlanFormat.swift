import KilnEngine
import KilnModel
import KilnTemplate

/// `--dry-run`: what an operation would do to each resource, without doing it.
enum PlanFormat {
    static func body(_ plan: [PlanLine]) -> Value {
        .list(plan.map { planned in
            var entry: [String: Value] = [
                "resource_name": .string(planned.name), "resource_type": .string(planned.type),
                "change": .string(planned.kind),
            ]
            if let reason = planned.reason { entry["reason"] = .string(reason) }
            if let diff = planned.diff { entry["diff"] = diffBody(diff) }
            return .map(entry)
        })
    }

    private static func diffBody(_ diff: [PropertyChange]) -> Value {
        .list(diff.map { ["property": .string($0.name), "old": $0.old, "new": $0.new] })
    }

    /// One line per resource, then one indented line per changed property.
    static func text(_ plan: [PlanLine]) -> String {
        let nameWidth = plan.map(\.name.count).max() ?? 0
        let typeWidth = plan.map(\.type.count).max() ?? 0
        var out = ""
        for planned in plan {
            let name = planned.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            let type = planned.type.padding(toLength: typeWidth, withPad: " ", startingAt: 0)
            out += "\(name)  \(type)  \(planned.kind)"
            if let reason = planned.reason { out += " (\(reason))" }
            out += "\n" + diffText(planned.diff ?? [])
        }
        let counts = ["added", "updated", "replaced", "deleted", "unchanged"].map { kind in
            "\(plan.filter { $0.kind == kind }.count) \(kind)"
        }
        return out + "Plan: " + counts.joined(separator: ", ") + "\n"
    }

    private static func diffText(_ diff: [PropertyChange]) -> String {
        diff.map { "    \($0.name): \($0.old.jsonText()) -> \($0.new.jsonText())\n" }.joined()
    }
}
