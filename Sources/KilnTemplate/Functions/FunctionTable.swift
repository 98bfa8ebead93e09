/// Which intrinsic functions each template version has (Heat 27's table, see
/// shared/reference/heat-inventory.md §1.2 and §1.4). One type per function; a type
/// that changed behaviour across versions branches on `FunctionSite.version`.
public struct FunctionTable: Sendable {
    public let version: TemplateVersion
    /// Functions usable in values.
    public let functions: [String: any TemplateFunction.Type]
    /// Names Heat registers as removed in this version: using one is an error.
    public let removed: Set<String>
    /// Functions usable inside conditions (`conditions:` section, `condition:` keys, `if`'s first argument).
    public let conditionFunctions: Set<String>

    public var names: [String] { functions.keys.sorted() }

    public static func of(_ version: TemplateVersion) -> FunctionTable { tables[version.rank] }

    private static let tables: [FunctionTable] = TemplateVersion.all.map(FunctionTable.init(version:))

    /// Every function name any version knows, with the versions that have it.
    public static let everyName: [String: [TemplateVersion]] = {
        var out: [String: [TemplateVersion]] = [:]
        for table in tables {
            for name in table.functions.keys { out[name, default: []].append(table.version) }
        }
        return out
    }()

    private static let cfnLegacy: [String: any TemplateFunction.Type] = [
        "Fn::GetAZs": FnGetAZs.self, "Fn::Join": FnJoin.self, "Fn::Split": FnSplit.self,
        "Fn::Replace": FnReplace.self, "Fn::Base64": FnBase64.self,
        "Fn::MemberListToMap": FnMemberListToMap.self, "Fn::ResourceFacade": FnResourceFacade.self,
        "Ref": Ref.self,
    ]

    init(version: TemplateVersion) {
        self.version = version
        if version.format == .cfn {
            var fns = FunctionTable.cfnLegacy
            fns["Fn::FindInMap"] = FnFindInMap.self
            fns["Fn::GetAtt"] = FnGetAtt.self
            fns["Fn::Select"] = FnSelect.self
            var conditionFns: Set<String> = []
            if version.supportsConditions {
                fns["Fn::If"] = FnIf.self
                fns["Fn::Equals"] = FnEquals.self
                fns["Fn::Not"] = FnNot.self
                fns["Fn::And"] = FnAnd.self
                fns["Fn::Or"] = FnOr.self
                conditionFns = ["Fn::Equals", "Ref", "Fn::FindInMap", "Fn::Not", "Fn::And", "Fn::Or"]
            }
            functions = fns
            removed = []
            conditionFunctions = conditionFns
            return
        }

        var fns: [String: any TemplateFunction.Type] = [
            "get_param": GetParam.self, "get_resource": GetResource.self, "get_attr": GetAttr.self,
            "get_file": GetFile.self, "list_join": ListJoin.self, "str_replace": StrReplace.self,
            "resource_facade": ResourceFacade.self,
        ]
        var gone: Set<String> = []
        if version == .v2013_05_23 {
            for (name, type) in FunctionTable.cfnLegacy { fns[name] = type }
            fns["Fn::Select"] = FnSelect.self
        } else {
            gone = Set(FunctionTable.cfnLegacy.keys)
            if version >= .v2015_10_15 { gone.insert("Fn::Select") } else { fns["Fn::Select"] = FnSelect.self }
        }
        if version >= .v2015_04_30 {
            fns["digest"] = Digest.self
            fns["repeat"] = Repeat.self
        }
        if version >= .v2015_10_15 { fns["str_split"] = StrSplit.self }
        if version >= .v2016_04_08 { fns["map_merge"] = MapMerge.self }
        var conditionFns: Set<String> = []
        if version >= .v2016_10_14 {
            fns["yaql"] = Yaql.self
            fns["map_replace"] = MapReplace.self
            fns["if"] = If.self
            fns["equals"] = Equals.self
            fns["not"] = Not.self
            fns["and"] = And.self
            fns["or"] = Or.self
            conditionFns = ["get_param", "equals", "not", "and", "or"]
        }
        if version >= .v2017_02_24 {
            fns["filter"] = Filter.self
            fns["str_replace_strict"] = StrReplace.self
        }
        if version >= .v2017_09_01 {
            fns["make_url"] = MakeURL.self
            fns["list_concat"] = ListConcat.self
            fns["list_concat_unique"] = ListConcat.self
            fns["str_replace_vstrict"] = StrReplace.self
            fns["contains"] = Contains.self
            conditionFns.formUnion(["yaql", "contains"])
        }
        functions = fns
        removed = gone
        conditionFunctions = conditionFns
    }
}
