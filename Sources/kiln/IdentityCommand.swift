import ArgumentParser
import Foundation
import KilnServer
import KilnStore

/// `kiln identity`: users and token keys of `kiln serve`'s built-in Keystone, in the database
/// every engine shares (HOME's SQLite file, or `--database`).
struct IdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity", abstract: "Manage kiln serve's users and token keys.", subcommands: [User.self, RotateKeys.self])

    struct User: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage users.", subcommands: [Create.self])
    }

    /// The identity in the database; an older HOME/identity.json is imported first when the
    /// database has no user yet (as `kiln serve` does).
    static func open(home: HomeOptions, options: IdentityOptions = IdentityOptions()) async throws -> IdentityService {
        let path = URL(fileURLWithPath: home.directory).appendingPathComponent("identity.json").path
        let store = try await home.openStore()
        do {
            if FileManager.default.fileExists(atPath: path) {
                let (file, _) = try IdentityFile.openOrCreate(path: path)
                _ = try await IdentityService.importIdentity(file, into: store)
            }
            guard try await !store.identityUsers().isEmpty else {
                // kiln serve's first start creates the admin and clouds.yaml: let it.
                standardError("kiln: the database has no users yet: run kiln serve once first")
                throw ExitCode(1)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            standardError("kiln: cannot read the identity: \(error)")
            throw ExitCode(1)
        }
        return IdentityService(file: nil, shared: store, options: options)
    }
}

extension IdentityCommand.User {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create a user with roles in a project and print its generated password.",
            discussion: "Roles as in Heat's default policy: reader, member, admin. Every running kiln serve on the database sees the user at once.")

        @Argument(help: "The user's name.") var name: String
        @Option(help: "The project (created when new).") var project: String
        @Option(name: .customLong("role"), help: "A role in the project (repeatable).") var roles: [String] = ["member"]
        @OptionGroup var home: HomeOptions

        func run() async throws {
            let identity = try await IdentityCommand.open(home: home)
            do {
                print(try await identity.createUser(name: name, project: project, roles: roles))
            } catch {
                standardError("kiln: cannot create user \(name): \(error)")
                throw ExitCode(1)
            }
        }
    }
}

extension IdentityCommand {
    struct RotateKeys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-keys",
            abstract: "Make a new token key; tokens sealed with the old ones stay valid for kiln serve's --token-key-grace.",
            discussion: "Every engine on the database issues with the new key within seconds. Old keys past the grace period are deleted.")

        @Option(help: ArgumentHelp(
            "Seconds a retired key still validates, as kiln serve's --token-key-grace: keys retired longer ago are deleted "
                + "(default: the token lifetime, 12 h).",
            valueName: "SECONDS"))
        var tokenKeyGrace: Double?

        @OptionGroup var home: HomeOptions

        func validate() throws {
            if let tokenKeyGrace, !(tokenKeyGrace >= 0 && tokenKeyGrace.isFinite) {
                throw ValidationError("--token-key-grace must be 0 or more seconds")
            }
        }

        func run() async throws {
            var options = IdentityOptions()
            options.keyGrace = tokenKeyGrace
            let identity = try await IdentityCommand.open(home: home, options: options)
            do {
                try await identity.rotateKeys()
                print("kiln: token key rotated")
            } catch {
                standardError("kiln: cannot rotate the token keys: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
