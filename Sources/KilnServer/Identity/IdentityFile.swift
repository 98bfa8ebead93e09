import Foundation

/// `HOME/identity.json`: the projects and users of the built-in Keystone subset, as Kiln kept
/// them before they moved to the database. `kiln serve` still creates it at first start (with
/// the admin) and imports it into a database that has no user yet; after that the database is
/// what counts and the file is not read again.
public struct IdentityFile: Codable, Sendable {
    public struct Project: Codable, Sendable {
        public var id: String
        public var name: String
        public var domainID: String
    }

    public struct User: Codable, Sendable {
        public var id: String
        public var name: String
        public var domainID: String
        /// `pbkdf2-sha256$…`, see PasswordHash.
        public var passwordHash: String
        /// Role names by project id.
        public var roles: [String: [String]]
    }

    public var projects: [Project]
    public var users: [User]

    /// A fresh identity: project `admin` and user `admin` (role admin) with the given password.
    static func initial(adminPassword: String, iterations: Int) -> IdentityFile {
        let project = Project(id: RandomText.id(), name: "admin", domainID: "default")
        let user = User(
            id: RandomText.id(), name: "admin", domainID: "default",
            passwordHash: PasswordHash.make(adminPassword, iterations: iterations),
            roles: [project.id: ["admin", "member", "reader"]])
        return IdentityFile(projects: [project], users: [user])
    }

    /// Reads `path`, or creates it (mode 0600) with a new admin whose password is returned once.
    /// `iterations`: of the admin's password hash (only tests lower it).
    public static func openOrCreate(
        path: String, iterations: Int = IdentityOptions.defaultPasswordIterations
    ) throws -> (IdentityFile, newAdminPassword: String?) {
        if FileManager.default.fileExists(atPath: path) {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return (try JSONDecoder().decode(IdentityFile.self, from: data), nil)
        }
        let password = RandomText.password()
        let file = IdentityFile.initial(adminPassword: password, iterations: iterations)
        try file.write(to: path)
        return (file, password)
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// Adds a project and a user with a role in it (tests and future `kiln identity` commands).
    public mutating func addUser(
        name: String, password: String, project projectName: String, roles: [String] = ["member"],
        iterations: Int = IdentityOptions.defaultPasswordIterations
    ) {
        let project: Project
        if let existing = projects.first(where: { $0.name == projectName }) {
            project = existing
        } else {
            project = Project(id: RandomText.id(), name: projectName, domainID: "default")
            projects.append(project)
        }
        users.append(User(
            id: RandomText.id(), name: name, domainID: "default", passwordHash: PasswordHash.make(password, iterations: iterations),
            roles: [project.id: roles]))
    }
}
