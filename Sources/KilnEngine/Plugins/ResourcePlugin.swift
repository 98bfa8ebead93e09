import Foundation
import KilnCloud
import KilnModel
import KilnStore
import KilnTemplate

/// A resource type, as Heat's resource plugins are: a schema (properties, attributes,
/// which properties update in place) and a lifecycle. Plugins are stateless: what a
/// resource keeps (its physical id, private data, attribute values) lives in its
/// `LiveResource`, which the engine stores after every step.
public protocol ResourcePlugin: Sendable {
    static var typeName: String { get }
    static var schema: ResourceTypeSchema { get }

    init()

    /// Makes the resource. Sets `physicalID`, `data` and `attributes` as needed.
    func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws

    /// Changes the resource in place from `previous` properties to `resource.properties`.
    /// Called only when every changed property updates in place (`updateAllowed`); throw
    /// `ResourceFailure.replacementNeeded` to ask for a replacement instead.
    func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws

    /// Removes the resource. A resource that is already gone is not an error.
    func delete(_ resource: LiveResource, _ context: ResourceContext) async throws

    func check(_ resource: inout LiveResource, _ context: ResourceContext) async throws
    func suspend(_ resource: inout LiveResource, _ context: ResourceContext) async throws
    func resume(_ resource: inout LiveResource, _ context: ResourceContext) async throws

    /// Data to keep in a snapshot, and how to come back from it.
    func snapshot(_ resource: LiveResource, _ context: ResourceContext) async throws -> Value
    func restore(_ resource: inout LiveResource, from snapshot: Value, _ context: ResourceContext) async throws

    /// Receives a signal (wait condition handles, scaling policies, hooks).
    func signal(_ resource: inout LiveResource, data: Value, _ context: ResourceContext) async throws

    /// `get_resource` / `Ref` value.
    func referenceID(_ resource: LiveResource) -> Value

    /// `get_attr` value (nil: no such attribute).
    func attribute(_ name: String, of resource: LiveResource) -> Value?

    /// Why `get_attr` of this attribute cannot be computed (nil: it can): a nested stack's
    /// output that failed makes the attribute reading it fail too, as in Heat.
    func attributeError(_ name: String, of resource: LiveResource) -> String?
}

extension ResourcePlugin {
    public func update(_ resource: inout LiveResource, previous: [String: Value], _ context: ResourceContext) async throws {}
    public func check(_ resource: inout LiveResource, _ context: ResourceContext) async throws {}
    public func suspend(_ resource: inout LiveResource, _ context: ResourceContext) async throws {}
    public func resume(_ resource: inout LiveResource, _ context: ResourceContext) async throws {}
    public func snapshot(_ resource: LiveResource, _ context: ResourceContext) async throws -> Value {
        .map(resource.data)
    }
    public func restore(_ resource: inout LiveResource, from snapshot: Value, _ context: ResourceContext) async throws {
        if let data = snapshot.mapValue { resource.data = data }
    }
    public func signal(_ resource: inout LiveResource, data: Value, _ context: ResourceContext) async throws {
        throw ResourceFailure.unsupported("resource type \(Self.typeName) does not take signals")
    }
    public func referenceID(_ resource: LiveResource) -> Value {
        resource.physicalID.map(Value.string) ?? .string(resource.name)
    }
    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        if name == "show" { return .map(resource.attributes) }
        return resource.attributes[name]
    }
    public func attributeError(_ name: String, of resource: LiveResource) -> String? { nil }
}

/// One resource as its plugin sees it.
public struct LiveResource: Sendable {
    public let name: String
    public let type: String
    public let stackID: String
    public let stackName: String
    /// Resolved properties with schema defaults filled in.
    public var properties: [String: Value]
    public var physicalID: String?
    /// The plugin's private state, kept across operations.
    public var data: [String: Value]
    public var attributes: [String: Value]
    public var metadata: Value
    /// The resolved `update_policy` of the resource's definition (groups batch by it).
    public var updatePolicy: Value

    public init(
        name: String, type: String, stackID: String, stackName: String, properties: [String: Value],
        physicalID: String? = nil, data: [String: Value] = [:], attributes: [String: Value] = [:],
        metadata: Value = .map([:]), updatePolicy: Value = .map([:])
    ) {
        self.name = name
        self.type = type
        self.stackID = stackID
        self.stackName = stackName
        self.properties = properties
        self.physicalID = physicalID
        self.data = data
        self.attributes = attributes
        self.metadata = metadata
        self.updatePolicy = updatePolicy
    }

    /// A stored resource as plugins see it: the one place a record becomes a live resource.
    public init(_ record: ResourceRecord, stackName: String) {
        self.init(
            name: record.name, type: record.type, stackID: record.stackID, stackName: stackName,
            properties: record.properties.mapValue ?? [:], physicalID: record.physicalID,
            data: record.data.mapValue ?? [:], attributes: record.attributes.mapValue ?? [:], metadata: record.metadata)
    }

    /// A property's value, or its schema default, or null.
    public subscript(property name: String) -> Value { properties[name] ?? .null }
}

/// Why a resource operation did not succeed. The engine turns these into FAILED states
/// with the message as the status reason.
public enum ResourceFailure: Error, CustomStringConvertible, Sendable {
    /// The operation failed; the message becomes the status reason.
    case failed(String)
    /// An in-place update is impossible: the engine replaces the resource instead.
    case replacementNeeded(String)
    /// The operation was cancelled (stack cancel, timeout or shutdown).
    case cancelled(String)
    /// The resource type has no such action (e.g. a signal to a type that takes none).
    case unsupported(String)

