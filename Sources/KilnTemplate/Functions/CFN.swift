import Foundation
import KilnModel

/// CFN intrinsic functions (AWSTemplateFormatVersion / HeatTemplateFormatVersion, and the
/// legacy ones HOT 2013-05-23 still has), with Heat's semantics.

/// `Ref: name`: a resource's reference id, or a parameter's value. Heat decides by whether
/// a resource of that name exists, which only the template knows; so a non-pseudo name is
/// reported as a `.resource` reference and the template layer turns it into a `.parameter`
/// one when the name is a declared parameter and not a resource. Inside conditions Heat
/// allows parameters only.
public struct Ref: TemplateFunction {
    public let target: String
    public let location: SourceLocation
    public let parametersOnly: Bool

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Ref? {
        guard let name = site.arguments.string else {
            return site.fail(&parser, "argument must be the name of a parameter or resource", expected: "a string")
        }
        return Ref(target: name, location: site.arguments.location, parametersOnly: parser.inCondition)
    }

    /// Pseudo parameters the stack provides (`AWS::StackName`, `OS::stack_id`, ...).
    public var isPseudoParameter: Bool { target.hasPrefix("AWS::") || target.hasPrefix("OS::") }

    public var children: [Expression] { [] }
    public var references: [Reference] {
        parametersOnly || isPseudoParameter ? [.parameter(target, location)] : [.resource(target, location)]
    }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        if parametersOnly || isPseudoParameter { return try parameterValue(scope) }
        do {
            return try scope.context.resourceReference(target)
        } catch {
            // Not a (live) resource: a parameter of that name wins, as in Heat.
            if let value = scope.context.parameter(target) { return value }
            throw error
        }
    }

    private func parameterValue(_ scope: EvaluationScope) throws -> Value {
        if let value = scope.context.parameter(target) { return value }
        if target == "AWS::Region" { return "ap-southeast-1" }  // Heat's default region parameter
        throw EvaluationError("Ref: the parameter '\(target)' does not exist", at: location)
    }
}

/// `Fn::GetAtt: [resource, attribute]`.
public struct FnGetAtt: TemplateFunction {
    public let resource: String
    public let attribute: Expression
    public let location: SourceLocation

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnGetAtt? {
        let form = "[resource_name, attribute]"
        guard let items = site.arguments.sequence, items.count == 2 else {
            return site.reject(&parser, "arguments must be of the form \(form)", expected: "a list of 2 items",
                               found: site.arguments.sequence.map { "\($0.count) items" })
        }
        guard let resource = items[0].string else {
            return site.fail(&parser, "the resource name must be a string", expected: "a string",
                             at: items[0].location)
        }
        return FnGetAtt(resource: resource, attribute: parser.parse(items[1]), location: items[0].location)
    }

    public var children: [Expression] { [attribute] }
    public var references: [Reference] { [.attribute(resource: resource, attribute: attribute.literalString, location)] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        let name = try scope.value(of: attribute)
        guard let attributeName = name.stringValue else {
            throw EvaluationError("Fn::GetAtt: the attribute name must be a string, found \(name.kindName)",
                                  at: attribute.location)
        }
        return try scope.context.resourceAttribute(resource, attributeName)
    }
}

/// `Fn::Select: [index, list or map]`; an index that is not there gives "" (Heat's rule, since
/// an unresolved attribute is also "").
public struct FnSelect: TemplateFunction {
    public let index: Expression
    public let collection: Expression

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnSelect? {
        guard let items = site.arguments.sequence, items.count == 2 else {
            return site.reject(&parser, "arguments must be of the form [index, collection]",
                               expected: "a list of 2 items", found: site.arguments.sequence.map { "\($0.count) items" })
        }
        return FnSelect(index: parser.parse(items[0]), collection: parser.parse(items[1]))
    }

