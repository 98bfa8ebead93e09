/// The native `OS::Heat::*` resource types this engine runs.
extension PluginRegistry {
    public static let native = PluginRegistry([
        NoneResource.self,
        ValueResource.self,
        RandomStringResource.self,
        TestResource.self,
        SoftwareConfigResource.self,
        StructuredConfigResource.self,
        CloudConfigResource.self,
        MultipartMimeResource.self,
        WaitConditionHandleResource.self,
        WaitConditionResource.self,
        ResourceGroupResource.self,
        ResourceChainResource.self,
        StackResource.self,
        AutoScalingGroupResource.self,
        ScalingPolicyResource.self,
        AWSAutoScalingGroupResource.self,
        LaunchConfigurationResource.self,
        AWSScalingPolicyResource.self,
    ])
}
