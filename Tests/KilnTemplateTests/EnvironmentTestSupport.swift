@testable import KilnTemplate

func parseEnvironment(_ yaml: String, file: String = "env.yaml") throws -> (Environment, [Diagnostic]) {
    let root = try YAMLReader().read(yaml, file: file)
    var diagnostics = Diagnostics()
    let environment = Environment.parse(root, into: &diagnostics)
    return (environment, diagnostics.all)
}
