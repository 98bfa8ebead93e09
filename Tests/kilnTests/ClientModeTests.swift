import Foundation
import KilnModel
import KilnStore
import Testing

/// `kiln stack ...` against a real `kiln serve` (`--os-cloud kiln`): the same commands print
/// the same shapes as the embedded engine, and the server's store holds what they did.
@Suite("Client mode", .serialized)
struct ClientModeTests {
    /// A template with a `get_file` and a provider template next to it, and an environment:
    /// all must reach the server in the files map.
    static func writeTemplates(into home: KilnHome) throws -> (template: String, environment: String) {
        _ = try home.write("data.txt", "from a file\n")
        _ = try home.write("nested.yaml", """
            heat_template_version: 2018-08-31
            parameters:
              word: {type: string}
            resources:
              echo:
                type: OS::Heat::Value
                properties: {value: {get_param: word}}
            outputs:
              shout: {value: {get_attr: [echo, value]}}
            """)
        let template = try home.write("tmpl.yaml", """
            heat_template_version: 2018-08-31
            description: Client mode
            parameters:
              word: {type: string, default: hello}
              level: {type: number}
            resources:
              note:
                type: OS::Heat::Value
                properties:
                  value: {get_file: data.txt}
              inner:
                type: nested.yaml
                depends_on: note
                properties:
                  word: {get_param: word}
            outputs:
              note:
                description: The file's text.
                value: {get_attr: [note, value]}
              shout: {value: {get_attr: [inner, shout]}}
            """)
        let environment = try home.write("env.yaml", "parameters:\n  level: 3\n")
        return (template, environment)
    }

