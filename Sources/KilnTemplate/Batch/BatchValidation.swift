import Foundation

/// One file's verdict in a multi-file validate.
public struct FileVerdict: Sendable {
    /// The file as named (on the command line or found under a folder).
    public var file: String
    /// Its diagnostics (those of provider templates it uses included), in file, line and
    /// column order; warnings already turned into errors under `strict`.
    public var diagnostics: [Diagnostic]
    /// The validator's whole report, when asked for (one file's Heat body); nil for a file
    /// that could not be read.
    public var report: ValidationReport?

    public init(file: String, diagnostics: [Diagnostic], report: ValidationReport? = nil) {
        self.file = file
        self.diagnostics = diagnostics
        self.report = report
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Validates many templates at once, as `kiln template validate PATH...` does: every file on
/// every core, each with the same environments and parameters, and the files they name
/// (provider templates, get_file) read once for the whole run.
public struct BatchValidation: Sendable {
    public var validator: TemplateValidator
    public var environments: [(name: String, content: [UInt8])]
    public var parameters: [String: String]
    public var limits: ReaderLimits
    /// Warnings count as errors.
    public var strict: Bool
    /// Keep each file's whole report (its template tree and Heat body): only when one file's
    /// body is printed, since a tree of hundreds of templates would all stay in memory.
    public var keepReports: Bool

    public init(
        validator: TemplateValidator, environments: [(name: String, content: [UInt8])] = [],
        parameters: [String: String] = [:], limits: ReaderLimits = .default, strict: Bool = false,
        keepReports: Bool = false
    ) {
        self.validator = validator
        self.environments = environments
        self.parameters = parameters
        self.limits = limits
        self.strict = strict
        self.keepReports = keepReports
    }

    /// The verdict of each file, in the order given. `cache` and `parsed` are shared by the
    /// run's files (pass them to see what was read).
    public func validate(
        _ files: [String], cache: FileCache = FileCache(), parsed: ParsedTemplateCache = ParsedTemplateCache()
    ) -> [FileVerdict] {
        let verdicts = Slots<FileVerdict>(count: files.count)
        // Largest first, so one big template does not start last and leave a core idle.
        let sizes = files.map(size(of:))
        let order = files.indices.sorted { sizes[$0] > sizes[$1] }
        DispatchQueue.concurrentPerform(iterations: order.count) { position in
            let index = order[position]
            verdicts.set(index, validateOne(files[index], cache: cache, parsed: parsed))
        }
        return verdicts.values
    }

    /// One file's verdict; a file that cannot be read is an error located at its start.
    public func validateOne(_ file: String, cache: FileCache, parsed: ParsedTemplateCache? = nil) -> FileVerdict {
        let bytes: [UInt8]
        switch BoundedFile.read(file, limit: limits.maxBytes) {
        case .success(let read): bytes = read
        case .failure(let failure):
            let start = SourceLocation(file: file, line: 1, column: 1)
            let diagnostic: Diagnostic
            if case .tooLarge(let limit, let size) = failure.reason {
                diagnostic = .error(at: start, "file is too large",
                                    expected: "at most \(limit) bytes", found: size.map { "\($0) bytes" } ?? "more")
            } else {
                diagnostic = .error(at: start, "cannot read the file: \(failure.reasonText)")
            }
            return FileVerdict(file: file, diagnostics: [diagnostic], report: nil)
        }
        var request = ValidationRequest(
            templateName: file, template: bytes, environments: environments, parameters: parameters,
            limits: limits, readFile: { cache.read($0) })
        request.parsedTemplates = parsed
        let report = validator.validate(request)
        var diagnostics = Diagnostics()
        diagnostics.append(contentsOf: report.diagnostics)
        let sorted = strict ? Self.promotingWarnings(diagnostics.sorted) : diagnostics.sorted
        return FileVerdict(file: file, diagnostics: sorted, report: keepReports ? report : nil)
    }

    /// `--strict`: every warning an error (same place, same message).
    public static func promotingWarnings(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.map { $0.with(.error) }
    }

    private func size(of path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
}
