import KilnModel
/// Which sections and keys each template version allows (Heat 27).
extension TemplateVersion {
    public var sections: [String] {
        switch format {
        case .hot:
            var keys = ["heat_template_version", "description", "parameter_groups", "parameters", "resources", "outputs"]
            if supportsConditions { keys.append("conditions") }
            return keys
        case .cfn:
            var keys = ["AWSTemplateFormatVersion", "HeatTemplateFormatVersion", "Description", "Mappings",
                        "Parameters", "Resources", "Outputs"]
            if supportsConditions { keys.append("Conditions") }
            return keys
        }
    }

    public var resourceKeys: [String] {
        switch format {
        case .hot:
            var keys = ["type", "properties", "metadata", "depends_on", "deletion_policy", "update_policy", "description"]
            if supportsConditions { keys += ["external_id", "condition"] }
            return keys
        case .cfn:
            var keys = ["Type", "Properties", "Metadata", "DependsOn", "DeletionPolicy", "UpdatePolicy", "Description"]
            if supportsConditions { keys.append("Condition") }
            return keys
        }
    }

    public var outputKeys: [String] {
        switch format {
        case .hot: return supportsConditions ? ["description", "value", "condition"] : ["description", "value"]
        case .cfn: return supportsConditions ? ["Description", "Value", "Condition"] : ["Description", "Value"]
        }
    }

    /// Allowed keys of a parameter definition.
    public var parameterKeys: [String] {
        switch format {
        case .hot:
            var keys = ["type", "description", "default", "constraints", "hidden", "label", "immutable"]
            if self >= .v2018_03_02 { keys.append("tags") }
            return keys
        case .cfn:
            return ["Type", "Default", "NoEcho", "AllowedValues", "AllowedPattern", "MaxLength", "MinLength",
                    "MaxValue", "MinValue", "Description", "ConstraintDescription", "Label"]
        }
    }

    /// Constraint kinds allowed in HOT parameter `constraints`.
    public var constraintKeys: [String] {
        var keys = ["length", "range", "allowed_values", "allowed_pattern", "custom_constraint"]
        if self >= .v2017_02_24 { keys.append("modulo") }
        return keys
    }

    public var deletionPolicies: [String] {
        var values = ["Delete", "Retain", "Snapshot"]
        if isHOT && supportsConditions { values += ["delete", "retain", "snapshot"] }
        return values
    }

    /// Section names under their role, whatever the format spells them.
    public var resourcesSection: String { isHOT ? "resources" : "Resources" }
    public var parametersSection: String { isHOT ? "parameters" : "Parameters" }
    public var outputsSection: String { isHOT ? "outputs" : "Outputs" }
    public var conditionsSection: String { isHOT ? "conditions" : "Conditions" }
    public var descriptionSection: String { isHOT ? "description" : "Description" }
}
