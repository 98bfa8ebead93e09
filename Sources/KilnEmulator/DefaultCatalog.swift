import Foundation
import KilnCloud

/// What a fresh emulated cloud offers, as a DevStack cloud does: flavors m1.tiny to
/// m1.xlarge, images cirros and ubuntu, and the external network `public` with its subnet.
enum DefaultCatalog {
    /// Objects every project sees belong to this project.
    static let serviceProject = "service"

    static let flavors = [
        Flavor(id: "1", name: "m1.tiny", vcpus: 1, ramMB: 512, diskGB: 1),
        Flavor(id: "2", name: "m1.small", vcpus: 1, ramMB: 2048, diskGB: 20),
        Flavor(id: "3", name: "m1.medium", vcpus: 2, ramMB: 4096, diskGB: 40),
        Flavor(id: "4", name: "m1.large", vcpus: 4, ramMB: 8192, diskGB: 80),
        Flavor(id: "5", name: "m1.xlarge", vcpus: 8, ramMB: 16384, diskGB: 160),
    ]

    static func images(_ now: Date) -> [Image] {
        [
            Image(id: "7c4dba6a-9bbd-4a9a-9f33-8ac0d9d2a001", name: "cirros-0.6.2-x86_64-disk", minDiskGB: 1, sizeBytes: 21_430_272,
                  properties: ["os_distro": "cirros", "os_version": "0.6.2", "hw_architecture": "x86_64"], createdAt: now),
            Image(id: "7c4dba6a-9bbd-4a9a-9f33-8ac0d9d2a002", name: "ubuntu-22.04", minDiskGB: 3, sizeBytes: 658_505_728,
                  properties: ["os_distro": "ubuntu", "os_version": "22.04", "hw_architecture": "x86_64"], createdAt: now),
            Image(id: "7c4dba6a-9bbd-4a9a-9f33-8ac0d9d2a003", name: "ubuntu-24.04", minDiskGB: 4, sizeBytes: 601_882_624,
                  properties: ["os_distro": "ubuntu", "os_version": "24.04", "hw_architecture": "x86_64"], createdAt: now),
        ]
    }

    static let publicNetworkID = "5f0b4e0a-8f1c-4c55-9d1e-2a7b0c0e0001"
    static let publicSubnetID = "5f0b4e0a-8f1c-4c55-9d1e-2a7b0c0e0002"

    /// Adds the catalog once per database.
    static func seed(_ tables: Tables) throws {
        guard try tables.raw.row(kind: EmulatedKind.meta.rawValue, id: "catalog") == nil else { return }
        let project = serviceProject
        for flavor in flavors { try tables.put(.flavor, flavor.id, flavor, project: project, name: flavor.name) }
        for image in images(tables.now) { try tables.put(.image, image.id, image, project: project, name: image.name) }
        var network = Network(id: publicNetworkID, name: "public", projectID: project, external: true, mtu: 1500, createdAt: tables.now)
        network.subnetIDs = [publicSubnetID]
        try tables.put(.network, network.id, network, project: project, name: network.name)
        let cidr = CIDR("172.24.4.0/24")!
        let subnet = Subnet(
            id: publicSubnetID, name: "public-subnet", projectID: project, networkID: network.id, cidr: cidr.description, ipVersion: 4,
            gatewayIP: cidr.firstHost.description,
            allocationPools: [AddressRange(start: cidr.firstHost.advanced(by: 1).description, end: cidr.lastHost.description)],
            enableDHCP: false, createdAt: tables.now)
        try tables.put(.subnet, subnet.id, subnet, project: project, parent: network.id, name: subnet.name)
        try tables.put(.meta, "catalog", ["seeded": true], project: project)
    }
}
