import ArgumentParser
import Foundation
import KilnModel
import KilnStore

/// `kiln secret-key`: the keys that seal secrets in the database (`SecretKeyFile`). A rotation
/// puts a new key first and re-seals every stored secret with it; the old key stays in the file
/// (so values an engine still running on the old file seals keep opening) until `retire`.
struct SecretKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret-key", abstract: "Rotate the key that seals secrets in the database.",
        discussion: """
            Engines load the key file when they start. To rotate with engines running on one database: \
            run `kiln secret-key rotate`, give every engine the new file and restart them, then run \
            `kiln secret-key retire`, which re-seals what they sealed meanwhile and drops the old keys.
            """,
        subcommands: [Status.self, Rotate.self, Retire.self])

    /// The ring in the key file (which must exist: rotating a key never made is a mistake).
    static func keyring(_ home: HomeOptions) throws -> SecretKeyring {
        do {
            return try SecretKeyFile.load(home.secretKeyPath)
        } catch {
            standardError("kiln: \(error)")
            throw ExitCode(1)
        }
    }

    /// Re-seals every stored value with the ring's first key; prints and returns the count.
    static func reseal(_ store: any Store, _ ring: SecretKeyring, _ home: HomeOptions) async throws -> Int {
        do {
            return try await SecretKeyRotation.reseal(store, with: SecretSealer(keyring: ring, keySource: home.secretKeyPath))
        } catch {
            standardError("kiln: cannot re-seal the stored secrets: \(error)")
            throw ExitCode(1)
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "List the keys in the key file and how many stored secrets each sealed.")
        @Option(help: "Output format: table or json.") var format: ReportFormat = .table
        @OptionGroup var home: HomeOptions

        func run() async throws {
            let ring = try SecretKeyCommand.keyring(home)
            let store = try await home.openBaseStore()
            let counts: [String: Int]
            do {
                counts = try await SecretKeyRotation.census(store)
            } catch {
                standardError("kiln: cannot read the stored secrets: \(error)")
                throw ExitCode(1)
            }
            let unknown = counts.keys.filter { $0 != "v1" && !ring.ids.contains($0) }.sorted()
            switch format {
            case .json, .yaml:
                let keys: [Value] = ring.ids.enumerated().map { index, id in
                    .map(["id": .string(id), "primary": .bool(index == 0), "sealed_values": .int(counts[id] ?? 0)])
                }
                print(Value.map([
                    "key_file": .string(home.secretKeyPath), "keys": .list(keys),
                    "sealed_without_key_id": .int(counts["v1"] ?? 0),
                    "unknown_keys": .map(ValueMap(orderedPairs: unknown.map { ($0, Value.int(counts[$0] ?? 0)) })),
                ]).prettyJSON())
            case .table:
                print("key file: \(home.secretKeyPath)")
                for (index, id) in ring.ids.enumerated() {
                    print("\(id)  \(index == 0 ? "seals  " : "opens  ")  \(counts[id] ?? 0) stored values")
                }
                if let old = counts["v1"] { print("(no id)  \(old) stored values sealed before key ids") }
                for id in unknown { print("\(id)  MISSING  \(counts[id] ?? 0) stored values sealed with a key not in the file") }
            }
            if !unknown.isEmpty { throw ExitCode(1) }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate", abstract: "Put a new key first in the key file and re-seal every stored secret with it.")
        @OptionGroup var home: HomeOptions

        func run() async throws {
            _ = try SecretKeyCommand.keyring(home)
            let store = try await home.openBaseStore()
            let ring: SecretKeyring
            do {
                ring = try SecretKeyFile.rotate(path: home.secretKeyPath)
            } catch {
                standardError("kiln: \(error)")
                throw ExitCode(1)
            }
            let count = try await SecretKeyCommand.reseal(store, ring, home)
            print("new key \(ring.primaryID) in \(home.secretKeyPath); \(count) stored secrets re-sealed with it")
            print("old keys kept for opening: \(ring.ids.dropFirst().joined(separator: ", ")) (kiln secret-key retire drops them)")
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retire",
            abstract: "Re-seal anything still sealed with an old key, then keep only the first key in the key file.")
        @OptionGroup var home: HomeOptions

        func run() async throws {
            let ring = try SecretKeyCommand.keyring(home)
            let store = try await home.openBaseStore()
            let count = try await SecretKeyCommand.reseal(store, ring, home)
            do {
                let kept = try SecretKeyFile.retireOldKeys(path: home.secretKeyPath)
                print("\(count) stored secrets re-sealed with \(kept.primaryID); \(ring.keys.count - 1) old keys dropped from \(home.secretKeyPath)")
            } catch {
                standardError("kiln: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
