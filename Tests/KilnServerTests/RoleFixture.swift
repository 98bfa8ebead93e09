import Foundation
import KilnEngine
import KilnServer
import KilnStore

extension ServerFixture {
    /// A user to add to identity.json: name, password, project name, roles there.
    struct User {
        var name: String
        var project: String
        var roles: [String]
        var password: String { "\(name)-secret" }
    }

    /// The usual fixture plus `users`, the request log going to `log`.
    init(users: [User], log: RequestLog = .silent) throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: home.appendingPathComponent("kiln.db").path)
        let path = home.appendingPathComponent("identity.json").path
        var (file, password) = try IdentityFile.openOrCreate(path: path, iterations: SharedIdentityServers.fastIterations)
        for user in users { file.addUser(
            name: user.name, password: user.password, project: user.project, roles: user.roles,
            iterations: SharedIdentityServers.fastIterations) }
        try file.write(to: path)
        server = KilnServer(engine: Engine(store: store), identity: IdentityService(file: file, options: SharedIdentityServers.fastOptions()), log: log)
        adminPassword = password ?? ""
    }
}
