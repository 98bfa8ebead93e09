import Foundation
import KilnModel

/// Everything a validation needs: the template and its environments as bytes, user
/// parameters, the files map and the catalogs.
public struct ValidationRequest: Sendable {
    public var templateName: String
    public var template: [UInt8]
    public var environments: [(name: String, content: [UInt8])]
    /// `--parameter KEY=VALUE` values, as text (coerced to each parameter's type).
    public var parameters: [String: String]
    /// The files map: key → content, for get_file and provider templates.
    public var files: [String: String]
    public var limits: ReaderLimits
    /// Reads a file that is not in `files` (nil: not found). By default, from disk: `file://`
    /// URLs and paths, relative ones against the directory of the file that names them.
    public var readFile: @Sendable (String) -> [UInt8]?
    /// Provider templates nest at most this deep (Heat's max_nested_stack_depth).
    public var maxNestingDepth: Int
    /// The template already as a tree (one built in code, such as a group's members): used
    /// instead of reading `template`'s text, which is then only what is stored and shown.
    public var document: Node?
    /// Why the template is checked. Heat's validate accepts what only fails while creating (a
    /// provider template's own problems, values computed from parameters given later): those
    /// are warnings for `.validate` and errors for `.create`, where Heat meets them.
    public var purpose: Purpose = .validate

    public enum Purpose: Sendable { case validate, create }
    /// Provider templates' parses shared by the requests of one multi-file run (nil: none).
    public var parsedTemplates: ParsedTemplateCache?

    public init(
        templateName: String, template: [UInt8], environments: [(name: String, content: [UInt8])] = [],
        parameters: [String: String] = [:], files: [String: String] = [:], limits: ReaderLimits = .default,
        readFile: @escaping @Sendable (String) -> [UInt8]? = ValidationRequest.readFromDisk,
        maxNestingDepth: Int = 5
    ) {
        self.templateName = templateName
        self.template = template
        self.environments = environments
        self.parameters = parameters
        self.files = files
        self.limits = limits
        self.readFile = readFile
        self.maxNestingDepth = maxNestingDepth
    }

    /// A file's content, when it is a regular file within `BoundedFile.defaultLimit`.
    @Sendable public static func readFromDisk(_ path: String) -> [UInt8]? {
        let plain = path.hasPrefix("file://") ? String(path.dropFirst("file://".count)) : path
        return try? BoundedFile.read(plain).get()
    }
}

/// What `template validate` reports: Heat's validate body plus every diagnostic.
public struct ValidationReport: Sendable {
    public var template: Template?
    public var environment: Environment
    public var diagnostics: [Diagnostic]
    /// Heat's shape: `{"Description": ..., "Parameters": {...}, "ParameterGroups": [...], "Environment": {...}}`.
    public var heatBody: Value
    /// Resource dependencies of the template (empty when it could not be parsed).
    public var graph: DependencyGraph?
    /// Every parameter's value as the stack will see it (user value, environment default or
    /// template default), typed. Parameters with no value at all are absent.
    public var parameterValues: [String: Value] = [:]
    /// The merged environment's registry etc. and files are in `environment`; the files map used.
    public var files: [String: String] = [:]

    /// A report for input refused before it could be validated (a file too large to read).
    public init(refusing diagnostics: [Diagnostic]) {
        self.init(template: nil, environment: Environment(), diagnostics: diagnostics, heatBody: .map([:]), graph: nil)
    }

    init(template: Template?, environment: Environment, diagnostics: [Diagnostic], heatBody: Value, graph: DependencyGraph?) {
        self.template = template
        self.environment = environment
        self.diagnostics = diagnostics
        self.heatBody = heatBody
        self.graph = graph
    }

    /// No errors: a report with only warnings is valid, as Heat's validate accepts it.
    public var isValid: Bool { !diagnostics.contains { $0.severity == .error } }
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}

