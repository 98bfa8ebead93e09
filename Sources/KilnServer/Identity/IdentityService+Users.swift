import Foundation
import KilnStore

/// Creating users (`kiln identity user create`), in the registry every engine reads.
extension IdentityService {
    public enum UserError: Error, CustomStringConvertible {
        case exists(String)
        case noRoles
        case unavailable(String)

        public var description: String {
            switch self {
            case .exists(let name): return "user \(name) already exists"
            case .noRoles: return "a user needs at least one role"
            case .unavailable(let reason): return "the identity could not be read or written: \(reason)"
            }
        }
    }

    /// Adds user `name` with `roles` in project `project` (created when new); the generated password.
    public func createUser(name: String, project projectName: String, roles: [String]) async throws(UserError) -> String {
        guard !roles.isEmpty else { throw .noRoles }
        do {
            guard try await !users().contains(where: { $0.name == name && $0.domainID == "default" }) else { throw UserError.exists(name) }
            let project: IdentityProjectRecord
            if let existing = try await projects().first(where: { $0.name == projectName && $0.domainID == "default" }) {
                project = existing
            } else {
                project = IdentityProjectRecord(id: RandomText.id(), name: projectName, domainID: "default")
                try await registry.saveIdentityProject(project)
            }
            let password = RandomText.password()
            try await registry.saveIdentityUser(IdentityUserRecord(
                id: RandomText.id(), name: name, domainID: "default",
                passwordHash: PasswordHash.make(password, iterations: options.passwordIterations), roles: [project.id: roles]))
            logger.notice("user created", metadata: ["user_name": .string(name), "project": .string(projectName)])
            return password
        } catch let error as UserError {
            throw error
        } catch {
            throw .unavailable("\(error)")
        }
    }
}

extension IdentityFile.Project {
    var record: IdentityProjectRecord { IdentityProjectRecord(id: id, name: name, domainID: domainID) }
}

extension IdentityFile.User {
    var record: IdentityUserRecord {
        IdentityUserRecord(id: id, name: name, domainID: domainID, passwordHash: passwordHash, roles: roles)
    }
}
