import Foundation
import KilnCloud
import KilnEmulator
import KilnStore

/// A fresh emulated cloud on an in-memory database, and one project's session of it.
func emulatedCloud(_ options: EmulatorOptions = EmulatorOptions()) async throws -> (EmulatedCloud, CloudSession) {
    let cloud = try await EmulatedCloud(store: try SQLiteStore.inMemory(), options: options)
    return (cloud, cloud.session(projectID: "demo"))
}

/// A network with one subnet of `cidr`.
func makeNetwork(_ session: CloudSession, name: String = "private", cidr: String = "10.0.0.0/24",
                 pools: [AddressRange]? = nil) async throws -> (Network, Subnet) {
    let network = try await session.network.createNetwork(NetworkRequest(name: name))
    let subnet = try await session.network.createSubnet(
        SubnetRequest(name: name + "-subnet", networkID: network.id, cidr: cidr, allocationPools: pools))
    return (network, subnet)
}

/// The error a call throws, as a `CloudError`.
func cloudError(_ call: () async throws -> Void) async -> CloudError? {
    do {
        try await call()
        return nil
    } catch let error as CloudError {
        return error
    } catch {
        return CloudError(.serverError, "not a CloudError: \(error)")
    }
}
