// Skeleton: the validator is filled in by the template-validation work; the API stays.

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

    public init(
        templateName: String, template: [UInt8], environments: [(name: String, content: [UInt8])] = [],
        parameters: [String: String] = [:], files: [String: String] = [:], limits: ReaderLimits = .default
    ) {
        self.templateName = templateName
        self.template = template
        self.environments = environments
        self.parameters = parameters
        self.files = files
        self.limits = limits
    }
}

/// What `template validate` reports: Heat's validate body plus every diagnostic.
public struct ValidationReport: Sendable {
    public var template: Template?
    public var environment: Environment
    public var diagnostics: [Diagnostic]
    /// Heat's shape: `{"Description": ..., "Parameters": {...}, "ParameterGroups": [...]}`.
    public var heatBody: Value

    public var isValid: Bool { !diagnostics.contains { $0.severity == .error } }
}

/// Validates templates against a resource-type catalog and a constraint catalog.
public struct TemplateValidator: Sendable {
    public var catalog: any ResourceTypeCatalog
    public var constraints: any ConstraintCatalog

    public init(catalog: any ResourceTypeCatalog, constraints: any ConstraintCatalog = BuiltinConstraints()) {
        self.catalog = catalog
        self.constraints = constraints
    }

    public func validate(_ request: ValidationRequest) -> ValidationReport {
        ValidationReport(template: nil, environment: Environment(), diagnostics: [], heatBody: .map([:]))
    }
}
