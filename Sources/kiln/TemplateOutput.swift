import KilnModel
import KilnTemplate

/// The bodies and tables the template commands print.
enum TemplateOutput {
    /// Columns padded to their widest cell, two spaces apart, under an underlined header.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let flat = rows.map { $0.map { $0.replacingNewlines() } }
        var widths = header.map(\.count)
        for row in flat {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (i, cell) in cells.enumerated() {
                text += i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2)
            }
            return text
        }
        var out = line(header) + "\n" + line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in flat { out += line(row) + "\n" }
        return out
    }

    /// The validate body for people: description, one row per parameter, the groups.
    static func validationTable(_ report: ValidationReport) -> String {
        let body = report.heatBody.mapValue ?? [:]
        var out = "Description: \(body["Description"]?.stringValue ?? "")\n"
        let parameters = body["Parameters"]?.mapValue ?? [:]
        // Template order when the template is known, else alphabetical.
        let declared = report.template?.parameters.map(\.name).filter { parameters[$0] != nil } ?? []
        let names = declared + parameters.keys.sorted().filter { !declared.contains($0) }
        if !names.isEmpty {
            let shown: Set<String> = ["Type", "Default", "Label", "Description", "NoEcho"]
            let rows = names.map { name -> [String] in
                let schema = parameters[name]?.mapValue ?? [:]
                let constraints = schema.keys.sorted().filter { !shown.contains($0) }
                    .map { "\($0): \(cellText(schema[$0]))" }
                return [name, cellText(schema["Type"]), cellText(schema["Default"]), cellText(schema["Label"]),
                        cellText(schema["Description"]), constraints.joined(separator: "; ")]
            }
            out += "\nParameters:\n"
            out += table(["Name", "Type", "Default", "Label", "Description", "Constraints"], rows)
        }
        let groups = body["ParameterGroups"]?.listValue ?? []
        if !groups.isEmpty {
            let rows = groups.map { group -> [String] in
                let map = group.mapValue ?? [:]
                let members = (map["parameters"]?.listValue ?? []).map { cellText($0) }
                return [cellText(map["label"]), cellText(map["description"]), members.joined(separator: ", ")]
            }
            out += "\nParameterGroups:\n" + table(["Label", "Description", "Parameters"], rows)
        }
        return out
    }

    private static func cellText(_ value: Value?) -> String {
        guard let value, value != .null else { return "" }
        return value.stringValue ?? value.jsonText()
    }

    /// `{"errors": [{"file", "line", "column", "message"}]}` for scripts.
    static func errorsJSON(_ diagnostics: [Diagnostic]) -> String {
        let errors: [Value] = diagnostics.filter { $0.severity == .error }.map {
            ["file": .string($0.location.file), "line": .int(Int($0.location.line)),
             "column": .int(Int($0.location.column)), "message": .string($0.text)]
        }
        return Value.map(["errors": .list(errors)]).prettyJSON()
    }

    /// Heat's GET /template_versions body.
    static func versionsBody() -> Value {
        .map(["template_versions": .list(TemplateVersion.all.map {
            ["version": .string("\($0.key).\($0.date)"), "type": .string($0.format.rawValue),
             "aliases": .list($0.aliases.map(Value.string))]
        })])
    }

    /// A version by date, alias or `key.date`.
    static func version(named name: String) -> TemplateVersion? {
        TemplateVersion.all.first { $0.date == name || $0.aliases.contains(name) || "\($0.key).\($0.date)" == name }
    }

    /// Heat's GET /template_versions/V/functions body, condition functions included.
    static func functionsBody(_ version: TemplateVersion) -> Value {
        let table = FunctionTable.of(version)
        let names = Set(table.names).union(table.conditionFunctions).sorted()
        return .map(["template_functions": .list(names.map {
            ["functions": .string($0), "description": .string(functionDescriptions[$0] ?? "")]
        })])
    }

    static let functionDescriptions: [String: String] = [
        "get_param": "The value of a parameter, optionally following a path into it.",
        "get_resource": "The reference ID of a resource of the template.",
        "get_attr": "An attribute of a resource, optionally following a path into it.",
        "get_file": "The content of a file from the files map.",
        "list_join": "Lists of strings joined with a delimiter.",
        "str_replace": "A string with each parameter key replaced by its value.",
        "str_replace_strict": "As str_replace; every parameter key must occur in the string.",
        "str_replace_vstrict": "As str_replace_strict; no parameter value may be empty.",
        "resource_facade": "The metadata, deletion_policy or update_policy of a provider template's facade.",
        "digest": "The hex digest of a value under a hash algorithm.",
        "repeat": "A template repeated for each value (or combination of values) of lists.",
        "str_split": "A string split by a delimiter, or one item of the split.",
        "map_merge": "Maps merged; later keys win.",
        "map_replace": "A map with keys and values renamed.",
        "yaql": "The result of a YAQL expression over data.",
        "if": "One of two values, chosen by a condition.",
        "equals": "Whether two values are equal.",
        "not": "The negation of a condition.",
        "and": "Whether every condition holds.",
        "or": "Whether any condition holds.",
        "filter": "A list without the given values.",
        "make_url": "A URL built from its parts, each escaped.",
        "list_concat": "Lists concatenated.",
        "list_concat_unique": "Lists concatenated without repeated items.",
        "contains": "Whether a sequence contains a value.",
        "Fn::Select": "An item of a list or map, by index or key.",
        "Fn::GetAZs": "The availability zones.",
        "Fn::Join": "A list of strings joined with a delimiter.",
        "Fn::Split": "A string split by a delimiter.",
        "Fn::Replace": "A string with each key replaced by its value.",
        "Fn::Base64": "Its argument, unchanged (Heat does not encode it).",
        "Fn::MemberListToMap": "A map built from an AWS-style member list.",
        "Fn::ResourceFacade": "An attribute of a provider template's facade resource.",
        "Fn::FindInMap": "A value looked up in the Mappings section.",
        "Fn::GetAtt": "An attribute of a resource.",
        "Fn::If": "One of two values, chosen by a condition.",
        "Fn::Equals": "Whether two values are equal.",
        "Fn::Not": "The negation of a condition.",
        "Fn::And": "Whether every condition holds.",
        "Fn::Or": "Whether any condition holds.",
        "Ref": "The value of a parameter or the reference ID of a resource.",
    ]
}

extension String {
    fileprivate func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }
}
