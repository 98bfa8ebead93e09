import Foundation
import Hummingbird
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// `POST S/actions` (suspend, resume, check, cancel_update) and `S/snapshots`.
extension HeatAPI {
    func action(_ call: HeatRequest, _ stack: StackRecord) async throws -> Response {
        let body = try await call.body().mapValue ?? [:]
        guard body.count == 1, let name = body.keys.first else {
            throw HeatError.badRequest("Exactly one action must be given, one of: suspend, resume, check, cancel_update, cancel_without_rollback")
        }
        let engine = self.engine, id = stack.id, project = call.projectID
        switch name {
        case "suspend":
            _ = try await BackgroundOperation.start { try await engine.suspend(id, projectID: project, observer: $0) }
        case "resume":
            _ = try await BackgroundOperation.start { try await engine.resume(id, projectID: project, observer: $0) }
        case "check":
            _ = try await BackgroundOperation.start { try await engine.check(id, projectID: project, observer: $0) }
        case "cancel_update":
            try await engine.cancelUpdate(id, projectID: project)
        case "cancel_without_rollback":
            try await engine.cancelUpdate(id, projectID: project, rollback: false)
        default:
            throw HeatError.badRequest("Invalid action \(name)")
        }
        return .empty(.accepted)
    }

    func snapshots(_ call: HeatRequest, _ stack: StackRecord, rest: ArraySlice<String>) async throws -> Response {
        let project = call.projectID
        let parts = Array(rest)
        let id = parts.first ?? ""
        switch (call.method, parts.count, parts.count > 1 ? parts[1] : nil) {
        case (.get, 0, _):
            return await .json(["snapshots": .list(try engine.snapshots(of: stack).map { snapshotView($0, withData: false) })])
        case (.post, 0, _):
            let name = try await call.body().mapValue?["name"]?.stringValue
            let snapshot = try await engine.snapshot(stack.id, name: name, projectID: project)
            return .json(snapshotView(snapshot, withData: true))
        case (.get, 1, nil):
            return await .json(["snapshot": snapshotView(try snapshot(stack, id), withData: true)])
        case (.delete, 1, nil):
            _ = try await snapshot(stack, id)
            try await engine.deleteSnapshot(stack.id, snapshotID: id, projectID: project)
            return .empty(.noContent)
        case (.post, 2, "restore"?):
            _ = try await snapshot(stack, id)
            let engine = self.engine
            _ = try await BackgroundOperation.start { observer in
                try await engine.restore(stack.id, snapshotID: id, projectID: project, observer: observer)
            }
            return .empty(.accepted)
        default:
            throw HeatError.notFound("The resource could not be found.", type: "HTTPNotFound")
        }
    }

    private func snapshot(_ stack: StackRecord, _ id: String) async throws -> SnapshotRecord {
        guard let found = try await engine.snapshots(of: stack).first(where: { $0.id == id }) else {
            throw HeatError.notFound("The Snapshot (\(id)) could not be found.")
        }
        return found
    }

    private func snapshotView(_ snapshot: SnapshotRecord, withData: Bool) -> Value {
        var out: [String: Value] = [
            "id": .string(snapshot.id), "name": .string(snapshot.name), "status": .string(snapshot.status.rawValue),
            "status_reason": .string(snapshot.statusReason), "creation_time": .string(HeatTime.iso(snapshot.createdAt)),
        ]
        if withData { out["data"] = snapshot.data }
        return .map(out)
    }
}
