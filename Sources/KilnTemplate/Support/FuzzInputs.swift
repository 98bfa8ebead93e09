import KilnModel

/// What the libFuzzer targets (`fuzz/`, `scripts/fuzz.sh`) do with one input, here so that
/// `swift test` replays the regression corpus through exactly the same code
/// (`FuzzRegressionTests`). Each returns normally for any input: a crash, a trap or a hang
/// in one of them is the defect the fuzzer looks for; diagnostics are expected.
public enum FuzzInputs {
    /// Small limits keep each run fast; the code paths are those of the default limits.
    static let limits = ReaderLimits(maxBytes: 256 * 1024, maxDepth: 100, maxNodes: 200_000)

    /// The YAML reader and the whole template validator, on an input taken as a template
    /// (no disk: a `get_file` or nested template names nothing that exists).
    public static func template(_ bytes: [UInt8]) {
        let validator = TemplateValidator(catalog: HeatTypes.catalog, constraints: BuiltinConstraints())
        _ = validator.validate(ValidationRequest(templateName: "fuzz.yaml", template: bytes, limits: limits, readFile: { _ in nil }))
    }

    /// The environment reader (parameters, registry, event sinks, merge strategies), on an
    /// input taken as an environment beside a template that uses a parameter and a registry type.
    public static func environment(_ bytes: [UInt8]) {
        let validator = TemplateValidator(catalog: HeatTypes.catalog, constraints: BuiltinConstraints())
        let request = ValidationRequest(
            templateName: "fuzz.yaml", template: environmentTemplate, environments: [(name: "env.yaml", content: bytes)],
            limits: limits, readFile: { _ in nil })
        _ = validator.validate(request)
    }

    static let environmentTemplate = Array("""
        heat_template_version: 2021-04-16
        parameters:
          size: {type: number, default: 1, constraints: [{range: {min: 0, max: 10}}]}
          name: {type: string, default: x}
        resources:
          thing: {type: My::Thing, properties: {size: {get_param: size}}}
          rnd: {type: OS::Heat::RandomString, properties: {length: {get_param: size}}}
        outputs:
          out: {value: {get_attr: [rnd, value]}}
        """.utf8)

    /// The API's JSON bodies: Kiln's JSON parser; what it parses must write back and parse to
    /// the same value; a body's `template` (an object, as the API receives it) and
    /// `environment` go through the validator as the server's create and validate do.
    public static func json(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let value = try? Value.parseJSON(text) else { return }
        let written = value.jsonText()
        guard let again = try? Value.parseJSON(written) else {
            fatalError("Kiln wrote JSON it cannot read back: \(written.prefix(200))")
        }
        precondition(again.jsonText() == written, "JSON written twice differs: \(written.prefix(200))")
        guard let body = value.mapValue, let template = body["template"] else { return }
        let templateBytes = Array((template.stringValue ?? template.jsonText()).utf8)
        let environments = body["environment"].map { [(name: "environment", content: Array($0.jsonText().utf8))] } ?? []
        let validator = TemplateValidator(catalog: HeatTypes.catalog, constraints: BuiltinConstraints())
        _ = validator.validate(ValidationRequest(
            templateName: "body.json", template: templateBytes, environments: environments, limits: limits, readFile: { _ in nil }))
    }
}
