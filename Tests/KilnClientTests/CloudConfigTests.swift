import Foundation
import KilnClient
import Testing

/// clouds.yaml resolution with real files in a temporary directory: where the file is
/// found, which cloud is taken, how OS_* variables override it, and what is reported missing.
@Suite struct CloudConfigTests {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cloud-\(UUID().uuidString)").path
        for directory in ["cwd", "home/.config/openstack", "explicit"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(directory)", withIntermediateDirectories: true)
        }
    }

    func write(_ path: String, _ text: String) throws {
        try text.write(toFile: "\(root)/\(path)", atomically: true, encoding: .utf8)
    }

    func resolver(_ environment: [String: String] = [:]) -> CloudConfigResolver {
        CloudConfigResolver(environment: environment, currentDirectory: "\(root)/cwd", homeDirectory: "\(root)/home")
    }

    func clouds(_ name: String, url: String) -> String {
        """
        clouds:
          \(name):
            auth:
              auth_url: \(url)
              username: admin
              password: "s3cret"
              project_name: admin
              user_domain_name: Default
              project_domain_name: Default
            region_name: RegionOne
            interface: internal

        """
    }

    @Test func readsTheNamedCloudFromTheUserConfigDirectory() throws {
        try write("home/.config/openstack/clouds.yaml", clouds("lab", url: "http://home:5000/v3"))
        let config = try resolver().resolve(cloud: "lab")
        #expect(config.name == "lab")
        #expect(config.file == "\(root)/home/.config/openstack/clouds.yaml")
        #expect(config.authURL == "http://home:5000/v3")
        #expect(config.username == "admin")
        #expect(config.password == "s3cret")
        #expect(config.projectName == "admin")
        #expect(config.userDomainName == "Default")
        #expect(config.regionName == "RegionOne")
        #expect(config.interface == "internal")
        #expect(try config.method() == .password)
    }

    @Test func explicitFileThenCurrentDirectoryWinOverHome() throws {
        try write("home/.config/openstack/clouds.yaml", clouds("lab", url: "http://home:5000/v3"))
        try write("cwd/clouds.yaml", clouds("lab", url: "http://cwd:5000/v3"))
        #expect(try resolver().resolve(cloud: "lab").authURL == "http://cwd:5000/v3")
        try write("explicit/mine.yaml", clouds("lab", url: "http://explicit:5000/v3"))
        let explicit = resolver(["OS_CLIENT_CONFIG_FILE": "\(root)/explicit/mine.yaml"])
        #expect(try explicit.resolve(cloud: "lab").authURL == "http://explicit:5000/v3")
    }

    @Test func osCloudNamesTheCloudAndTheOptionWinsOverIt() throws {
        try write("cwd/clouds.yaml", clouds("one", url: "http://one/v3") + clouds("two", url: "http://two/v3").replacingOccurrences(of: "clouds:\n", with: ""))
        #expect(try resolver(["OS_CLOUD": "two"]).resolve(cloud: nil).authURL == "http://two/v3")
        #expect(try resolver(["OS_CLOUD": "two"]).resolve(cloud: "one").authURL == "http://one/v3")
        #expect(resolver(["OS_CLOUD": "two"]).wantsRemote(cloud: nil))
        #expect(!resolver([:]).wantsRemote(cloud: nil))
        #expect(resolver([:]).wantsRemote(cloud: "one"))
    }

    @Test func variablesOverrideTheFileOneByOne() throws {
        try write("cwd/clouds.yaml", clouds("lab", url: "http://file/v3"))
        let config = try resolver([
            "OS_PASSWORD": "fromenv", "OS_REGION_NAME": "RegionTwo", "OS_PROJECT_ID": "p-123", "OS_INTERFACE": "public",
        ]).resolve(cloud: "lab")
        #expect(config.authURL == "http://file/v3")
        #expect(config.password == "fromenv")
        #expect(config.regionName == "RegionTwo")
        #expect(config.projectID == "p-123")
        #expect(config.projectName == nil)
        #expect(config.interface == "public")
    }

    @Test func variablesAloneMakeACloud() throws {
        let environment = [
            "OS_AUTH_URL": "http://env:5000/v3", "OS_USERNAME": "alice", "OS_PASSWORD": "pw",
            "OS_PROJECT_NAME": "demo", "OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default",
        ]
        #expect(resolver(environment).wantsRemote(cloud: nil))
        let config = try resolver(environment).resolve(cloud: nil)
        #expect(config.name == nil)
        #expect(config.username == "alice")
        #expect(config.projectName == "demo")
        #expect(config.interface == "public")
        #expect(try config.method() == .password)
    }

    @Test func aTokenWithAnAuthURLIsExchangedAndWithAnEndpointUsedDirectly() throws {
        let exchanged = try resolver(["OS_AUTH_URL": "http://env/v3", "OS_TOKEN": "t0k"]).resolve(cloud: nil)
        #expect(try exchanged.method() == .token)
        try write("cwd/clouds.yaml", """
            clouds:
              direct:
                auth_type: admin_token
                auth:
                  token: fixed
                  endpoint: http://heat:8004/v1/p1

            """)
        let direct = try resolver().resolve(cloud: "direct")
        #expect(try direct.method() == .direct(token: "fixed", endpoint: "http://heat:8004/v1/p1"))
    }

    @Test func aMissingCloudNamesTheFileAndTheCloudsItHas() throws {
        try write("cwd/clouds.yaml", clouds("lab", url: "http://x/v3"))
        #expect(throws: KilnClientError.configuration("cloud 'prod' is not in \(root)/cwd/clouds.yaml (it has: lab)")) {
            try resolver().resolve(cloud: "prod")
        }
    }

    @Test func noFileAtAllSaysWhereItLooked() throws {
        do {
            _ = try resolver().resolve(cloud: "lab")
            Issue.record("resolved a cloud without any clouds.yaml")
        } catch {
            #expect(error.description.contains("no clouds.yaml was found"))
            #expect(error.description.contains("\(root)/home/.config/openstack/clouds.yaml"))
        }
    }

    @Test func aMissingKeyIsNamedWithItsVariable() throws {
        try write("cwd/clouds.yaml", """
            clouds:
              lab:
                auth:
                  auth_url: http://x/v3
                  username: admin

            """)
        #expect(throws: KilnClientError.configuration(
            "cloud 'lab' in \(root)/cwd/clouds.yaml has no auth.password (and OS_PASSWORD is not set)")) {
            try resolver().resolve(cloud: "lab")
        }
        #expect(throws: KilnClientError.configuration(
            "OS_AUTH_URL is not set (and no cloud is named with --os-cloud or OS_CLOUD)")) {
            try resolver(["OS_USERNAME": "alice", "OS_PASSWORD": "pw"]).resolve(cloud: nil)
        }
    }

    @Test func badYAMLIsReportedWithTheFile() throws {
        try write("cwd/clouds.yaml", "clouds: [unclosed\n")
        do {
            _ = try resolver().resolve(cloud: "lab")
            Issue.record("read a broken clouds.yaml")
        } catch {
            #expect(error.description.contains("\(root)/cwd/clouds.yaml"))
        }
    }
}