    public var children: [Expression] { [index, collection] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        let key = try scope.value(of: index)
        var target = try scope.value(of: collection)
        if target == "" || target == .null { return "" }
        if case .string(let text) = target {
            // Heat accepts a JSON-serialized collection.
            guard let decoded = try? Value.parseJSON(text) else {
                throw EvaluationError("Fn::Select: the collection is a string that is not JSON", at: collection.location)
            }
            target = decoded
        }
        switch target {
        case .map(let map):
            guard case .string(let name) = key else {
                throw EvaluationError("Fn::Select: the index into a map must be a string", at: index.location)
            }
            return map[name] ?? ""
        case .list(let list):
            let position: Int?
            switch key {
            case .int(let i): position = i
            case .string(let s): position = Int(s.trimmingCharacters(in: .whitespaces))
            case .bool(let b): position = b ? 1 : 0
            default: position = nil
            }
            guard let position else {
                throw EvaluationError("Fn::Select: the index into a list must be an integer", at: index.location)
            }
            // Python indexing: negative counts from the end.
            let resolved = position < 0 ? list.count + position : position
            return list.indices.contains(resolved) ? list[resolved] : ""
        default:
            throw EvaluationError("Fn::Select: the collection must be a list or a map, found \(target.kindName)",
                                  at: collection.location)
        }
    }
}

/// `Fn::Join: [delimiter, [string, ...]]`; null items become "".
public struct FnJoin: TemplateFunction {
    public let delimiter: Expression
    public let strings: Expression

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnJoin? {
        guard let items = site.arguments.sequence, items.count == 2 else {
            return site.reject(&parser, "arguments must be of the form [delimiter, [string, ...]]",
                               expected: "a list of 2 items", found: site.arguments.sequence.map { "\($0.count) items" })
        }
        return FnJoin(delimiter: parser.parse(items[0]), strings: parser.parse(items[1]))
    }

    public var children: [Expression] { [delimiter, strings] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        let list = try scope.value(of: strings)
        let items: [Value]
        switch list {
        case .null: items = []
        case .list(let values): items = values
        default:
            throw EvaluationError("\(nameForErrors): must operate on a list, found \(list.kindName)", at: strings.location)
        }
        let delim = try scope.value(of: delimiter)
        guard case .string(let separator) = delim else {
            throw EvaluationError("\(nameForErrors): the delimiter must be a string, found \(delim.kindName)",
                                  at: delimiter.location)
        }
        // Measured before joining: a long delimiter between many items is a long string.
        var length = separator.utf8.count.multipliedSaturated(by: max(items.count - 1, 0))
        var parts: [String] = []
        for item in items {
            switch item {
            case .null: parts.append("")
            case .string(let s):
                parts.append(s)
                length = length.addingSaturated(s.utf8.count)
            default:
                throw EvaluationError("\(nameForErrors): items to join must be strings, found \(item.kindName)",
                                      at: strings.location)
            }
        }
        try ResultSize.require(bytes: length, of: nameForErrors, at: delimiter.location)
        return .string(parts.joined(separator: separator))
    }

    private var nameForErrors: String { "Fn::Join" }
}

/// `Fn::Split: [delimiter, string]`; the delimiter must be written as a string.
public struct FnSplit: TemplateFunction {
    public let delimiter: String
    public let string: Expression

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnSplit? {
        guard let items = site.arguments.sequence, items.count == 2 else {
            return site.reject(&parser, "arguments must be of the form [delimiter, string]",
                               expected: "a list of 2 items", found: site.arguments.sequence.map { "\($0.count) items" })
        }
        guard let delimiter = items[0].string else {
            return site.fail(&parser, "the delimiter must be a string", expected: "a string", at: items[0].location)
        }
        guard !delimiter.isEmpty else {
            return site.fail(&parser, "the delimiter must not be empty", at: items[0].location)
        }
        return FnSplit(delimiter: delimiter, string: parser.parse(items[1]))
    }

    public var children: [Expression] { [string] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        let value = try scope.value(of: string)
        guard case .string(let text) = value else {
            throw EvaluationError("Fn::Split: the string to split must be a string, found \(value.kindName)",
                                  at: string.location)
        }
        // Counted before the parts are made: a long string of delimiters is a long list.
        let bytes = Array(text.utf8)
        let cuts = PythonString.occurrences(of: Array(delimiter.utf8), in: bytes)
        try ResultSize.require(items: cuts.count + 1, of: "Fn::Split", at: string.location)
        return .list(PythonString.parts(of: bytes, cutAt: cuts, width: delimiter.utf8.count).map(Value.string))
    }
}

