/// The mappings Heat's shipped global environment (`/etc/heat/environment.d/default.yaml`)
/// applies after the user's registry: old names that real templates still use.
public enum GlobalEnvironment {
    static let aliases: [String: String] = [
        "OS::Metering::Alarm": "OS::Aodh::Alarm",
        "OS::Ceilometer::Alarm": "OS::Aodh::Alarm",
        "OS::Ceilometer::GnocchiResourcesAlarm": "OS::Aodh::GnocchiResourcesAlarm",
        "OS::Ceilometer::GnocchiAggregationByMetricsAlarm": "OS::Aodh::GnocchiAggregationByMetricsAlarm",
        "OS::Ceilometer::GnocchiAggregationByResourcesAlarm": "OS::Aodh::GnocchiAggregationByResourcesAlarm",
        "OS::Ceilometer::CombinationAlarm": "OS::Aodh::CombinationAlarm",
    ]

    /// `OS::Quantum*` → `OS::Neutron*`.
    static let prefixAliases: [(from: String, to: String)] = [("OS::Quantum", "OS::Neutron")]

    /// The type Heat's global environment maps `type` to, if any.
    public static func resolve(_ type: String) -> String? {
        if let target = aliases[type] { return target }
        for (from, to) in prefixAliases where type.hasPrefix(from) {
            return to + type.dropFirst(from.count)
        }
        return nil
    }
}
