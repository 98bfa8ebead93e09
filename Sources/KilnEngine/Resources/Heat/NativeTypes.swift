/// The native `OS::Heat::*` resource types this engine runs.
extension PluginRegistry {
    public static let native = PluginRegistry([
        NoneResource.self,
    ])
}
