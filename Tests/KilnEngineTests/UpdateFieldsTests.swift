import Foundation
import KilnEngine
import KilnModel
import KilnStore
import Testing

/// The stack's own fields across updates, as Heat keeps them (measured with heat-oracle:
/// PUT without `tags` clears them, PATCH keeps them; both keep `timeout_mins` and
/// `disable_rollback` unless given).
@Suite("Stack fields on update")
struct UpdateFieldsTests {
    static let template = "heat_template_version: 2018-08-31\nresources:\n  v: {type: OS::Heat::Value, properties: {value: x}}\n"

    @Test func aFullUpdateClearsTagsAnExistingOneKeepsThem() async throws {
        let home = TemporaryHome()
        let engine = try home.engine()
        var create = request("fields", Self.template)
        create.tags = ["t1", "t2"]
        create.timeoutMinutes = 7
        create.disableRollback = false
        _ = try await engine.create(create)

        let patched = try await engine.update("fields", UpdateRequest(existing: true))
        #expect(patched.tags == ["t1", "t2"] && patched.timeoutMinutes == 7 && patched.disableRollback == false)

        let replaced = try await engine.update("fields", UpdateRequest(templateName: "fields.yaml", template: Self.template))
        #expect(replaced.tags == [] && replaced.timeoutMinutes == 7 && replaced.disableRollback == false)

        let tagged = try await engine.update("fields", UpdateRequest(
            templateName: "fields.yaml", template: Self.template, timeoutMinutes: 9, disableRollback: true, tags: ["x1"]))
        #expect(tagged.tags == ["x1"] && tagged.timeoutMinutes == 9 && tagged.disableRollback == true)
        let kept = try await engine.update("fields", UpdateRequest(existing: true))
        #expect(kept.tags == ["x1"] && kept.timeoutMinutes == 9 && kept.disableRollback == true)
    }
}
