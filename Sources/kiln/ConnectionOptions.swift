import ArgumentParser
import Foundation
import KilnClient

/// Where stack commands run: on a server when `--os-cloud` is given or OS_CLOUD / OS_AUTH_URL
/// is set (clouds.yaml and OS_* as the openstack client reads them), else in the embedded
/// engine on `--home`.
struct ConnectionOptions: ParsableArguments {
    @OptionGroup var home: HomeOptions

    @Option(
        name: .customLong("os-cloud"),
        help: ArgumentHelp("Run on this cloud of clouds.yaml (default: $OS_CLOUD) instead of the embedded engine.", valueName: "NAME"))
    var osCloud: String?

    @Option(
        name: .customLong("os-cacert"),
        help: ArgumentHelp("Trust the CAs in this PEM file for the cloud's TLS (default: $OS_CACERT, else clouds.yaml cacert).", valueName: "FILE"))
    var osCACert: String?

    @Option(
        name: .customLong("os-cert"),
        help: ArgumentHelp("A client certificate (PEM) for the cloud's TLS (default: $OS_CERT, else clouds.yaml cert).", valueName: "FILE"))
    var osCert: String?

    @Option(
        name: .customLong("os-key"),
        help: ArgumentHelp("The client certificate's private key (default: $OS_KEY, else clouds.yaml key).", valueName: "FILE"))
    var osKey: String?

    @Flag(help: "Do not verify the cloud's TLS certificate (as clouds.yaml verify: false).")
    var insecure = false

    /// clouds.yaml and OS_* with these options over them: like the openstack client's, each
    /// option is the variable it defaults to, so it is given to the resolver as that variable.
    var resolver: CloudConfigResolver {
        var environment = ProcessInfo.processInfo.environment
        if let osCACert { environment["OS_CACERT"] = osCACert }
        if let osCert { environment["OS_CERT"] = osCert }
        if let osKey { environment["OS_KEY"] = osKey }
        if insecure { environment["OS_INSECURE"] = "true" }
        return CloudConfigResolver(environment: environment)
    }

    func openService(maxParallel: Int = 64) async throws -> any StackService {
        let resolver = self.resolver
        guard resolver.wantsRemote(cloud: osCloud) else {
            return LocalStackService(engine: try await home.openEngine(maxParallel: maxParallel))
        }
        do {
            return RemoteStackService(client: try await HeatClient.connect(try resolver.resolve(cloud: osCloud)))
        } catch {
            standardError("kiln: \(error)")
            throw ExitCode(1)
        }
    }
}
