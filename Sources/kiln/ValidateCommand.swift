import ArgumentParser
import Foundation
import KilnModel
import KilnTemplate

/// `validate`'s formats: Heat's body for one template (yaml, json, table), the files document
/// for several (json), SARIF 2.1.0 for code-scanning tools (sarif).
enum ValidateFormat: String, ExpressibleByArgument, CaseIterable { case yaml, json, table, sarif }

extension TemplateCommand {
    /// `kiln template validate PATH... [-t FILE]...`: one template as Heat's validate prints
    /// it, or many at once (files, and folders searched for templates) on every core.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate", abstract: "Validate templates: one prints its parameters as `openstack orchestration template validate`; folders are searched for templates.",
            discussion: """
                One template file (-t FILE or a single PATH) prints Heat's validate body (--format \
                yaml, json or table). Several files, or a folder (searched recursively for *.yaml and \
                *.yml files whose top level has heat_template_version), are validated in parallel: one \
                line per file and a summary, or with --format json one document of every file's errors \
                and warnings. --format sarif prints SARIF 2.1.0 either way. Diagnostics go to standard \
                error as FILE:LINE:COLUMN: error|warning: message. Exit status 1 when any file has an \
                error (with --strict, a warning).
                """)

        @Argument(help: "Template files, or folders searched recursively for templates.")
        var paths: [String] = []

        @Option(name: [.customShort("t"), .customLong("template")], help: "A template file (repeatable).")
        var templates: [String] = []

        @OptionGroup var inputs: ValidationInputs

        @Flag(help: "Treat warnings as errors (exit 1).")
        var strict = false

        @Option(help: "Output format: yaml, json, table or sarif.")
        var format: ValidateFormat = .yaml

        func validate() throws {
            if templates.isEmpty && paths.isEmpty {
                throw ValidationError("Missing a template: give -t FILE or one or more PATHs (files or folders)")
            }
        }

        /// What was named: `-t` files first, then the paths.
        var named: [String] { templates + paths }

        /// One file (not a folder): Heat's validate body, as `-t FILE` always printed.
        var isSingleFile: Bool {
            guard named.count == 1 else { return false }
            var info = stat()
            return stat(named[0], &info) != 0 || info.st_mode & S_IFMT != S_IFDIR
        }

        func run() throws {
            if isSingleFile {
                try runOne(named[0])
            } else {
                try runMany()
            }
        }

        private func runOne(_ template: String) throws {
            let report = try inputs.validated(template: template, strict: strict)
            if format == .sarif {
                print(SARIFOutput.log(report.diagnostics).prettyJSON())
                if !report.isValid { throw ExitCode(1) }
                return
            }
            guard report.isValid else {
                if format == .json { print(TemplateOutput.errorsJSON(report.diagnostics)) }
                throw ExitCode(1)
            }
            switch format {
            case .yaml: print(report.heatBody.yamlText(), terminator: "")
            case .json: print(report.heatBody.prettyJSON())
            case .table: print(TemplateOutput.validationTable(report), terminator: "")
            case .sarif: break
            }
        }

        private func runMany() throws {
            let files: [String]
            do {
                files = try TemplateDiscovery.templates(in: named)
            } catch {
                standardError("kiln: \(error)")
                throw ExitCode(2)
            }
            if files.isEmpty { standardError("kiln: no templates found under \(named.joined(separator: ", "))") }
            let environmentFiles: [(name: String, content: [UInt8])]
            do {
                environmentFiles = try inputs.environmentFiles()
            } catch let refused as ValidationInputs.TooLarge {
                standardError(refused.diagnostic.description)
                throw ExitCode(1)
            }
            let batch = BatchValidation(
                validator: TemplateValidator(catalog: HeatTypes.catalog, constraints: BuiltinConstraints()),
                environments: environmentFiles, parameters: inputs.parameterValues,
                limits: inputs.limits, strict: strict)
            let verdicts = batch.validate(files)

            writeToStandardError(ValidateOutput.diagnosticLines(verdicts))
            switch format {
            case .json: print(ValidateOutput.filesJSON(verdicts).prettyJSON())
            case .sarif: print(SARIFOutput.log(verdicts.flatMap(\.diagnostics)).prettyJSON())
            case .yaml, .table: print(ValidateOutput.lines(verdicts), terminator: "")
            }
            if verdicts.contains(where: \.hasErrors) { throw ExitCode(1) }
        }
    }
}

/// Writes text already made of whole lines to standard error in one write.
private func writeToStandardError(_ text: String) {
    guard !text.isEmpty else { return }
    FileHandle.standardError.write(Data(text.utf8))
}
