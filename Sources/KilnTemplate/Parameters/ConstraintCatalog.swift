// Skeleton: the Parameters helper replaces the bodies (API stays).

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
    public func constraint(named name: String) -> CustomConstraint? { nil }
}
