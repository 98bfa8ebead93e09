import Foundation
import KilnModel
import KilnTemplate

/// SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), the log code-scanning
/// tools (GitHub code scanning, GitLab, IDE viewers) read: one run of Kiln, one result per
/// distinct diagnostic, each at its file, line and column.
enum SARIFOutput {
    static let version = "2.1.0"
    static let schema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    static let informationURI = "https://docs.openstack.org/heat/latest/template_guide/hot_spec.html"

    /// The rules results point to: Kiln's diagnostics carry a severity, not a code, so one rule
    /// per severity.
    static let rules: [(id: String, name: String, text: String, level: String)] = [
        ("template-error", "TemplateError", "The template is invalid: Heat would refuse it.", "error"),
        ("template-warning", "TemplateWarning", "The template is accepted but likely wrong.", "warning"),
    ]

    /// The log of `diagnostics`, repeats (a provider template's problem seen from each parent) once.
    static func log(_ diagnostics: [Diagnostic]) -> Value {
        let results: [Value] = ValidateOutput.distinct(diagnostics).map(result)
        let driver: Value = [
            "name": "kiln",
            "informationUri": .string(informationURI),
            "rules": .list(rules.map { rule in
                [
                    "id": .string(rule.id),
                    "name": .string(rule.name),
                    "shortDescription": ["text": .string(rule.text)],
                    "defaultConfiguration": ["level": .string(rule.level)],
                ]
            }),
        ]
        return [
            "version": .string(version),
            "$schema": .string(schema),
            "runs": [["tool": ["driver": driver], "results": .list(results)]],
        ]
    }

    static func result(_ diagnostic: Diagnostic) -> Value {
        let ruleIndex = diagnostic.severity == .error ? 0 : 1
        var physical: [String: Value] = ["artifactLocation": ["uri": .string(uri(diagnostic.location.file))]]
        if diagnostic.location.line > 0 {
            physical["region"] = [
                "startLine": .int(Int(diagnostic.location.line)),
                "startColumn": .int(Int(max(1, diagnostic.location.column))),
            ]
        }
        return [
            "ruleId": .string(rules[ruleIndex].id),
            "ruleIndex": .int(ruleIndex),
            "level": .string(rules[ruleIndex].level),
            "message": ["text": .string(diagnostic.text)],
            "locations": [["physicalLocation": .map(physical)]],
        ]
    }

    /// A file name as a URI reference: relative paths stay relative (to where kiln ran, as
    /// code-scanning tools expect paths from the repository's root), absolute ones become
    /// `file://` URIs; characters not allowed in a path are percent-encoded.
    static func uri(_ file: String) -> String {
        if file.hasPrefix("file://") || file.hasPrefix("http://") || file.hasPrefix("https://") { return file }
        var path = file
        while path.hasPrefix("./") { path.removeFirst(2) }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ":;?#%")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }
}
