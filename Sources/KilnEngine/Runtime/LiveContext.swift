import KilnModel
import KilnTemplate

/// A resource whose values other resources and outputs can read.
struct ResolvedResource: Sendable {
    let live: LiveResource
    let plugin: any ResourcePlugin
}

/// Evaluation against a running stack: parameters, conditions, files, and the resources
/// that already exist (only those a value depends on are passed in).
struct LiveContext: EvaluationContext {
    let parameters: [String: Value]
    let conditions: [String: Bool]
    let files: [String: String]
    let mappings: [String: Value]
    let resources: [String: ResolvedResource]
    var facade: [String: Value]? = nil

    func parameter(_ name: String) -> Value? { parameters[name] }
    func file(_ key: String) -> String? { files[key] }
    func mapping(_ name: String) -> Value? { mappings[name] }

    func condition(_ name: String) throws -> Bool {
        guard let value = conditions[name] else { throw UnavailableError("condition '\(name)' is not defined") }
        return value
    }

    func resourceReference(_ name: String) throws -> Value {
        guard let resource = resources[name] else {
            throw UnavailableError("resource '\(name)' is not available")
        }
        return resource.plugin.referenceID(resource.live)
    }

    func resourceAttribute(_ name: String, _ attribute: String) throws -> Value {
        guard let resource = resources[name] else {
            throw UnavailableError("resource '\(name)' is not available")
        }
        if let message = resource.plugin.attributeError(attribute, of: resource.live) {
            throw EvaluationError(message, at: .synthetic(name))
        }
        return resource.plugin.attribute(attribute, of: resource.live) ?? .null
    }

    func resourceAttributes(_ name: String) throws -> Value {
        guard let resource = resources[name] else {
            throw UnavailableError("resource '\(name)' is not available")
        }
        var all: [String: Value] = [:]
        for attribute in type(of: resource.plugin).schema.attributes.keys {
            all[attribute] = resource.plugin.attribute(attribute, of: resource.live) ?? .null
        }
        return .map(all)
    }

    func resourceFacade(_ section: String) throws -> Value {
        guard let facade else { throw UnavailableError("resource_facade is only available inside a provider template") }
        return facade[section] ?? .null
    }
}
