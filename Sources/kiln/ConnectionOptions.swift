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

    func openService(maxParallel: Int = 64) async throws -> any StackService {
        let resolver = CloudConfigResolver()
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
