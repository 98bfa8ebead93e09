import Foundation
import KilnEngine
import KilnModel
import KilnStore
import Testing

/// Secrets at rest end to end on a SQLite file: a hidden parameter (given directly and through
/// an environment file) and a random string never appear in the database's bytes, and a new
/// engine on the same file and key (a restart) updates the stack and resolves its outputs with
/// them. Another key is a clear error.
@Suite("Secrets sealed at rest")
struct SecretsAtRestTests {
    static let template = """
        heat_template_version: 2021-04-16
        parameters:
          password: {type: string, hidden: true}
          api_key: {type: string, hidden: true}
          user: {type: string, default: admin}
        resources:
          v: {type: OS::Heat::Value, properties: {value: {get_param: password}}}
          k: {type: OS::Heat::Value, properties: {value: {get_param: api_key}}}
          r: {type: OS::Heat::RandomString, properties: {length: 24}}
        outputs:
          line: {value: {str_replace: {template: "user=U pw=P!", params: {U: {get_param: user}, P: {get_attr: [v, value]}}}}}
          key: {value: {list_join: ["-", [{get_attr: [k, value]}, "x"]]}}
        """

    static func engine(_ home: TemporaryHome, keyFile: String = "secret.key") throws -> Engine {
        let path = home.directory.appendingPathComponent(keyFile).path
        let sealer = SecretSealer(keyring: try SecretKeyFile.loadOrCreate(path: path), keySource: path)
        return Engine(store: SealedStore(try home.store(), sealer: sealer))
    }

    /// The database file and its WAL and shared-memory files, as bytes.
    static func databaseBytes(_ home: TemporaryHome) -> Data {
        var bytes = Data()
        for suffix in ["", "-wal", "-shm"] {
            bytes += (try? Data(contentsOf: URL(fileURLWithPath: home.databasePath + suffix))) ?? Data()
        }
        return bytes
    }

    @Test func hiddenValuesAreNotInTheFileAndSurviveARestart() async throws {
        let home = TemporaryHome()
        var stackID = ""
        var random = ""
        do {
            let engine = try Self.engine(home)
            var create = request("s", Self.template, parameters: ["password": "hunter2-at-rest"])
            create.environments = [NamedText(name: "env.yaml", text: "parameters:\n  api_key: env-key-at-rest-0123\n")]
            let stack = try await engine.create(create)
            #expect(stack.status == .complete, "\(stack.statusReason)")
            stackID = stack.id
            random = try #require(try await engine.store.resource(stackID: stack.id, name: "r")?.data["value"].stringValue)
        }
        let bytes = Self.databaseBytes(home)
        #expect(bytes.count > 4096)
        for secret in ["hunter2-at-rest", "env-key-at-rest-0123", random] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is readable in the database file")
        }
        #expect(bytes.range(of: Data(SecretSealer.marker.utf8)) != nil)

        // A restart: a new engine on the same file and key.
        let engine = try Self.engine(home)
        let stack = try await engine.stack("s")
        #expect(stack.id == stackID)
        #expect(stack.parameters["password"] == "hunter2-at-rest")
        var outputs = try await engine.outputs(of: stack)
        #expect(outputs.first { $0.key == "line" }?.value == "user=admin pw=******!")
        // The environment's hidden value opened back (an unopened one would show sealed, not masked).
        #expect(outputs.first { $0.key == "key" }?.value == "******-x")
        let updated = try await engine.update("s", UpdateRequest(parameters: ["user": "bob"], existing: true))
        #expect(updated.statusText == "UPDATE_COMPLETE", "\(updated.statusReason)")
        outputs = try await engine.outputs(of: try await engine.stack("s"))
        #expect(outputs.first { $0.key == "line" }?.value == "user=bob pw=******!")
        #expect(try await engine.store.resource(stackID: stackID, name: "v")?.attributes["value"] == "hunter2-at-rest")
        #expect(try await engine.store.resource(stackID: stackID, name: "r")?.data["value"].stringValue == random)
        let after = Self.databaseBytes(home)
        #expect(after.range(of: Data("hunter2-at-rest".utf8)) == nil)

        // Another key: the stack cannot be read, and the message says why and which key.
        let stranger = try Self.engine(home, keyFile: "other.key")
        var failure: (any Error)?
        do { _ = try await stranger.stack("s") } catch { failure = error }
        let message = "\(try #require(failure))"
        #expect(message.contains("cannot decrypt the stored parameter"), "\(message)")
        #expect(message.contains("other.key"))
    }
}