    /// An event line without its time: `[name]: STATUS  reason`.
    static func eventLines(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            guard let bracket = line.firstIndex(of: "["), line.hasPrefix("20") else { return nil }
            return String(line[bracket...])
        }
    }

    /// The Field column of a Field/Value table.
    static func fields(_ text: String) -> [String] {
        let lines = text.split(separator: "\n")
        guard let header = lines.firstIndex(where: { $0.hasPrefix("Field") }) else { return [] }
        return lines[(header + 2)...].compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    static func json(_ run: CLITests.Run) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(run.stdout.utf8), options: [.fragmentsAllowed])
    }

    static func keys(_ object: Any?) -> Set<String> { Set(((object as? [String: Any]) ?? [:]).keys) }

    @Test func stackLifecycleMatchesTheEmbeddedEngine() async throws {
        let server = try await ServedKiln()
        let local = try KilnHome()
        let (template, environment) = try Self.writeTemplates(into: local)
        let create = ["stack", "create", "web", "-t", template, "-e", environment, "--parameter", "word=hi", "--tag", "a,b", "--wait"]

        let remoteCreate = try await server.client(create)
        #expect(remoteCreate.status == 0, "\(remoteCreate.stderr)")
        let localCreate = try await ServedKiln.embedded(create, home: local)
        #expect(localCreate.status == 0, "\(localCreate.stderr)")
        #expect(Self.eventLines(remoteCreate.stdout) == Self.eventLines(localCreate.stdout))
        #expect(Self.eventLines(remoteCreate.stdout).last == "[web]: CREATE_COMPLETE  Stack CREATE completed successfully")
        #expect(Self.fields(remoteCreate.stdout) == Self.fields(localCreate.stdout))
        #expect(remoteCreate.stdout.contains("CREATE_COMPLETE"))

        // The server ran it: its store has the stack, with the parameter and tags given.
        let store = try sealed(try SQLiteStore(path: server.databasePath), home: server.home.directory)
        let stored = try await #require(try store.stacks(StackQuery(projectID: nil)).first { $0.name == "web" })
        #expect(stored.statusText == "CREATE_COMPLETE")
        #expect(stored.parameters["word"] == "hi")
        #expect(stored.tags == ["a", "b"])
        await #expect(try store.resources(stackID: stored.id).map(\.name).sorted() == ["inner", "note"])

        // list, show: the same keys; the same values where they do not name the place.
        let remoteList = try await Self.json(server.client(["stack", "list", "--format", "json"])) as? [[String: Any]] ?? []
        let localList = try await Self.json(ServedKiln.embedded(["stack", "list", "--format", "json"], home: local)) as? [[String: Any]] ?? []
        #expect(remoteList.count == 1)
        #expect(Self.keys(remoteList.first) == Self.keys(localList.first))
        #expect(remoteList.first?["Stack Status"] as? String == "CREATE_COMPLETE")
        #expect(remoteList.first?["ID"] as? String == stored.id)

        let remoteShow = try await Self.json(server.client(["stack", "show", "web", "--format", "json"])) as? [String: Any] ?? [:]
        let localShow = try await Self.json(ServedKiln.embedded(["stack", "show", "web", "--format", "json"], home: local)) as? [String: Any] ?? [:]
        #expect(Self.keys(remoteShow) == Self.keys(localShow))
        #expect(remoteShow["description"] as? String == "Client mode")
        #expect(remoteShow["tags"] as? [String] == ["a", "b"])
        let remoteParameters = remoteShow["parameters"] as? [String: String] ?? [:]
        let localParameters = localShow["parameters"] as? [String: String] ?? [:]
        #expect(remoteParameters["word"] == "hi" && remoteParameters["level"] == "3")
        #expect(Set(remoteParameters.keys) == Set(localParameters.keys))
        let outputs = (remoteShow["outputs"] as? [[String: Any]] ?? []).sorted { "\($0["output_key"] ?? "")" < "\($1["output_key"] ?? "")" }
        #expect(outputs.map { $0["output_value"] as? String } == ["from a file\n", "hi"])
        let remoteShowTable = try await server.client(["stack", "show", "web"])
        #expect(Self.fields(remoteShowTable.stdout) == Self.fields(try await ServedKiln.embedded(["stack", "show", "web"], home: local).stdout))

        // resource list and event list: the same columns and rows (ids and times aside).
        let remoteResources = try await server.client(["stack", "resource", "list", "web"])
        let localResources = try await ServedKiln.embedded(["stack", "resource", "list", "web"], home: local)
        #expect(remoteResources.status == 0, "\(remoteResources.stderr)")
        #expect(remoteResources.stdout.split(separator: "\n").first == localResources.stdout.split(separator: "\n").first)
        let resourceRows = try await Self.json(server.client(["stack", "resource", "list", "web", "--format", "json"])) as? [[String: Any]] ?? []
        #expect(resourceRows.map { $0["resource_name"] as? String } == ["inner", "note"])
        #expect(resourceRows.map { $0["resource_type"] as? String } == ["nested.yaml", "OS::Heat::Value"])
        let resourceShow = try await Self.json(server.client(["stack", "resource", "show", "web", "note", "--format", "json"])) as? [String: Any] ?? [:]
        let localResourceShow = try await Self.json(ServedKiln.embedded(["stack", "resource", "show", "web", "note", "--format", "json"], home: local)) as? [String: Any] ?? [:]
        #expect(Self.keys(resourceShow) == Self.keys(localResourceShow))
        #expect(resourceShow["required_by"] as? [String] == ["inner"])

        let remoteEvents = try await server.client(["stack", "event", "list", "web"])
        let localEvents = try await ServedKiln.embedded(["stack", "event", "list", "web"], home: local)
        #expect(remoteEvents.status == 0, "\(remoteEvents.stderr)")
        #expect(Self.eventLines(remoteEvents.stdout) == Self.eventLines(localEvents.stdout))
        let eventRows = try await Self.json(server.client(["stack", "event", "list", "web", "--format", "json"])) as? [[String: Any]] ?? []
        let localEventRows = try await Self.json(ServedKiln.embedded(["stack", "event", "list", "web", "--format", "json"], home: local)) as? [[String: Any]] ?? []
        #expect(Self.keys(eventRows.first) == Self.keys(localEventRows.first))

        // output list and show.
        let outputList = try await server.client(["stack", "output", "list", "web"])
        #expect(outputList.stdout.split(separator: "\n").first == "output_key  description")
        #expect(outputList.stdout.contains("The file's text."))
        let shout = try await server.client(["stack", "output", "show", "web", "shout", "--format", "json"])
        #expect(shout.status == 0, "\(shout.stderr)")
        #expect(try Self.json(shout) as? String == "hi")
        let outputTable = try await server.client(["stack", "output", "show", "web", "note"])
        let localOutputTable = try await ServedKiln.embedded(["stack", "output", "show", "web", "note"], home: local)
        #expect(outputTable.stdout == localOutputTable.stdout)

        // update: the parameter changes on the server, the events show the update.
        let update = ["stack", "update", "web", "--existing", "--parameter", "word=bye", "--wait"]
        let remoteUpdate = try await server.client(update)
        #expect(remoteUpdate.status == 0, "\(remoteUpdate.stderr)")
        #expect(Self.eventLines(remoteUpdate.stdout).first == "[web]: UPDATE_IN_PROGRESS  Stack UPDATE started")
        #expect(Self.eventLines(remoteUpdate.stdout).last == "[web]: UPDATE_COMPLETE  Stack UPDATE completed successfully")
        #expect(!Self.eventLines(remoteUpdate.stdout).contains { $0.contains("CREATE") })
        let updated = try await #require(try store.stack(id: stored.id))
        #expect(updated.statusText == "UPDATE_COMPLETE")
        #expect(updated.parameters["word"] == "bye")
        #expect(try await Self.json(server.client(["stack", "output", "show", "web", "shout", "--format", "json"])) as? String == "bye")

        // dry run of an update: the plan, nothing changed.
        let plan = try await server.client(["stack", "update", "web", "-t", template, "-e", environment, "--parameter", "word=bye", "--dry-run"])
        let localPlan = try await ServedKiln.embedded(
            ["stack", "update", "web", "-t", template, "-e", environment, "--parameter", "word=hi", "--dry-run"], home: local)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout == localPlan.stdout)
        #expect(plan.stdout.hasSuffix("Plan: 0 added, 0 updated, 0 replaced, 0 deleted, 2 unchanged\n"))
        await #expect(try store.stack(id: stored.id)?.statusText == "UPDATE_COMPLETE")

        // delete: gone from the server, the last event shown.
        let remoteDelete = try await server.client(["stack", "delete", "web", "--yes", "--wait"])
        #expect(remoteDelete.status == 0, "\(remoteDelete.stderr)")
        #expect(Self.eventLines(remoteDelete.stdout).first == "[web]: DELETE_IN_PROGRESS  Stack DELETE started")
        #expect(Self.eventLines(remoteDelete.stdout).last == "[web]: DELETE_COMPLETE  Stack DELETE completed successfully")
        // Kept deleted (Heat's soft delete): readable by id, hidden by name.
        await #expect(try store.stack(id: stored.id)?.statusText == "DELETE_COMPLETE")
        let missing = try await server.client(["stack", "show", "web"])
        #expect(missing.status == 1)
        let deletedList = try await server.client(["stack", "list", "--show-deleted", "--format", "json"])
        #expect(deletedList.stdout.contains("DELETE_COMPLETE"), "\(deletedList.stdout)")
        #expect(!(try await server.client(["stack", "list", "--format", "json"])).stdout.contains("DELETE_COMPLETE"))
        #expect(missing.stderr == "kiln: The Stack (web) could not be found.\n")
    }

    @Test func failuresExitOneWithTheReasonAndBadTemplatesNameTheLocalFile() async throws {
        let server = try await ServedKiln()
        let local = try KilnHome()
        let failing = try local.write("fail.yaml", """
            heat_template_version: 2018-08-31
            resources:
              boom:
                type: OS::Heat::TestResource
                properties: {fail: true}
            """)
        let failed = try await server.client(["stack", "create", "bad", "-t", failing, "--wait"])
        #expect(failed.status == 1)
        #expect(failed.stderr.hasPrefix("kiln: stack bad CREATE_FAILED: "), "\(failed.stderr)")
        #expect(Self.eventLines(failed.stdout).last?.hasPrefix("[bad]: CREATE_FAILED") == true)

        let broken = try local.write("broken.yaml", """
            heat_template_version: 2018-08-31
            resources:
              r:
                type: OS::Heat::None
                properties: {word: {get_param: nope}}
            """)
        let invalid = try await server.client(["stack", "create", "worse", "-t", broken])
        let embedded = try await ServedKiln.embedded(["stack", "create", "worse", "-t", broken], home: local)
        #expect(invalid.status == 1)
        #expect(invalid.stderr == embedded.stderr)
        #expect(invalid.stderr.hasPrefix(broken + ":"), "\(invalid.stderr)")
    }

    @Test func noCloudConfigurationIsAClearError() async throws {
        let scratch = try KilnHome()
        var environment = ServedKiln.embeddedEnvironment
        environment["OS_CLIENT_CONFIG_FILE"] = scratch.directory.appendingPathComponent("absent.yaml").path
        environment["HOME"] = scratch.directory.path
        let run = try await ServedKiln.run(["stack", "list", "--os-cloud", "nowhere"], environment: environment)
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("kiln: cloud 'nowhere' asked for, but no clouds.yaml was found"), "\(run.stderr)")
    }
}
