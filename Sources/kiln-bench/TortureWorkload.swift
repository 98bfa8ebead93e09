import Foundation
import KilnModel

/// What `kiln-bench torture` runs and kills: a cycle of six operations on two stacks, each
/// sent to one engine's API. The 1,000-resource stack mixes cloud objects (networks,
/// subnets, ports: made and changed in the emulated cloud) with native ones; its update
/// changes cloud objects in place and replaces native ones. The three-tier stack is the
/// project's example (a load balancer, servers and volumes, a nested group of nested
/// stacks); its update grows the web group and a volume.
struct TortureStep: Sendable {
    enum Kind: String, Sendable { case create, update, delete }

    var stack: String
    var kind: Kind
    /// The request body of a create (POST) or an update (PUT or PATCH).
    var body: Value?
    var patch = false

    var label: String { "\(kind.rawValue) \(stack)" }

    /// Heat's action word for the stack's status (`CREATE_COMPLETE`, ...).
    var action: String { kind.rawValue.uppercased() }
}

enum TortureWorkload {
    /// The six operations, in order: create, update and delete of each stack.
    static func cycle(examples: URL) throws -> [TortureStep] {
        let threeTier = try String(contentsOf: examples.appendingPathComponent("three-tier.yaml"), encoding: .utf8)
        let webServer = try String(contentsOf: examples.appendingPathComponent("web-server.yaml"), encoding: .utf8)
        return [
            TortureStep(stack: "big", kind: .create, body: ["stack_name": "big", "template": big(updated: false)]),
            TortureStep(stack: "big", kind: .update, body: ["template": big(updated: true)]),
            TortureStep(stack: "big", kind: .delete),
            TortureStep(stack: "three-tier", kind: .create, body: [
                "stack_name": "three-tier", "template": .string(threeTier), "files": ["web-server.yaml": .string(webServer)],
            ]),
            TortureStep(stack: "three-tier", kind: .update, body: ["parameters": ["web_count": 3, "db_volume_size": 20]], patch: true),
            TortureStep(stack: "three-tier", kind: .delete),
        ]
    }

    /// 50 networks, each with a subnet and 8 ports on it, and 500 random strings: 1,000
    /// resources in three tiers of dependencies. The update renames every network and half
    /// the ports (in place) and lengthens half the strings (replacements).
    static func big(updated: Bool) -> Value {
        var resources: [String: Value] = [:]
        for net in 0..<50 {
            resources["net\(net)"] = ["type": "OS::Neutron::Net", "properties": ["name": .string(updated ? "big-net-\(net)-b" : "big-net-\(net)")]]
            resources["subnet\(net)"] = [
                "type": "OS::Neutron::Subnet",
                "properties": ["network": ["get_resource": .string("net\(net)")], "cidr": .string("10.\(net).0.0/24")],
            ]
            for port in 0..<8 {
                let renamed = updated && port % 2 == 0
                resources["port\(net)_\(port)"] = [
                    "type": "OS::Neutron::Port",
                    "properties": [
                        "name": .string(renamed ? "big-port-\(net)-\(port)-b" : "big-port-\(net)-\(port)"),
                        "network": ["get_resource": .string("net\(net)")],
                        "fixed_ips": [["subnet": ["get_resource": .string("subnet\(net)")]]],
                    ],
                ]
            }
        }
        for index in 0..<500 {
            let longer = updated && index % 2 == 0
            resources["random\(index)"] = ["type": "OS::Heat::RandomString", "properties": ["length": .int(longer ? 12 : 8)]]
        }
        return ["heat_template_version": "2018-08-31", "resources": .map(resources)]
    }
}