    public var description: String {
        switch self {
        case .failed(let m), .replacementNeeded(let m), .cancelled(let m), .unsupported(let m): return m
        }
    }
}

/// What the engine offers a plugin while it works.
public protocol ResourceContext: Sendable {
    /// The stack's identity.
    var stackID: String { get }
    var stackName: String { get }
    /// The current record of another resource of the same stack (e.g. a wait condition's handle).
    func resource(named name: String) async throws -> LiveResource?
    /// Stores the resource's progress now (e.g. signals received) so it survives a crash.
    func save(_ resource: LiveResource) async throws
    /// Waits, unless the operation is cancelled or times out first (then throws `ResourceFailure.cancelled`).
    func sleep(seconds: Double) async throws
    /// Nested stacks, for group and provider-template resources.
    var nested: any NestedStacks { get }
    /// The resource of the same stack whose reference id (`get_resource` value) is `referenceID`,
    /// as Heat's `resource_by_refid` finds a wait condition's handle from its `handle` property.
    func resource(referencedBy referenceID: String) async throws -> LiveResource?
    /// The cloud's services for the stack's project; throws when the engine has no cloud.
    func cloud() throws -> CloudSession
    /// A software config by id (nil: none), as deployments read the config they apply.
    func softwareConfig(id: String) async throws -> SoftwareConfigRecord?
    /// Keeps (inserts or replaces) a software deployment, so the API and the server's agent see it.
    func keepSoftwareDeployment(_ deployment: SoftwareDeploymentRecord) async throws
    func softwareDeployment(id: String) async throws -> SoftwareDeploymentRecord?
    func forgetSoftwareDeployment(id: String) async throws
    /// The stack's project.
    var projectID: String { get }
    /// Keeps a software config document (id, name, group, config, options, inputs, outputs)
    /// among the project's software configs, as Heat's config resources do, so the API shows it.
    func keepSoftwareConfig(_ document: [String: Value]) async throws
    /// Removes a kept software config; a config a deployment still uses is refused.
    func forgetSoftwareConfig(id: String) async throws
}

extension ResourceContext {
    /// A context without a cloud (native types need none).
    public func cloud() throws -> CloudSession {
        throw ResourceFailure.failed("no cloud is configured for this engine: cloud resource types cannot run")
    }
    public var projectID: String { "default" }
    public func softwareConfig(id: String) async throws -> SoftwareConfigRecord? { nil }
    public func keepSoftwareDeployment(_ deployment: SoftwareDeploymentRecord) async throws {
        throw ResourceFailure.unsupported("software deployments are not kept here")
    }
    public func softwareDeployment(id: String) async throws -> SoftwareDeploymentRecord? { nil }
    public func forgetSoftwareDeployment(id: String) async throws {}
}

/// Creates, updates and deletes a resource's child stack (ResourceGroup members,
/// provider templates, OS::Heat::Stack).
public protocol NestedStacks: Sendable {
    /// Creates or updates the child stack owned by `resource` to this template and parameters;
    /// returns its id when it reaches COMPLETE, throws with its status reason when it fails.
    func apply(
        owner resource: String, template: NestedTemplate, parameters: [String: Value]
    ) async throws -> NestedStackResult
    /// Deletes the child stack owned by `resource`, if any.
    func delete(owner resource: String) async throws
    /// Outputs and resource references/attributes of the child stack owned by `resource`.
    func result(owner resource: String) async throws -> NestedStackResult?
    /// The child's members a scaling group replaces (see the default below).
    func failedMembers(owner resource: String) async throws -> Set<String>
    /// The child's live resources, oldest first (a scaling group adopting a child stack).
    func membersByAge(owner resource: String) async throws -> [String]
}

extension NestedStacks {
    /// Resources of the child stack owned by `resource` that are FAILED (CHECK_FAILED after a
    /// mark-unhealthy included), or whose own child stack holds a FAILED resource: the members
    /// a scaling group replaces.
    public func failedMembers(owner resource: String) async throws -> Set<String> { [] }
    public func membersByAge(owner resource: String) async throws -> [String] { [] }
}

/// A child stack's template: a template file's text, or a template built in code (groups).
public struct NestedTemplate: Sendable {
    public var name: String
    public var content: String
    public var files: [String: String]
    /// A template built in code, as a value: validated from it, `content` (its text) is stored.
    public var document: Value?
    public init(name: String, content: String, files: [String: String] = [:]) {
        self.name = name
        self.content = content
        self.files = files
    }

    /// A template built in code: its text is what is stored and shown, the value what is validated.
    public init(name: String, document: Value) {
        self.init(name: name, content: document.yamlText())
        self.document = document
    }
}

public struct NestedStackResult: Sendable {
    public var stackID: String
    public var outputs: [String: Value]
    /// The outputs that could not be computed, with why (their value in `outputs` is null).
    public var outputErrors: [String: String] = [:]
    /// Each child resource's reference id and attributes, by name.
    public var references: [String: Value]
    public var attributes: [String: [String: Value]]
    /// The child stack's name (`<parent>-<resource>-<short id>`).
    public var stackName: String?
    public init(
        stackID: String, outputs: [String: Value], references: [String: Value], attributes: [String: [String: Value]],
        stackName: String? = nil
    ) {
        self.stackID = stackID
        self.stackName = stackName
        self.outputs = outputs
        self.references = references
        self.attributes = attributes
    }
}
