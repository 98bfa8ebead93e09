import KilnModel

/// Which parts of each record are sealed at rest, and how they open.
///
/// - A stack's parameter values, each on its own (names stay readable). The store cannot tell
///   which parameters are hidden (that is in the template), so every value given is sealed:
///   a hidden one is never missed.
/// - A template's environments, whole: their `parameters`/`parameter_defaults` may hold hidden
///   values, and their `event_sinks` webhook secrets and headers.
/// - A resource's properties, attributes, data and metadata, each whole: resolved properties
///   carry hidden parameters into resources, data holds signal secrets (a scaling policy's
///   signing key, a wait condition handle's token, a random string), and attributes cache them.
/// - A snapshot's data (copies of resources' data).
///
/// What stays readable is what lists, queries and leases need: ids, names, statuses, times,
/// tags, the template text itself (as Heat, which does not encrypt templates).
extension SecretSealer {
    func sealed(_ stack: StackRecord) -> StackRecord {
        var out = stack
        out.parameters = stack.parameters.mapValues { seal($0) }
        return out
    }

    func opened(_ stack: StackRecord) throws -> StackRecord {
        var out = stack
        // In name order, so a wrong key always names the same parameter.
        for (name, value) in stack.parameters.sorted(by: { $0.key < $1.key }) where Self.isSealed(value) {
            out.parameters[name] = try open(value, what: "parameter '\(name)' of stack \(stack.name) (\(stack.id))")
        }
        return out
    }

    func sealed(_ template: TemplateRecord) -> TemplateRecord {
        var out = template
        out.environments = template.environments.map { NamedText(name: $0.name, text: seal($0.text)) }
        return out
    }

    func opened(_ template: TemplateRecord) throws -> TemplateRecord {
        var out = template
        out.environments = try template.environments.map { environment in
            NamedText(
                name: environment.name,
                text: try open(environment.text, what: "environment \(environment.name) of template \(template.id.map(String.init) ?? "?")"))
        }
        return out
    }

    func sealed(_ resource: ResourceRecord) -> ResourceRecord {
        var out = resource
        out.properties = seal(resource.properties)
        out.attributes = seal(resource.attributes)
        out.data = seal(resource.data)
        out.metadata = seal(resource.metadata)
        return out
    }

    func opened(_ resource: ResourceRecord) throws -> ResourceRecord {
        var out = resource
        let what = "resource \(resource.name) of stack \(resource.stackID)"
        out.properties = try open(resource.properties, what: "properties of \(what)")
        out.attributes = try open(resource.attributes, what: "attributes of \(what)")
        out.data = try open(resource.data, what: "data of \(what)")
        out.metadata = try open(resource.metadata, what: "metadata of \(what)")
        return out
    }

    func sealed(_ snapshot: SnapshotRecord) -> SnapshotRecord {
        var out = snapshot
        out.data = seal(snapshot.data)
        return out
    }

    func opened(_ snapshot: SnapshotRecord) throws -> SnapshotRecord {
        var out = snapshot
        out.data = try open(snapshot.data, what: "data of snapshot \(snapshot.id)")
        return out
    }
}