/// `Fn::Replace: [{placeholder: value}, template]`: longest placeholder first, then the
/// lexicographically smaller; values are strings or numbers, null becomes "".
public struct FnReplace: TemplateFunction {
    public let params: Expression
    public let template: Expression

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnReplace? {
        guard let items = site.arguments.sequence, items.count == 2 else {
            return site.reject(&parser, "arguments must be of the form [{placeholder: value, ...}, template]",
                               expected: "a list of 2 items", found: site.arguments.sequence.map { "\($0.count) items" })
        }
        let params = parser.parse(items[0])
        if case .list = params {
            return site.fail(&parser, "parameters must be a mapping", expected: "a mapping", at: items[0].location)
        }
        if case .literal = params {
            return site.fail(&parser, "parameters must be a mapping", expected: "a mapping", at: items[0].location)
        }
        return FnReplace(params: params, template: parser.parse(items[1]))
    }

    public var children: [Expression] { [params, template] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        let text = try scope.value(of: template)
        guard case .string(let string) = text else {
            throw EvaluationError("Fn::Replace: the template must be a string, found \(text.kindName)", at: template.location)
        }
        let mapping = try scope.value(of: params)
        guard case .map(let map) = mapping else {
            throw EvaluationError("Fn::Replace: parameters must be a map, found \(mapping.kindName)", at: params.location)
        }
        var replacements: [(String, String)] = []
        for (key, value) in map {
            switch value {
            case .null: replacements.append((key, ""))
            case .string, .int, .double, .bool: replacements.append((key, value.plainText))
            default:
                throw EvaluationError("Fn::Replace: parameters must be strings or numbers, '\(key)' is \(value.kindName)",
                                      at: params.location)
            }
        }
        replacements.sort { $0.0.count != $1.0.count ? $0.0.count > $1.0.count : $0.0 < $1.0 }
        // A value is never itself scanned for placeholders (as in Heat): one pass, as str_replace.
        let placeholders = Placeholders(replacements.map(\.0))
        let matches = try placeholders.matches(in: string, name: "Fn::Replace", at: template.location)
        return .string(try Placeholders.substitute(
            matches, replacements.map(\.1), in: string, name: "Fn::Replace", at: template.location))
    }
}

/// `Fn::Base64: string`: Heat performs no encoding, the string passes through.
public struct FnBase64: TemplateFunction {
    public let argument: Expression

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnBase64? {
        FnBase64(argument: parser.parse(site.arguments))
    }

    public var children: [Expression] { [argument] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        let value = try scope.value(of: argument)
        guard case .string = value else {
            throw EvaluationError("Fn::Base64: the argument must be a string, found \(value.kindName)", at: argument.location)
        }
        return value
    }
}

/// `Fn::MemberListToMap: [keyName, valueName, ['.member.0.<keyName>=k', '.member.0.<valueName>=v', ...]]`
/// (AWS query-style pairs) → `{k: v}`.
public struct FnMemberListToMap: TemplateFunction {
    public let keyName: String
    public let valueName: String
    public let members: Expression

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnMemberListToMap? {
        guard let items = site.arguments.sequence, items.count == 3 else {
            return site.reject(&parser, "arguments must be of the form [key_name, value_name, member_list]",
                               expected: "a list of 3 items", found: site.arguments.sequence.map { "\($0.count) items" })
        }
        guard let keyName = items[0].string else {
            return site.fail(&parser, "the key name must be a string", expected: "a string", at: items[0].location)
        }
        guard let valueName = items[1].string else {
            return site.fail(&parser, "the value name must be a string", expected: "a string", at: items[1].location)
        }
        return FnMemberListToMap(keyName: keyName, valueName: valueName, members: parser.parse(items[2]))
    }

