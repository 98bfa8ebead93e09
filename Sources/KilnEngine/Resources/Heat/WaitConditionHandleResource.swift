import Foundation
import KilnModel
import KilnTemplate

/// `OS::Heat::WaitConditionHandle`: receives the signals an `OS::Heat::WaitCondition` waits for.
///
/// Each signal is normalised as Heat does (missing `status` is SUCCESS, `reason` is "Signal N
/// received", `id` is N, `data` is null; no other keys) and recorded, in arrival order, in
/// `data["signals"]` as `{id, status, reason, data}`; a signal with a known id replaces the earlier
/// one. The resource's metadata shows them as Heat's does, `{id: {status, reason, data}}`.
/// With the default TOKEN_SIGNAL transport the handle has a token (random, kept in `data`) and
/// a signal endpoint under `$KILN_HEAT_URL` (default `http://127.0.0.1:8004/v1/kiln`).
public struct WaitConditionHandleResource: ResourcePlugin {
    public static let typeName = "OS::Heat::WaitConditionHandle"

    static let transports = ["CFN_SIGNAL", "TEMP_URL_SIGNAL", "HEAT_SIGNAL", "NO_SIGNAL", "ZAQAR_SIGNAL", "TOKEN_SIGNAL"]

    public static let schema = ResourceTypeSchema(
        type: typeName,
        properties: [
            "signal_transport": PropertySchema(
                .string, defaultValue: "TOKEN_SIGNAL", allowedValues: transports.map(Value.string),
                description: "How the client will signal the wait condition. NO_SIGNAL will result in the resource "
                    + "going to a signalled state without waiting for any signal.")
        ],
        attributes: [
            "token": AttributeSchema(
                description: "Token for stack-user which can be used for signalling handle when signal_transport is set to TOKEN_SIGNAL.",
                type: "String"),
            "endpoint": AttributeSchema(
                description: "Endpoint/url which can be used for signalling handle when signal_transport is set to TOKEN_SIGNAL.",
                type: "String"),
            "curl_cli": AttributeSchema(
                description: "Convenience attribute, provides curl CLI command prefix, which can be used for signalling "
                    + "handle completion or failure when signal_transport is set to TOKEN_SIGNAL.",
                type: "String"),
            "signal": AttributeSchema(
                description: "JSON serialized map that includes the endpoint, token and/or other attributes the client "
                    + "must use for signalling this handle.",
                type: "String"),
        ])

    /// One recorded signal.
    struct Signal: Equatable {
        var id: String
        var status: String
        var reason: Value
        var data: Value

        var record: Value { .map(["id": .string(id), "status": .string(status), "reason": reason, "data": data]) }
    }

    public init() {}

    public func create(_ resource: inout LiveResource, _ context: ResourceContext) async throws {
        resource.physicalID = NativeProperties.uuid()
        resource.data["signals"] = .list([])
        if Self.transport(of: resource) == "TOKEN_SIGNAL" {
            resource.data["token"] = .string(NativeProperties.shortID() + NativeProperties.shortID())
            resource.data["endpoint"] = .string(Self.endpoint(of: resource))
        }
    }

    public func delete(_ resource: LiveResource, _ context: ResourceContext) async throws {}

    public func signal(_ resource: inout LiveResource, data: Value, _ context: ResourceContext) async throws {
        var signals = Self.signals(of: resource)
        let signal = try Self.normalise(data, number: signals.count + 1)
        if let index = signals.firstIndex(where: { $0.id == signal.id }) {
            signals[index] = signal
        } else {
            signals.append(signal)
        }
        Self.record(signals, in: &resource)
        try await context.save(resource)
    }

    public func attribute(_ name: String, of resource: LiveResource) -> Value? {
        let tokenTransport = Self.transport(of: resource) == "TOKEN_SIGNAL"
        switch name {
        case "token", "endpoint":
            return resource.physicalID != nil && tokenTransport ? resource.data[name] ?? .null : .null
        case "curl_cli":
            guard resource.physicalID != nil, tokenTransport, let token = resource.data["token"]?.stringValue,
                  let endpoint = resource.data["endpoint"]?.stringValue else { return .null }
            return .string(
                "curl -i -X POST -H 'X-Auth-Token: \(token)' -H 'Content-Type: application/json' "
                    + "-H 'Accept: application/json' \(endpoint)")
        case "signal":
            guard resource.physicalID != nil else { return .null }
            switch Self.transport(of: resource) {
            // Heat's TOKEN_SIGNAL has no signal details of its own: JSON null.
            case "TOKEN_SIGNAL": return .string("null")
            case "NO_SIGNAL": return .string("{}")
            default: return .string(Value.map(["alarm_url": .string(Self.endpoint(of: resource))]).jsonText())
            }
        case "show": return .map(["signals": resource.data["signals"] ?? .list([])])
        default: return nil
        }
    }

    static func transport(of resource: LiveResource) -> String {
        resource[property: "signal_transport"].stringValue ?? "TOKEN_SIGNAL"
    }

    static func endpoint(of resource: LiveResource) -> String {
        let base = ProcessInfo.processInfo.environment["KILN_HEAT_URL"] ?? "http://127.0.0.1:8004/v1/kiln"
        let path = [resource.stackName, resource.stackID, "resources", resource.name, "signal"]
            .map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? $0 }
        return base.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/stacks/" + path.joined(separator: "/")
    }

    /// The signals received so far, in arrival order.
    static func signals(of resource: LiveResource) -> [Signal] {
        (resource.data["signals"]?.listValue ?? []).compactMap { item in
            guard let fields = item.mapValue, let id = fields["id"]?.stringValue,
                  let status = fields["status"]?.stringValue else { return nil }
            return Signal(id: id, status: status, reason: fields["reason"] ?? .null, data: fields["data"] ?? .null)
        }
    }

    static func record(_ signals: [Signal], in resource: inout LiveResource) {
        resource.data["signals"] = .list(signals.map(\.record))
        var metadata: [String: Value] = [:]
        for signal in signals {
            metadata[signal.id] = .map(["status": .string(signal.status), "reason": signal.reason, "data": signal.data])
        }
        resource.metadata = .map(metadata)
    }

    /// Heat's defaults and checks for the `number`th signal's body.
    static func normalise(_ body: Value, number: Int) throws -> Signal {
        var fields: [String: Value]
        switch body {
        case .null, .string(""), .list([]): fields = [:]
        case .map(let map): fields = map.dictionary
        default: throw ResourceFailure.failed("Metadata format invalid")
        }
        fields["reason"] = fields["reason"] ?? .string("Signal \(number) received")
        fields["data"] = fields["data"] ?? .null
        fields["id"] = fields["id"] ?? .int(number)
        fields["status"] = fields["status"] ?? .string("SUCCESS")
        guard Set(fields.keys) == ["data", "reason", "status", "id"],
              let status = fields["status"]?.stringValue, status == "SUCCESS" || status == "FAILURE" else {
            throw ResourceFailure.failed("Metadata format invalid")
        }
        return Signal(
            id: fields["id"]?.plainText ?? String(number), status: status, reason: fields["reason"] ?? .null,
            data: fields["data"] ?? .null)
    }
}
