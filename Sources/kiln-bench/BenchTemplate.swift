import KilnModel
/// A generated HOT 2018-08-31 template that exercises the validator broadly: parameters of
/// every type with constraints, conditions, and resources chained through get_resource and
/// get_attr, using str_replace, list_join, if, repeat and map_merge.
enum BenchTemplate {
    static func text(resources count: Int) -> String {
        var out = """
            heat_template_version: 2018-08-31
            description: kiln-bench template of \(count) resources
            parameters:
              prefix:
                type: string
                default: bench
                constraints:
                  - length: {min: 1, max: 20}
                  - allowed_pattern: "[a-z]+"
              enable_extra:
                type: boolean
                default: true
              length:
                type: number
                default: 12
                constraints:
                  - range: {min: 8, max: 64}
              tags:
                type: comma_delimited_list
                default: "red,green,blue"
              settings:
                type: json
                default: {"owner": "bench", "tier": "web"}
            conditions:
              extra_enabled: {get_param: enable_extra}
              is_bench: {equals: [{get_param: prefix}, bench]}
              both: {and: [extra_enabled, is_bench]}
            resources:

            """
        for i in 0..<count {
            switch i % 3 {
            case 0:
                out += """
                      r\(i):
                        type: OS::Heat::RandomString
                        properties:
                          length: {get_param: length}
                          salt:
                            str_replace:
                              template: PREFIX-INDEX
                              params: {PREFIX: {get_param: prefix}, INDEX: "\(i)"}

                    """
            case 1:
                out += """
                      r\(i):
                        type: OS::Heat::Value
                        depends_on: [r\(i - 1)]
                        properties:
                          type: json
                          value:
                            name: {list_join: ["-", [{get_param: prefix}, {get_resource: r\(i - 1)}]]}
                            secret: {get_attr: [r\(i - 1), value]}
                            extra: {if: [extra_enabled, {map_merge: [{get_param: settings}, {index: \(i)}]}, {}]}
                            tags: {repeat: {for_each: {"%t%": {get_param: tags}}, template: "tag-%t%"}}

                    """
            default:
                out += """
                      r\(i):
                        type: OS::Heat::None
                        condition: both
                        properties:
                          source: {get_attr: [r\(i - 1), value, name]}

                    """
            }
        }
        out += "outputs:\n"
        for i in stride(from: 1, to: count, by: 30) {
            out += """
                  value_\(i):
                    description: The value of r\(i).
                    value: {get_attr: [r\(i), value]}

                """
        }
        out += """
              bench_mode:
                condition: both
                value: {if: [is_bench, "bench mode", "custom"]}

            """
        return out
    }
}
