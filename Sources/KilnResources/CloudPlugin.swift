import Foundation
import KilnCloud
import KilnEngine
import KilnModel
import KilnTemplate

/// What the cloud resource types share: their schemas start from Heat 27's registry (names,
/// required and update-allowed flags) and are refined with defaults and nested fields; cloud
/// refusals become failures worded as Heat words them; values convert to the cloud's types.
enum CloudPlugin {
    /// Heat's schema of `type`, refined by `edit`.
    static func schema(_ type: String, _ edit: (inout ResourceTypeSchema) -> Void = { _ in }) -> ResourceTypeSchema {
        var schema = HeatTypes.catalog.schema(for: type) ?? ResourceTypeSchema(type: type, properties: [:], attributes: [:])
        edit(&schema)
        CloudDescriptions.apply(to: &schema)
        return schema
    }

    /// A list of maps with these fields (e.g. a server's `networks`).
    static func listOfMaps(_ fields: [String: PropertySchema], updateAllowed: Bool = false) -> PropertySchema {
        PropertySchema(.list, updateAllowed: updateAllowed, items: PropertySchema(.map, fields: fields))
    }

    /// Runs a cloud call; a refusal fails the resource with Heat's wording:
    /// `Conflict: resources.NAME: MESSAGE` (the client exception's name, the resource, the message).
    static func call<T>(_ resource: LiveResource, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as CloudError {
            throw failure(error, resource)
        }
    }

    static func failure(_ error: CloudError, _ resource: LiveResource) -> ResourceFailure {
        if error.kind == .failedState { return .failed(error.message) }
        let name: String
        switch error.httpStatus {
        case 400: name = "BadRequest"
        case 401: name = "Unauthorized"
        case 403: name = "Forbidden"
        case 404: name = "NotFound"
        case 409: name = error.kind == .quotaExceeded ? "OverQuotaClient" : "Conflict"
        case 413: name = "OverLimit"
        default: name = "InternalServerError"
        }
        return .failed("\(name): resources.\(resource.name): \(error.message)")
    }

    /// Whether a cloud error says the object is gone (deletes ignore it).
    static func isGone(_ error: Error) -> Bool {
        (error as? CloudError)?.kind == .notFound
    }

    /// Deletes, treating "already gone" as done.
    static func deleting(_ resource: LiveResource, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as CloudError where error.kind == .notFound {
            return
        } catch let error as CloudError {
            throw failure(error, resource)
        }
    }

    /// Retries while a load balancer is busy (Octavia's "immutable" 409), as Heat does.
    static func whenLoadBalancerReady<T>(_ resource: LiveResource, _ context: ResourceContext, _ body: () async throws -> T) async throws -> T {
        var wait = 0.05
        while true {
            do {
                return try await body()
            } catch let error as CloudError where error.kind == .conflict && error.message.contains("immutable") {
                try await context.sleep(seconds: wait)
                wait = min(wait * 2, 2)
            } catch let error as CloudError {
                throw failure(error, resource)
            }
        }
    }

    /// Keeps a client token in the resource's data (saved before the cloud call), so a create
    /// resumed after a crash asks for the same object.
    static func clientToken(_ resource: inout LiveResource, _ context: ResourceContext) async throws -> String {
        if let token = resource.data["client_token"]?.stringValue { return token }
        let token = "kiln-\(resource.stackID)-\(resource.name)-\(UUID().uuidString.prefix(8).lowercased())"
        resource.data["client_token"] = .string(token)
        try await context.save(resource)
        return token
    }

    /// Heat's physical name: `STACK-RESOURCE-RANDOM`.
    static func physicalName(_ resource: LiveResource) -> String {
        if let given = resource.data["physical_name"]?.stringValue { return given }
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let suffix = String((0..<12).map { _ in letters.randomElement()! })
        return "\(resource.stackName)-\(resource.name)-\(suffix)"
    }

    /// The `name` property, or a physical name kept from the first time.
    static func name(_ resource: inout LiveResource) -> String {
        if let name = resource[property: "name"].stringValue, !name.isEmpty { return name }
        let name = physicalName(resource)
        resource.data["physical_name"] = .string(name)
        return name
    }

    static func string(_ value: Value) -> String? {
        switch value {
        case .string(let text): return text.isEmpty ? nil : text
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return String(flag)
        default: return nil
        }
    }

    static func int(_ value: Value) -> Int? {
        switch value {
        case .int(let number): return number
        case .double(let number): return Int(number)
        case .string(let text): return Int(text)
        default: return nil
        }
    }

    static func bool(_ value: Value, default fallback: Bool) -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .string(let text): return ["true", "1", "yes", "on"].contains(text.lowercased())
        case .int(let number): return number != 0
        default: return fallback
        }
    }

    /// A map of strings (metadata), other values as JSON text, as Nova and Cinder keep them.
    static func stringMap(_ value: Value) -> [String: String] {
        var result: [String: String] = [:]
        for (key, item) in value.mapValue ?? [:] {
            result[key] = item.stringValue ?? (item == .null ? "" : item.jsonText())
        }
        return result
    }

    static func strings(_ value: Value) -> [String] {
        (value.listValue ?? []).compactMap { string($0) }
    }

    /// An object as a value with snake_case keys, for `show` and attributes.
    static func value<T: Encodable>(_ object: T) -> Value {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(HeatTime.iso(date))
        }
        guard let data = try? encoder.encode(object), let parsed = try? Value.parseJSON(String(decoding: data, as: UTF8.self)) else {
            return .null
        }
        guard var map = parsed.mapValue else { return parsed }
        map["pending_status"] = nil
        map["ready_at"] = nil
        return .map(map)
    }

    /// Attributes from `show` when the plugin keeps them there.
    static func attribute(_ name: String, of resource: LiveResource) -> Value? {
        if name == "show" { return resource.attributes["show"] ?? .null }
        return resource.attributes[name] ?? .null
    }

    /// Heat reads attributes live; Kiln keeps them with each resource. When a plugin changes
    /// the cloud object of another resource of the stack (an attachment its volume, a listener
    /// its load balancer), that resource's attributes are refreshed here (best effort: a
    /// failure leaves them as they were).
    static func refresh(_ types: Set<String>, referencedBy id: String, _ context: ResourceContext,
                        _ update: (inout LiveResource) async throws -> Void) async {
        guard let found = try? await context.resource(referencedBy: id), types.contains(found.type) else { return }
        var owner = found
        do {
            try await update(&owner)
            try await context.save(owner)
        } catch {}
    }
}
