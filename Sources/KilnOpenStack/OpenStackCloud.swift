import Foundation
import KilnClient
import KilnCloud
import KilnModel
import Synchronization

/// The cloud protocols over a real OpenStack's REST APIs: signs in with Keystone v3 (password,
/// token or application credential, as clouds.yaml says), finds each service in the catalog by
/// type, region and interface, sends Nova's microversion, signs in again once when a token is
/// refused, waits by polling, and maps errors to `CloudError`s with the service's message.
public final class OpenStackCloud: Cloud {
    public let config: CloudConfig
    let transport: HTTPTransport
    /// Seconds between status polls while waiting for ACTIVE/available.
    let pollInterval: Double
    private let signedIn = Mutex<Keystone.SignedIn?>(nil)

    public init(config: CloudConfig, transport: HTTPTransport = HTTPTransport(), pollInterval: Double = 2) {
        self.config = config
        self.transport = transport
        self.pollInterval = pollInterval
    }

    public var displayName: String { "cloud '\(config.name ?? config.authURL ?? "")'" }

    /// The services as the credentials' project sees them (`projectID` is the stack's, which a
    /// real cloud's token decides).
    public func session(projectID: String) -> CloudSession {
        let api = OpenStackAPI(cloud: self)
        let services = OpenStackServices(api: api)
        return CloudSession(
            projectID: projectID, compute: services, images: services, network: services, blockStorage: services,
            loadBalancer: services)
    }

    /// The current token, signing in when there is none (or `renew`).
    func token(renew: Bool = false) async throws -> Keystone.SignedIn {
        if !renew, let current = signedIn.withLock({ $0 }) { return current }
        do {
            let fresh = try await Keystone(transport: transport).authenticate(config)
            signedIn.withLock { $0 = fresh }
            return fresh
        } catch {
            throw CloudError(.unauthorized, "\(displayName): \(error)")
        }
    }
}

/// One service of the catalog and how its API paths start.
enum OpenStackService {
    case compute, network, volume, loadBalancer, image

    var types: [String] {
        switch self {
        case .compute: ["compute"]
        case .network: ["network"]
        case .volume: ["volumev3", "block-storage", "volume"]
        case .loadBalancer: ["load-balancer"]
        case .image: ["image"]
        }
    }

    /// What follows an unversioned catalog URL.
    var versionSuffix: String? {
        switch self {
        case .compute, .volume: nil
        case .network: "/v2.0"
        case .loadBalancer: "/v2"
        case .image: "/v2"
        }
    }
}

/// JSON calls to one cloud's services.
struct OpenStackAPI: Sendable {
    let cloud: OpenStackCloud

    func endpoint(_ service: OpenStackService, _ signedIn: Keystone.SignedIn) throws -> String {
        var url: String
        do {
            url = try Keystone.endpoint(signedIn.body, types: service.types, region: cloud.config.regionName, interface: cloud.config.interface)
        } catch {
            throw CloudError(.serverError, "\(cloud.displayName): \(error)")
        }
        while url.hasSuffix("/") { url.removeLast() }
        if let suffix = service.versionSuffix, !url.hasSuffix(suffix), !url.contains(suffix + "/") { url += suffix }
        return url
    }

    /// Sends one request and returns the JSON body (an empty body is `{}`); a refused token is
    /// renewed once; an error status becomes a `CloudError` with the service's message.
    @discardableResult
    func call(_ service: OpenStackService, _ method: String, _ path: String, body: Value? = nil) async throws -> Value {
        var renewed = false
        while true {
            let signedIn = try await cloud.token(renew: renewed)
            var headers = ["X-Auth-Token": signedIn.token]
            if service == .compute {
                headers["OpenStack-API-Version"] = "compute 2.79"
                headers["X-OpenStack-Nova-API-Version"] = "2.79"
            }
            let answer: HTTPAnswer
            do {
                answer = try await cloud.transport.send(method, try endpoint(service, signedIn) + path, headers: headers, body: body)
            } catch let error as CloudError {
                throw error
            } catch {
                throw CloudError(.serverError, "\(cloud.displayName): \(error)")
            }
            if answer.status == 401, !renewed {
                renewed = true
                continue
            }
            let json = (try? answer.json()) ?? .map([:])
            guard (200..<300).contains(answer.status) else { throw Self.error(answer.status, json) }
            return json
        }
    }

    /// The service's own error message, in whichever shape it uses.
    static func error(_ status: Int, _ body: Value) -> CloudError {
        var message = "HTTP \(status)"
        if let neutron = body["NeutronError"]["message"].stringValue {
            message = neutron
        } else if let fault = body["faultstring"].stringValue {
            message = fault
        } else if let first = body.mapValue?.values.first(where: { $0["message"].stringValue != nil }), let text = first["message"].stringValue {
            message = text
        }
        let quota = message.lowercased().contains("quota") || message.contains("LimitExceeded")
        let kind: CloudError.Kind
        switch status {
        case 400: kind = .badRequest
        case 401: kind = .unauthorized
        case 403, 413: kind = quota ? .quotaExceeded : .unauthorized
        case 404: kind = .notFound
        case 409: kind = quota ? .quotaExceeded : .conflict
        default: kind = .serverError
        }
        return CloudError(kind, message, httpStatus: status)
    }

    /// Waits, as Heat does, polling until `check` returns a value.
    func poll<T: Sendable>(_ what: String, timeout: Double, _ check: () async throws -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let done = try await check() { return done }
            if Date() > deadline { throw CloudError(.failedState, "Timed out after \(Int(timeout)) s waiting for \(what)") }
            try await Task.sleep(nanoseconds: UInt64(cloud.pollInterval * 1_000_000_000))
        }
    }
}

extension Value {
    subscript(_ key: String) -> Value { mapValue?[key] ?? .null }
    subscript(_ index: Int) -> Value {
        guard let list = listValue, index < list.count else { return .null }
        return list[index]
    }
    var int: Int? { numberValue.map { Int($0) } ?? stringValue.flatMap { Int($0) } }
    var bool: Bool? {
        switch self {
        case .bool(let flag): flag
        case .string(let text): ["true", "1", "yes"].contains(text.lowercased()) ? true : (["false", "0", "no"].contains(text.lowercased()) ? false : nil)
        default: nil
        }
    }
    var strings: [String] { (listValue ?? []).compactMap(\.stringValue) }
    var stringMap: [String: String] { (mapValue ?? [:]).compactMapValues { $0.stringValue } }
    var date: Date { stringValue.flatMap(OpenStackTime.parse) ?? Date(timeIntervalSince1970: 0) }
}

enum OpenStackTime {
    static func parse(_ text: String) -> Date? {
        var trimmed = text
        if let dot = trimmed.firstIndex(of: ".") { trimmed = String(trimmed[..<dot]) }
        if trimmed.hasSuffix("Z") { trimmed.removeLast() }
        if let plus = trimmed.lastIndex(of: "+") { trimmed = String(trimmed[..<plus]) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.date(from: trimmed)
    }
}

/// A query string from pairs.
func query(_ pairs: [(String, String?)]) -> String {
    let parts = pairs.compactMap { key, value in
        value.map { "\(key)=\($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0)" }
    }
    return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
}

/// Every service over one API; one file per service in extensions.
struct OpenStackServices: Sendable {
    let api: OpenStackAPI
}

/// Calls a real cloud has no counterpart for in Kiln's driver yet.
func unsupported(_ what: String) -> CloudError {
    CloudError(.badRequest, "\(what) is not supported by Kiln's OpenStack driver yet")
}
