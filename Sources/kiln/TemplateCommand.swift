import ArgumentParser
import Foundation
import KilnModel
import KilnTemplate

/// `kiln template ...`: check templates and list what each template version offers.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Validate templates and inspect template versions.",
        subcommands: [Validate.self, Graph.self, Versions.self, Functions.self]
    )
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case table, json, yaml }
enum GraphFormat: String, ExpressibleByArgument, CaseIterable { case dot, text }

/// What a validation reads besides its templates: environments, parameters and the size
/// limit. Shared by `validate` (many templates) and `graph` (one, through `TemplateInput`).
struct ValidationInputs: ParsableArguments {
    @Option(name: [.customShort("e"), .customLong("environment")], help: "An environment file (repeatable).")
    var environments: [String] = []

    @Option(name: .customLong("parameter"), help: "A parameter value as KEY=VALUE (repeatable).")
    var parameters: [String] = []

    @Option(name: .customLong("max-template-size"), help: "The largest template accepted, in bytes.")
    var maxTemplateSize: Int?

    func validate() throws {
        for parameter in parameters where !parameter.contains("=") {
            throw ValidationError("--parameter '\(parameter)' is not KEY=VALUE")
        }
        if let maxTemplateSize, maxTemplateSize <= 0 {
            throw ValidationError("--max-template-size must be a positive number of bytes")
        }
    }

    /// Parameters split at the first `=`; a repeated key keeps its last value.
    var parameterValues: [String: String] {
        var values: [String: String] = [:]
        for parameter in parameters {
            guard let equals = parameter.firstIndex(of: "=") else { continue }
            values[String(parameter[..<equals])] = String(parameter[parameter.index(after: equals)...])
        }
        return values
    }

    /// The default limits with `--max-template-size` when given.
    var limits: ReaderLimits {
        var limits = ReaderLimits.default
        if let maxTemplateSize { limits.maxBytes = maxTemplateSize }
        return limits
    }

    /// A file over the size limit: refused as the validator refuses one, where it is.
    struct TooLarge: Error {
        var diagnostic: Diagnostic
    }

    /// A template or environment file named on the command line, at most the size limit;
    /// one that cannot be read ends the command with exit status 2, one over the limit is an
    /// invalid template (`TooLarge`).
    static func load(_ path: String, limit: Int) throws -> [UInt8] {
        switch readFile(path, limit: limit) {
        case .success(let bytes): return bytes
        case .failure(let error):
            if case .tooLarge(let limit, let size) = error.reason {
                throw TooLarge(diagnostic: .error(
                    at: SourceLocation(file: path, line: 1, column: 1), "file is too large",
                    expected: "at most \(limit) bytes", found: size.map { "\($0) bytes" } ?? "more"))
            }
            standardError("kiln: \(error)")
            throw ExitCode(2)
        }
    }

    /// The environment files, read once for every template of a run.
    func environmentFiles() throws -> [(name: String, content: [UInt8])] {
        let limit = limits.maxBytes
        return try environments.map { (name: $0, content: try Self.load($0, limit: limit)) }
    }

    func request(template: String) throws -> ValidationRequest {
        ValidationRequest(
            templateName: template, template: try Self.load(template, limit: limits.maxBytes),
            environments: try environmentFiles(), parameters: parameterValues, limits: limits)
    }

    /// One template validated, every diagnostic printed to standard error in file, line and
    /// column order; under `strict` warnings are errors.
    func validated(template: String, strict: Bool = false) throws -> ValidationReport {
        let validator = TemplateValidator(catalog: HeatTypes.catalog, constraints: BuiltinConstraints())
        let request: ValidationRequest
        do {
            request = try self.request(template: template)
        } catch let refused as TooLarge {
            standardError(refused.diagnostic.description)
            return ValidationReport(refusing: [refused.diagnostic])
        }
        var report = validator.validate(request)
        var diagnostics = Diagnostics()
        diagnostics.append(contentsOf: report.diagnostics)
        report.diagnostics = strict ? BatchValidation.promotingWarnings(diagnostics.sorted) : diagnostics.sorted
        for diagnostic in report.diagnostics { standardError(diagnostic.description) }
        return report
    }
}

/// One template and what its validation reads.
struct TemplateInput: ParsableArguments {
    @Option(name: [.customShort("t"), .customLong("template")], help: "The template file.")
    var template: String

    @OptionGroup var inputs: ValidationInputs

    /// Validates, printing every diagnostic to standard error in file, line and column order.
    func validated() throws -> ValidationReport { try inputs.validated(template: template) }
}

extension TemplateCommand {
    struct Graph: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "graph", abstract: "Print the resource dependency graph of a valid template.")

        @OptionGroup var input: TemplateInput

        @Option(help: "Output format: dot (Graphviz) or text.")
        var format: GraphFormat = .dot

        func run() throws {
            let report = try input.validated()
            guard report.isValid else { throw ExitCode(1) }
            guard let template = report.template else {
                standardError("kiln: \(input.template): the validator returned no template")
                throw ExitCode(1)
            }
            let graph = DependencyGraph(template)
            let text = format == .dot ? graph.dot() : graph.text()
            print(text, terminator: text.hasSuffix("\n") || text.isEmpty ? "" : "\n")
        }
    }

    struct Versions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "versions", abstract: "List the template versions, as Heat's GET /template_versions.")

        @Option(help: "Output format: table, json or yaml.")
        var format: ReportFormat = .table

        func run() {
            let body = TemplateOutput.versionsBody()
            switch format {
            case .json: print(body.prettyJSON())
            case .yaml: print(body.yamlText(), terminator: "")
            case .table:
                let rows = TemplateVersion.all.map {
                    ["\($0.key).\($0.date)", $0.format.rawValue, $0.aliases.joined(separator: ", ")]
                }
                print(TemplateOutput.table(["Version", "Type", "Aliases"], rows), terminator: "")
            }
        }
    }

    struct Functions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "functions", abstract: "List the functions of a template version, as Heat's GET /template_versions/V/functions.")

        @Option(help: "The version: a date (2018-08-31), an alias (rocky) or key.date.")
        var version: String

        @Option(help: "Output format: table, json or yaml.")
        var format: ReportFormat = .table

        func validate() throws {
            if TemplateOutput.version(named: version) == nil {
                let valid = TemplateVersion.all.flatMap { [$0.date] + $0.aliases }
                throw ValidationError(
                    "unknown template version '\(version)'; valid versions: \(valid.joined(separator: ", "))")
            }
        }

        func run() throws {
            guard let found = TemplateOutput.version(named: version) else { throw ExitCode(2) }
            let body = TemplateOutput.functionsBody(found)
            switch format {
            case .json: print(body.prettyJSON())
            case .yaml: print(body.yamlText(), terminator: "")
            case .table:
                let rows = (body.mapValue?["template_functions"]?.listValue ?? []).map {
                    [$0.mapValue?["functions"]?.stringValue ?? "", $0.mapValue?["description"]?.stringValue ?? ""]
                }
                print(TemplateOutput.table(["Functions", "Description"], rows), terminator: "")
            }
        }
    }
}
