import ArgumentParser
import Foundation
import KilnServer

/// `kiln identity user create`: users for `kiln serve`'s built-in Keystone, in HOME/identity.json.
struct IdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity", abstract: "Manage kiln serve's users.", subcommands: [User.self])

    struct User: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage users.", subcommands: [Create.self])
    }
}

extension IdentityCommand.User {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create a user with roles in a project and print its generated password.",
            discussion: "Roles as in Heat's default policy: reader, member, admin. A running kiln serve sees the user after a restart.")

        @Argument(help: "The user's name.") var name: String
        @Option(help: "The project (created when new).") var project: String
        @Option(name: .customLong("role"), help: "A role in the project (repeatable).") var roles: [String] = ["member"]
        @OptionGroup var home: HomeOptions

        func run() async throws {
            let path = URL(fileURLWithPath: home.directory).appendingPathComponent("identity.json").path
            // kiln serve's first start creates identity.json with the admin and clouds.yaml: let it.
            guard FileManager.default.fileExists(atPath: path) else {
                standardError("kiln: \(path) does not exist yet: run kiln serve once first")
                throw ExitCode(1)
            }
            do {
                var (file, _) = try IdentityFile.openOrCreate(path: path)
                let password = try file.createUser(name: name, project: project, roles: roles)
                try file.write(to: path)
                print(password)
            } catch {
                standardError("kiln: cannot create user \(name): \(error)")
                throw ExitCode(1)
            }
        }
    }
}