/// Validates templates against a resource-type catalog and a constraint catalog, finding
/// every error at once.
public struct TemplateValidator: Sendable {
    public var catalog: any ResourceTypeCatalog
    public var constraints: any ConstraintCatalog

    public init(catalog: any ResourceTypeCatalog, constraints: any ConstraintCatalog = BuiltinConstraints()) {
        self.catalog = catalog
        self.constraints = constraints
    }

    public func validate(_ request: ValidationRequest) -> ValidationReport {
        var diagnostics = Diagnostics()
        let reader = YAMLReader(limits: request.limits)
        let files = FileResolver(request: request)

        var environments: [Environment] = []
        for source in request.environments {
            do {
                let node = try reader.read(source.content, file: source.name)
                environments.append(Environment.parse(node, into: &diagnostics))
            } catch {
                diagnostics.append(contentsOf: error.diagnostics)
            }
        }

        let root: Node
        if let document = request.document {
            root = document
        } else {
            do {
                root = try reader.read(request.template, file: request.templateName)
            } catch {
                diagnostics.append(contentsOf: error.diagnostics)
                return report(template: nil, environment: environments.last ?? Environment(), diagnostics)
            }
        }
        var parser = TemplateParser()
        let template = parser.parse(root, file: request.templateName)
        diagnostics.append(contentsOf: parser.diagnostics)
        guard let template else {
            return report(template: nil, environment: environments.last ?? Environment(), diagnostics)
        }

        var environment = Environment()
        for next in environments {
            environment = environment.merged(with: next, declared: template.parameters, into: &diagnostics)
        }

        var checker = TemplateChecker(
            template: template, environment: environment, userParameters: request.parameters,
            validator: self, files: files, reader: reader, depth: 0,
            environmentFiles: request.environments.map(\.name), purpose: request.purpose)
        checker.check()
        diagnostics.append(contentsOf: checker.diagnostics)

        var result = report(template: template, environment: environment, diagnostics, graph: checker.graph)
        result.parameterValues = checker.knownValues
        result.files = request.files
        result.heatBody = HeatValidateBody.make(
            template: template, environment: environment, userValues: checker.userValues)
        return result
    }

    private func report(
        template: Template?, environment: Environment, _ diagnostics: Diagnostics, graph: DependencyGraph? = nil
    ) -> ValidationReport {
        ValidationReport(
            template: template, environment: environment, diagnostics: diagnostics.sorted,
            heatBody: .map([:]), graph: graph ?? template.map(DependencyGraph.init))
    }
}

/// Finds the content of files named by get_file, provider template types and registry entries.
struct FileResolver: Sendable {
    let files: [String: String]
    let read: @Sendable (String) -> [UInt8]?
    let parsed: ParsedTemplateCache?

    init(request: ValidationRequest) {
        files = request.files
        read = request.readFile
        parsed = request.parsedTemplates
    }

    /// The content and canonical name of `key` as named from `referrer` (a file name), or nil.
    /// Names are normalized (`TemplatePath`); the files map is searched as written first.
    func resolve(_ key: String, from referrer: String, alsoFrom others: [String] = []) -> (name: String, content: [UInt8])? {
        if let text = files[key] { return (TemplatePath.normalized(key), Array(text.utf8)) }
        if key.hasPrefix("http://") || key.hasPrefix("https://") { return nil }
        if key.hasPrefix("file://") || key.hasPrefix("/") {
            let path = TemplatePath.normalized(key)
            if let text = files[path] { return (path, Array(text.utf8)) }
            return read(path).map { (path, $0) }
        }
        for base in [referrer] + others {
            let directory = (base as NSString).deletingLastPathComponent
            let joined = directory.isEmpty ? key : (directory as NSString).appendingPathComponent(key)
            let path = TemplatePath.normalized(joined)
            if let text = files[joined] ?? files[path] { return (path, Array(text.utf8)) }
            if let content = read(path) { return (path, content) }
        }
        return nil
    }
}