    public var children: [Expression] { [members] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        let value = try scope.value(of: members)
        guard case .list(let list) = value else {
            throw EvaluationError("Fn::MemberListToMap: the member list must be a list, found \(value.kindName)",
                                  at: members.location)
        }
        // '.member.N.field=value' → member N's field; later duplicates win, as in a Python dict.
        var pairs: [String: String] = [:]
        for item in list {
            guard case .string(let text) = item else {
                throw EvaluationError("Fn::MemberListToMap: member list items must be strings", at: members.location)
            }
            guard let equals = text.firstIndex(of: "=") else {
                throw EvaluationError("Fn::MemberListToMap: member '\(text)' has no '='", at: members.location)
            }
            pairs[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        var fields: [Int: [String: String]] = [:]
        for (name, value) in pairs {
            let parts = name.split(separator: ".", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0].isEmpty, parts[1] == "member",
                  !parts[2].isEmpty, parts[2].allSatisfy(\.isASCIIDigit), let index = Int(parts[2])
            else { continue }
            fields[index, default: [:]][String(parts[3])] = value
        }
        var result: [String: Value] = [:]
        for index in fields.keys.sorted() {
            if let member = fields[index], let key = member[keyName], let value = member[valueName] {
                result[key] = .string(value)
            }
        }
        return .map(result)
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

/// `Fn::ResourceFacade: Metadata | DeletionPolicy | UpdatePolicy` inside a provider template.
public struct FnResourceFacade: TemplateFunction {
    /// The section in HOT spelling (`metadata`, `deletion_policy`, `update_policy`), as the context expects.
    public let section: String

    static let sections = ["Metadata": "metadata", "DeletionPolicy": "deletion_policy", "UpdatePolicy": "update_policy"]

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnResourceFacade? {
        guard let name = site.arguments.string, let section = sections[name] else {
            return site.fail(&parser, "argument must be one of Metadata, DeletionPolicy, UpdatePolicy",
                             expected: "Metadata, DeletionPolicy or UpdatePolicy")
        }
        return FnResourceFacade(section: section)
    }

    public var children: [Expression] { [] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        try scope.context.resourceFacade(section)
    }
}

/// `Fn::FindInMap: [map, key, value]` over the template's `Mappings`.
public struct FnFindInMap: TemplateFunction {
    public let map: Expression
    public let key: Expression
    public let value: Expression

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnFindInMap? {
        guard let items = site.arguments.sequence, items.count == 3 else {
            return site.reject(&parser, "arguments must be of the form [map_name, key, value]",
                               expected: "a list of 3 items", found: site.arguments.sequence.map { "\($0.count) items" })
        }
        return FnFindInMap(map: parser.parse(items[0]), key: parser.parse(items[1]), value: parser.parse(items[2]))
    }

    public var children: [Expression] { [map, key, value] }
    public var references: [Reference] { map.literalString.map { [.mapping($0, map.location)] } ?? [] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        let mapName = try scope.value(of: map)
        guard case .string(let name) = mapName, let mapping = scope.context.mapping(name) else {
            throw EvaluationError("Fn::FindInMap: no mapping named \(mapName.plainText)", at: map.location)
        }
        let keyValue = try scope.value(of: key)
        guard let level = mapping.mapValue?[keyValue.plainText] else {
            throw EvaluationError("Fn::FindInMap: mapping '\(name)' has no key '\(keyValue.plainText)'", at: key.location)
        }
        let valueKey = try scope.value(of: value)
        guard let found = level.mapValue?[valueKey.plainText] else {
            throw EvaluationError("Fn::FindInMap: mapping '\(name)' key '\(keyValue.plainText)' has no value '\(valueKey.plainText)'",
                                  at: value.location)
        }
        return found
    }
}

/// `Fn::GetAZs: region`: the availability zones (the region is not used, as in Heat).
public struct FnGetAZs: TemplateFunction {
    public let region: Expression

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnGetAZs? {
        FnGetAZs(region: parser.parse(site.arguments))
    }

    public var children: [Expression] { [region] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        .list(scope.context.availabilityZones().map(Value.string))
    }
}

/// `Fn::If`, `Fn::Equals`, `Fn::And`, `Fn::Or` are Heat's HOT functions under CFN names.
public typealias FnIf = If
public typealias FnEquals = Equals
public typealias FnAnd = And
public typealias FnOr = Or

/// `Fn::Not: [condition]`: unlike HOT's `not`, the condition is wrapped in a one-item list.
public struct FnNot: TemplateFunction {
    public let operand: Expression

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> FnNot? {
        guard let items = site.arguments.sequence, items.count == 1 else {
            return site.reject(&parser, "arguments must be of the form [condition]", expected: "a list of 1 condition",
                               found: site.arguments.sequence.map { "\($0.count) items" })
        }
        let operand = parser.parseCondition(items[0])
        guard checkConditionOperand(operand, site, &parser) else { return nil }
        return FnNot(operand: operand)
    }

    public var children: [Expression] { [operand] }
    public var references: [Reference] { operand.conditionReference.map { [$0] } ?? [] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        .bool(!(try scope.condition(operand)))
    }
}
