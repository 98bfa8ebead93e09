import Foundation
import KilnCloud

/// Nova flavors made by stacks (OS::Nova::Flavor). Flavors are cloud-wide, as in Nova: a
/// public one is kept with the default catalog's, a private one under the project that made
/// it (the emulator lists every flavor to every project; access lists are not emulated).
extension EmulatedSession {
    func createFlavor(_ flavor: Flavor, tenants: [String]) async throws -> Flavor {
        try cloud.injectFault("flavor.create")
        let project = projectID
        guard flavor.vcpus > 0, flavor.ramMB > 0, flavor.diskGB >= 0 else {
            throw CloudError(.badRequest, "Invalid input for field/attribute flavor. Value: vcpus, ram and disk must be positive.")
        }
        return try await write { tables in
            var made = flavor
            if made.id.isEmpty || made.id == "auto" { made.id = UUID().uuidString.lowercased() }
            if try tables.flavor(made.id) != nil { throw CloudError(.conflict, "Flavor with ID \(made.id) already exists.") }
            let all: [Flavor] = try tables.all(.flavor)
            if all.contains(where: { $0.name == made.name }) {
                throw CloudError(.conflict, "Flavor with name \(made.name) already exists.")
            }
            let owner = made.isPublic ? DefaultCatalog.serviceProject : project
            try tables.put(.flavor, made.id, made, project: owner, name: made.name)
            return made
        }
    }

    func setFlavorExtraSpecs(id: String, _ extraSpecs: [String: String]) async throws -> Flavor {
        try await write { tables in
            guard var flavor = try tables.flavor(id) else { throw CloudError(.notFound, "Flavor \(id) could not be found.") }
            guard let row = try tables.raw.row(kind: EmulatedKind.flavor.rawValue, id: flavor.id) else {
                throw CloudError(.notFound, "Flavor \(id) could not be found.")
            }
            flavor.extraSpecs = extraSpecs
            try tables.put(.flavor, flavor.id, flavor, project: row.projectID, name: flavor.name)
            return flavor
        }
    }

    func deleteFlavor(id: String) async throws {
        try cloud.injectFault("flavor.delete")
        try await write { tables in
            guard let flavor = try tables.flavor(id) else { return }
            try tables.delete(.flavor, flavor.id)
        }
    }
}
