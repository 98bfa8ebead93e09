import KilnEngine

/// The cloud resource types, registered over the native `OS::Heat::*` ones.
public enum CloudTypes {
    public static let all: [any ResourcePlugin.Type] = [
        ServerResource.self, KeyPairResource.self, ServerGroupResource.self, FlavorResource.self,
        NetResource.self, SubnetResource.self, PortResource.self, RouterResource.self, RouterInterfaceResource.self,
        FloatingIPResource.self, FloatingIPAssociationResource.self, SecurityGroupResource.self, SecurityGroupRuleResource.self,
        VolumeResource.self, VolumeAttachmentResource.self,
        LoadBalancerResource.self, ListenerResource.self, PoolResource.self, PoolMemberResource.self, HealthMonitorResource.self,
        WebImageResource.self,
        EC2InstanceResource.self, EC2VolumeResource.self, EC2VolumeAttachmentResource.self,
        SoftwareDeploymentResource.self,
        SoftwareDeploymentGroupResource.self,
        GnocchiAggregationByResourcesAlarmResource.self, GnocchiResourcesAlarmResource.self, GnocchiAggregationByMetricsAlarmResource.self,
        ThresholdAlarmResource.self, CompositeAlarmResource.self, EventAlarmResource.self, CloudWatchAlarmResource.self,
    ]
}

extension PluginRegistry {
    /// Native types and cloud types: what `kiln` and `kiln serve` run.
    public static let standard: PluginRegistry = {
        var registry = PluginRegistry.native
        for type in CloudTypes.all { registry.register(type) }
        for type in CloudPropertyConstraints.table.keys { registry.refine(type, CloudPropertyConstraints.apply(to:)) }
        return registry
    }()
}
