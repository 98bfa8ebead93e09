@testable import KilnTemplate

/// Parses the single parameter `p` of a `parameters:` section written in YAML.
func parseParameter(
    _ yaml: String, version: TemplateVersion = .v2021_04_16
) throws -> (ParameterDefinition?, [Diagnostic]) {
    let root = try YAMLReader().read(yaml, file: "t.yaml")
    guard let entry = root.mapping?.first else { return (nil, []) }
    var diagnostics = Diagnostics()
    let definition = ParameterDefinition.parse(
        name: entry.key, at: entry.keyLocation, node: entry.value, version: version, into: &diagnostics)
    return (definition, diagnostics.all)
}

/// Whether some diagnostic is at `line:column` and contains `fragment`.
func paramsHasError(_ diagnostics: [Diagnostic], _ line: Int32, _ column: Int32, _ fragment: String) -> Bool {
    diagnostics.contains { $0.location.line == line && $0.location.column == column && $0.text.contains(fragment) }
}
