/// Creating users from the command line (`kiln identity user create`).
extension IdentityFile {
    public enum UserError: Error, CustomStringConvertible {
        case exists(String)
        case noRoles

        public var description: String {
            switch self {
            case .exists(let name): return "user \(name) already exists"
            case .noRoles: return "a user needs at least one role"
            }
        }
    }

    /// Adds user `name` with `roles` in project `project` (created when new); the generated password.
    public mutating func createUser(name: String, project: String, roles: [String]) throws(UserError) -> String {
        guard !users.contains(where: { $0.name == name }) else { throw .exists(name) }
        guard !roles.isEmpty else { throw .noRoles }
        let password = RandomText.password()
        addUser(name: name, password: password, project: project, roles: roles)
        return password
    }
}
