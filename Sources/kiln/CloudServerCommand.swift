import ArgumentParser
import Foundation
import KilnEmulator

/// `kiln cloud server fail SERVER`: a Kiln extension of the emulated cloud for auto-healing
/// demos: the server goes to ERROR and its members of monitored pools go OFFLINE. Then
/// `kiln stack resource mark-unhealthy` on the group member and a stack update replace it.
extension CloudCommand {
    struct ServerCommands: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "server", abstract: "Act on an emulated server (Kiln extensions).", subcommands: [Fail.self])
    }

    struct Fail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fail", abstract: "Fail a server as a dead host would: ERROR, and OFFLINE in monitored load-balancer pools.")
        @Argument(help: "The server's id or name.") var server: String
        @OptionGroup var cloud: CloudOptions

        func run() async throws {
            let (emulator, _) = try await cloud.session()
            do {
                let (failed, members) = try await emulator.failServer(server, projectID: cloud.project)
                print("server \(failed.name) (\(failed.id)): ERROR")
                for member in members { print("member \(member.id) (\(member.address):\(member.protocolPort)): OFFLINE") }
            } catch {
                standardError("kiln: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
