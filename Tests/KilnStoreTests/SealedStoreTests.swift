import Crypto
import Foundation
import KilnModel
import KilnStore
import Testing

/// Secrets at rest: what `SealedStore` writes is not readable in the database's own rows (read
/// back through the same backend without the key), opens back exactly, keeps loading rows
/// written before sealing, and names the key when it is the wrong one. On SQLite and PostgreSQL.
@Suite struct SealedStoreTests {
    static let secrets = [
        "hunter2-param", "env-secret-42", "hook-secret-7", "sig-key-xyz", "attr-secret-9", "snap-secret-3", "Bearer tok-55",
    ]

    /// A webhook sink with a secret and a header, as an environment's `event_sinks` gives it.
    static let sink = EventSink(
        kind: .webhook, target: "http://127.0.0.1:9/hook", secret: "hook-secret-7", headers: ["Authorization": "Bearer tok-55"])

    static func sealer(_ source: String = "test.key") -> SecretSealer {
        SecretSealer(key: SymmetricKey(size: .bits256), keySource: source)
    }

    static func stack() -> StackRecord {
        StackRecord(
            name: "db", projectID: "p1", parameters: ["db_password": "hunter2-param", "flavor": "m1.small"],
            createdAt: at(0))
    }

    static func environmentTemplate() -> TemplateRecord {
        TemplateRecord(
            name: "db.yaml", content: "heat_template_version: 2021-04-16\n",
            environments: [NamedText(name: "env.yaml", text: """
                parameters:
                  admin_password: env-secret-42
                event_sinks:
                  - {type: webhook, url: "http://127.0.0.1:9/hook", secret: hook-secret-7}
                """)])
    }

    static func resource(_ stackID: String) -> ResourceRecord {
        ResourceRecord(
            stackID: stackID, name: "policy", type: "OS::Heat::ScalingPolicy", physicalID: "p-1", action: .create,
            status: .complete, properties: ["password": "hunter2-param"], attributes: ["value": "attr-secret-9"],
            data: ["signing_key": "sig-key-xyz"], createdAt: at(1))
    }

    /// Every field of what the backend holds for the stack, as text.
    static func rawText(_ raw: any Store, _ stackID: String, templateID: Int64, snapshotID: String) async throws -> String {
        let stack = try #require(try await raw.stack(id: stackID))
        let template = try #require(try await raw.template(id: templateID))
        let resources = try await raw.resources(stackID: stackID)
        let snapshot = try #require(try await raw.snapshot(id: snapshotID))
        let sinks = try await raw.notificationSinks().values.map { $0.definition.jsonText() }.joined()
        return [
            sinks, stack.parameters.description, template.environments.map(\.text).joined(),
            resources.map { [$0.properties, $0.attributes, $0.data, $0.metadata].map { $0.jsonText() }.joined() }.joined(),
            snapshot.data.jsonText(),
        ].joined(separator: "\n")
    }

