import KilnModel
import KilnTemplate

/// What a multi-file validate prints: diagnostics for people, one line per file, the summary,
/// and the JSON document for scripts.
enum ValidateOutput {
    /// Every file's diagnostics as `FILE:LINE:COLUMN: error|warning: message` lines, in path
    /// order. A provider template's problem is part of each parent's verdict, but printed once.
    static func diagnosticLines(_ verdicts: [FileVerdict]) -> String {
        distinct(verdicts.flatMap(\.diagnostics)).map { $0.description + "\n" }.joined()
    }

    /// Diagnostics without repeats, in the order given. The same place may be named two ways
    /// (`./lib/x.yaml` found under a folder, `lib/x.yaml` as a parent names it): compared by
    /// normalized file name; the first spelling is kept.
    static func distinct(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        struct Key: Hashable {
            var file: String
            var line: Int32
            var column: Int32
            var severity: Diagnostic.Severity
            var text: String
        }
        var seen = Set<Key>()
        return diagnostics.filter {
            seen.insert(Key(file: TemplatePath.normalized($0.location.file), line: $0.location.line,
                            column: $0.location.column, severity: $0.severity, text: $0.text)).inserted
        }
    }

    /// `PATH: ok`, `PATH: ok, 2 warnings` or `PATH: 3 errors, 1 warning` per file, then the summary.
    static func lines(_ verdicts: [FileVerdict]) -> String {
        var text = ""
        for verdict in verdicts {
            let errors = verdict.errors.count, warnings = verdict.warnings.count
            var parts = [errors == 0 ? "ok" : counted(errors, "error")]
            if warnings > 0 { parts.append(counted(warnings, "warning")) }
            text += "\(Diagnostic.oneLine(verdict.file)): \(parts.joined(separator: ", "))\n"
        }
        return text + summaryLine(verdicts) + "\n"
    }

    /// `N files: X ok, Y with errors, Z warnings`.
    static func summaryLine(_ verdicts: [FileVerdict]) -> String {
        let failing = verdicts.filter(\.hasErrors).count
        let warnings = verdicts.reduce(0) { $0 + $1.warnings.count }
        return "\(counted(verdicts.count, "file")): \(verdicts.count - failing) ok, \(failing) with errors, \(counted(warnings, "warning"))"
    }

    /// `{"files": [{"file", "ok", "errors": [...], "warnings": [...]}], "summary": {...}}`; each
    /// diagnostic is `{"file", "line", "column", "message"}` (its file: a provider template's
    /// problem is in that template, not in the file validated).
    static func filesJSON(_ verdicts: [FileVerdict]) -> Value {
        let files: [Value] = verdicts.map { verdict in
            [
                "file": .string(verdict.file),
                "ok": .bool(!verdict.hasErrors),
                "errors": .list(verdict.errors.map(diagnosticJSON)),
                "warnings": .list(verdict.warnings.map(diagnosticJSON)),
            ]
        }
        let failing = verdicts.filter(\.hasErrors).count
        return [
            "files": .list(files),
            "summary": [
                "files": .int(verdicts.count),
                "ok": .int(verdicts.count - failing),
                "with_errors": .int(failing),
                "errors": .int(verdicts.reduce(0) { $0 + $1.errors.count }),
                "warnings": .int(verdicts.reduce(0) { $0 + $1.warnings.count }),
            ],
        ]
    }

    static func diagnosticJSON(_ diagnostic: Diagnostic) -> Value {
        ["file": .string(diagnostic.location.file), "line": .int(Int(diagnostic.location.line)),
         "column": .int(Int(diagnostic.location.column)), "message": .string(diagnostic.text)]
    }

    private static func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
