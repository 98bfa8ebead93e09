import KilnModel
/// Resolves `custom_constraint` names (Heat's 70, e.g. `ip_addr`, `nova.flavor`).
public protocol ConstraintCatalog: Sendable {
    /// nil when the name is unknown.
    func constraint(named name: String) -> CustomConstraint?
}

public struct CustomConstraint: Sendable {
    public var name: String
    /// Checks a value offline; nil when valid or when only a live cloud can tell.
    public var check: @Sendable (Value) -> String?

    public init(name: String, check: @escaping @Sendable (Value) -> String?) {
        self.name = name
        self.check = check
    }
}

/// The built-in constraints: the pure ones checked offline, service-backed ones known by name.
public struct BuiltinConstraints: ConstraintCatalog {
    public init() {}

    public func constraint(named name: String) -> CustomConstraint? {
        if let check = Self.pure[name] { return CustomConstraint(name: name, check: check) }
        if Self.serviceBacked.contains(name) { return CustomConstraint(name: name) { _ in nil } }
        return nil
    }

    /// Every name this catalog knows.
    public static var names: [String] { (Array(pure.keys) + serviceBacked).sorted() }

    /// Constraints Heat checks without a cloud (`common_constraints.py`).
    static let pure: [String: @Sendable (Value) -> String?] = [
        "ip_addr": CommonConstraints.ipAddress,
        "net_cidr": CommonConstraints.netCIDR,
        "ip_or_cidr": CommonConstraints.ipOrCIDR,
        "mac_addr": CommonConstraints.macAddress,
        "dns_name": CommonConstraints.dnsName,
        "rel_dns_name": CommonConstraints.relativeDNSName,
        "dns_domain": CommonConstraints.dnsDomain,
        "iso_8601": CommonConstraints.iso8601,
        "expiration": CommonConstraints.expiration,
        "timezone": CommonConstraints.timezone,
        "cron_expression": CommonConstraints.cronExpression,
        "json_string": CommonConstraints.jsonString,
        // Heat's test constraint sleeps for the value; nothing to check.
        "test_constr": { _ in nil },
    ]

    /// Constraints that look the value up in a cloud service; offline they accept any value.
    static let serviceBacked: [String] = [
        "barbican.container", "barbican.secret",
        "blazar.reservation",
        "cinder.backup", "cinder.qos_specs", "cinder.snapshot", "cinder.volume", "cinder.vtype",
        "designate.zone",
        "glance.image",
        "ironic.node", "ironic.portgroup",
        "keystone.domain", "keystone.group", "keystone.project", "keystone.region", "keystone.role",
        "keystone.service", "keystone.user",
        "magnum.cluster_template",
        "manila.share_network", "manila.share_snapshot", "manila.share_type",
        "mistral.workflow",
        "neutron.address_scope", "neutron.flow_classifier", "neutron.lbaas.listener",
        "neutron.lbaas.loadbalancer", "neutron.lbaas.pool", "neutron.lbaas.provider", "neutron.network",
        "neutron.port", "neutron.port_pair", "neutron.port_pair_group", "neutron.qos_policy", "neutron.router",
        "neutron.security_group", "neutron.segment", "neutron.subnet", "neutron.subnetpool",
        "neutron.taas.tap_flow", "neutron.taas.tap_service",
        "nova.flavor", "nova.host", "nova.keypair", "nova.network", "nova.server",
        "octavia.availabilityzone", "octavia.availabilityzoneprofile", "octavia.flavor",
        "octavia.flavorprofile", "octavia.l7policy", "octavia.listener", "octavia.loadbalancer", "octavia.pool",
        "trove.flavor",
        "zaqar.queue",
    ]
}