    @Test(arguments: StoreBackend.allCases) func secretsAreSealedInTheRowsAndOpenBackExactly(_ backend: StoreBackend) async throws {
        let database = try await backend.database()
        let raw = try await database.open()
        let sealed = SealedStore(raw, sealer: Self.sealer())
        let stack = Self.stack()
        let created = try await sealed.createStack(
            stack, template: Self.environmentTemplate(), events: [],
            subscription: NotificationSubscription(stackID: stack.id, projectID: "p1", sinks: [Self.sink]))
        let templateID = try #require(created.templateID)
        try await sealed.commit(StoreBatch(resources: [Self.resource(created.id)]))
        let snapshot = SnapshotRecord(stackID: created.id, name: "s", templateID: templateID, data: ["value": "snap-secret-3"], createdAt: at(2))
        try await sealed.saveSnapshot(snapshot)

        // Through the key: exactly what was written.
        #expect(try await sealed.stack(id: created.id)?.parameters == Self.stack().parameters)
        #expect(try await sealed.stacks(StackQuery(projectID: "p1")).map(\.parameters) == [Self.stack().parameters])
        #expect(try await sealed.template(id: templateID)?.environments == Self.environmentTemplate().environments)
        var expectedResource = Self.resource(created.id)
        expectedResource.createdAt = try #require(try await sealed.resources(stackID: created.id).first?.createdAt)
        #expect(try await sealed.resources(stackID: created.id) == [expectedResource])
        #expect(try await sealed.resource(stackID: created.id, name: "policy") == expectedResource)
        #expect(try await sealed.snapshot(id: snapshot.id)?.data == snapshot.data)
        // The sink under its plain id (the outbox's rows name it), its secret and header opened.
        #expect(try await sealed.notificationSinks() == [Self.sink.id: Self.sink])

        // The backend's own rows, read without the key: no secret, each sealed value marked.
        let text = try await Self.rawText(raw, created.id, templateID: templateID, snapshotID: snapshot.id)
        for secret in Self.secrets { #expect(!text.contains(secret), "\(secret) readable in the \(backend) rows") }
        let rawStack = try #require(try await raw.stack(id: created.id))
        #expect(rawStack.parameters["db_password"]?.hasPrefix(SecretSealer.marker) == true)
        #expect(rawStack.parameters.keys.sorted() == ["db_password", "flavor"])
        // The same secret sealed twice looks different (a fresh nonce each time).
        let resealed = try await sealed.createStack(
            StackRecord(name: "db2", projectID: "p1", parameters: ["db_password": "hunter2-param"]), template: template(), events: [])
        #expect(try await raw.stack(id: resealed.id)?.parameters["db_password"] != rawStack.parameters["db_password"])
    }

    @Test(arguments: StoreBackend.allCases) func rowsWrittenBeforeSealingStillLoad(_ backend: StoreBackend) async throws {
        let database = try await backend.database()
        let raw = try await database.open()
        let created = try await raw.createStack(Self.stack(), template: Self.environmentTemplate(), events: [])
        try await raw.commit(StoreBatch(resources: [Self.resource(created.id)]))
        let sealed = SealedStore(raw, sealer: Self.sealer())
        #expect(try await sealed.stack(id: created.id)?.parameters == Self.stack().parameters)
        #expect(try await sealed.template(id: try #require(created.templateID))?.environments == Self.environmentTemplate().environments)
        #expect(try await sealed.resource(stackID: created.id, name: "policy")?.data == ["signing_key": "sig-key-xyz"])
        // Written again, it is sealed.
        var stack = try #require(try await sealed.stack(id: created.id))
        stack.statusReason = "touched"
        try await sealed.commit(StoreBatch(stacks: [stack]))
        #expect(try await raw.stack(id: created.id)?.parameters["db_password"]?.hasPrefix(SecretSealer.marker) == true)
    }

    @Test(arguments: StoreBackend.allCases) func theWrongKeyIsAClearErrorNamingTheKeyFile(_ backend: StoreBackend) async throws {
        let database = try await backend.database()
        let raw = try await database.open()
        let created = try await SealedStore(raw, sealer: Self.sealer("/etc/kiln/a.key"))
            .createStack(Self.stack(), template: Self.environmentTemplate(), events: [])
        let other = SealedStore(raw, sealer: Self.sealer("/etc/kiln/b.key"))
        var failure: StoreError?
        do { _ = try await other.stack(id: created.id) } catch let error as StoreError { failure = error }
        let message = try #require(failure).description
        #expect(message.contains("cannot decrypt the stored parameter 'db_password' of stack db"), "\(message)")
        #expect(message.contains("secret key in /etc/kiln/b.key"))
        #expect(message.contains("--secret-key-file"))
        #expect(!message.contains("hunter2"))
        await #expect(throws: StoreError.self) { _ = try await other.template(id: try #require(created.templateID)) }
    }

    /// A rotation (`kiln secret-key rotate`): every value sealed under the old key, in whichever
    /// table, is sealed again under the new one (`census` finds none left under the old id), all
    /// of it opens exactly with the new key alone, text that merely starts like a sealed value is
    /// left as it was, and a second pass has nothing to do.
    @Test(arguments: StoreBackend.allCases) func aRotationResealsEveryStoredSecretUnderTheNewKey(_ backend: StoreBackend) async throws {
        let database = try await backend.database()
        let raw = try await database.open()
        let old = SymmetricKey(size: .bits256), new = SymmetricKey(size: .bits256)
        let before = SealedStore(raw, sealer: SecretSealer(key: old, keySource: "old.key"))
        let stack = Self.stack()
        var created = try await before.createStack(
            stack, template: Self.environmentTemplate(), events: [],
            subscription: NotificationSubscription(stackID: stack.id, projectID: "p1", sinks: [Self.sink]))
        let templateID = try #require(created.templateID)
        created.statusReason = "kiln-enc:v2:0011223344556677:bm90IHNlYWxlZA=="
        try await before.commit(StoreBatch(stacks: [created], resources: [Self.resource(created.id)]))
        let snapshot = SnapshotRecord(stackID: created.id, name: "s", templateID: templateID, data: ["value": "snap-secret-3"], createdAt: at(2))
        try await before.saveSnapshot(snapshot)

        let oldID = SecretKeyring.id(of: old), newID = SecretKeyring.id(of: new)
        let counted = try await SecretKeyRotation.census(raw)
        #expect(counted.keys.sorted() == [oldID])
        #expect(counted[oldID, default: 0] >= 7, "\(counted)")
        let ring = SecretKeyring(keys: [new, old])
        let replaced = try await SecretKeyRotation.reseal(raw, with: SecretSealer(keyring: ring, keySource: "both.key"))
        #expect(replaced == counted[oldID])
        #expect(try await SecretKeyRotation.census(raw) == [newID: replaced])
        #expect(try await SecretKeyRotation.reseal(raw, with: SecretSealer(keyring: ring, keySource: "both.key")) == 0)

        let after = SealedStore(raw, sealer: SecretSealer(key: new, keySource: "new.key"))
        let reread = try #require(try await after.stack(id: created.id))
        #expect(reread.parameters == Self.stack().parameters)
        #expect(reread.statusReason == created.statusReason)
        #expect(try await after.template(id: templateID)?.environments == Self.environmentTemplate().environments)
        #expect(try await after.resource(stackID: created.id, name: "policy")?.data == Self.resource(created.id).data)
        #expect(try await after.resource(stackID: created.id, name: "policy")?.properties == Self.resource(created.id).properties)
        #expect(try await after.snapshot(id: snapshot.id)?.data == snapshot.data)
        #expect(try await after.notificationSinks() == [Self.sink.id: Self.sink])
        // The old key alone no longer opens anything, and says which key it would need.
        var failure: StoreError?
        do { _ = try await before.stack(id: created.id) } catch let error as StoreError { failure = error }
        #expect(try #require(failure).description.contains("sealed with key \(newID), which that file does not hold"))
    }
}
