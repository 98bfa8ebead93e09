import Foundation
import KilnClient
import KilnCloud
import KilnModel

/// One service of the catalog and how its API paths start.
enum OpenStackService: Sendable {
    case compute, network, volume, loadBalancer, image, alarming, messaging

    /// Catalog types, in the order they are looked for.
    var types: [String] {
        switch self {
        case .compute: ["compute"]
        case .network: ["network"]
        case .volume: ["volumev3", "block-storage", "volumev2", "volume"]
        case .loadBalancer: ["load-balancer"]
        case .image: ["image"]
        case .alarming: ["alarming"]
        case .messaging: ["messaging"]
        }
    }

    /// What follows an unversioned catalog URL (Nova's and Cinder's catalog URLs carry their version).
    var versionSuffix: String? {
        switch self {
        case .compute, .volume: nil
        case .network: "/v2.0"
        case .loadBalancer, .image, .alarming, .messaging: "/v2"
        }
    }

    /// Nova's microversion: 2.79 has what Heat reads (tags, server groups, attachment
    /// delete_on_termination, no proxy APIs).
    static let computeMicroversion = "2.79"

    static let messagingClientID = UUID().uuidString.lowercased()

    /// Headers every call to the service carries besides the token: Nova's microversion,
    /// Zaqar's Client-ID (one UUID for the process, as Zaqar asks of each client).
    var headers: [String: String] {
        if self == .messaging { return ["Client-ID": Self.messagingClientID] }
        guard self == .compute else { return [:] }
        return ["OpenStack-API-Version": "compute \(Self.computeMicroversion)", "X-OpenStack-Nova-API-Version": Self.computeMicroversion]
    }
}

/// JSON calls to one cloud's services.
struct OpenStackAPI: Sendable {
    let cloud: OpenStackCloud

    /// The service's base URL from the token's catalog (type, region, interface), with its API
    /// version appended when the catalog lists the unversioned root.
    static func endpoint(_ service: OpenStackService, catalog body: Value, region: String?, interface: String) throws(KilnClientError) -> String {
        var url = try Keystone.endpoint(body, types: service.types, region: region, interface: interface)
        while url.hasSuffix("/") { url.removeLast() }
        if let suffix = service.versionSuffix, !url.hasSuffix(suffix), !url.contains(suffix + "/") { url += suffix }
        // Older catalogs list Cinder's v1/v2 and Nova's legacy v2 root; the same services answer
        // v3 and v2.1 (microversions) beside them.
        let upgrade: [String: String] = switch service {
        case .volume: ["/v1": "/v3", "/v2": "/v3"]
        case .compute: ["/v2": "/v2.1"]
        default: [:]
        }
        for (old, new) in upgrade {
            if url.hasSuffix(old) {
                url = String(url.dropLast(old.count)) + new
            } else if let range = url.range(of: old + "/") {
                url.replaceSubrange(range, with: new + "/")
            }
        }
        return url
    }

    func endpoint(_ service: OpenStackService, _ signedIn: Keystone.SignedIn) throws -> String {
        do {
            return try Self.endpoint(service, catalog: signedIn.body, region: cloud.config.regionName, interface: cloud.config.interface)
        } catch {
            throw CloudError(.serverError, "\(cloud.displayName): \(error)")
        }
    }

    /// Sends one request and returns the JSON body (an empty body is `{}`). A refused token is
    /// renewed once; a read the cloud could not serve (429, 502-504, no connection) is tried
    /// again a few times; an error status becomes a `CloudError` with the service's message.
    @discardableResult
    func call(_ service: OpenStackService, _ method: String, _ path: String, body: Value? = nil,
              headers extra: [String: String] = [:]) async throws -> Value {
        try await exchange(service, method, path, body: body, headers: extra).body
    }

    /// `call`, with the status the service answered (Zaqar's queue PUT says 201 made, 204 existed).
    func exchange(_ service: OpenStackService, _ method: String, _ path: String, body: Value? = nil,
                  headers extra: [String: String] = [:]) async throws -> (status: Int, body: Value) {
        var refused: String?
        var retries = 0
        let canRetry = method == "GET" || method == "HEAD"
        while true {
            let signedIn = try await cloud.token(refused: refused)
            var headers = service.headers.merging(extra) { _, given in given }
            headers["X-Auth-Token"] = signedIn.token
            let url = try endpoint(service, signedIn) + path
            let answer: HTTPAnswer
            let started = ContinuousClock.now
            do {
                answer = try await cloud.transport.send(method, url, headers: headers, body: body)
                CloudCallMetrics.record(service, method: method, status: answer.status, since: started)
            } catch {
                CloudCallMetrics.record(service, method: method, status: nil, since: started)
                if canRetry, retries < cloud.readRetries {
                    retries += 1
                    try await pause(retries, retryAfter: nil)
                    continue
                }
                throw CloudError(.serverError, "\(cloud.displayName): \(error)")
            }
            if answer.status == 401, refused == nil {
                refused = signedIn.token
                continue
            }
            if canRetry, [429, 502, 503, 504].contains(answer.status), retries < cloud.readRetries {
                retries += 1
                try await pause(retries, retryAfter: answer.header("retry-after").flatMap(Double.init))
                continue
            }
            guard (200..<300).contains(answer.status) else { throw Self.error(answer.status, body: answer.body) }
            return (answer.status, (try? answer.json()) ?? .map([:]))
        }
    }

    /// A collection, page after page: Nova, Cinder, Neutron and Octavia link the next page in
    /// `<key>_links` (rel `next`) when the list is longer than the service's page.
    func list(_ service: OpenStackService, _ path: String, _ key: String) async throws -> [Value] {
        var all: [Value] = []
        var next: String? = path
        var pages = 0
        while let current = next, pages < 1000 {
            let page = try await call(service, "GET", current)
            let items = page[key].listValue ?? []
            all += items
            pages += 1
            next = nil
            if !items.isEmpty, let href = (page["\(key)_links"].listValue ?? []).first(where: { $0["rel"].stringValue == "next" })?["href"].stringValue {
                next = try await relative(service, href, path)
            }
        }
        return all
    }

    /// A link the service gave, as a path under its catalog endpoint.
    private func relative(_ service: OpenStackService, _ href: String, _ path: String) async throws -> String? {
        let base = try endpoint(service, try await cloud.token())
        if href.hasPrefix(base) { return String(href.dropFirst(base.count)) }
        // Behind a proxy the link may name another host: keep its path from the collection on.
        let collection = String(path.split(separator: "?").first ?? "")
        guard !collection.isEmpty, let range = href.range(of: collection) else { return nil }
        return String(href[range.lowerBound...])
    }

    private func pause(_ attempt: Int, retryAfter: Double?) async throws {
        let seconds = min(retryAfter ?? cloud.pollInterval * Double(attempt), 30)
        try await Task.sleep(nanoseconds: UInt64(max(seconds, 0) * 1_000_000_000))
    }

    /// A refusal as a `CloudError`, with the message taken from the service's error body:
    /// Nova and Cinder `{"itemNotFound": {"message", "code"}}`, Neutron
    /// `{"NeutronError": {"type", "message"}}`, Octavia `{"faultstring"}`, Aodh
    /// `{"error_message": {"faultstring"}}`, Keystone
    /// `{"error": {"message"}}`, Glance's plain text. 404 is notFound, 409 conflict, 400
    /// badRequest; a refusal that names a quota (Nova's 403, Cinder's 413, Neutron's 409
    /// OverQuota, Octavia's 403) is quotaExceeded; 401 and other 403s unauthorized; the rest serverError.
    static func error(_ status: Int, body: Data) -> CloudError {
        let text = String(decoding: body, as: UTF8.self)
        let json = (try? Value.parseJSON(text)) ?? .null
        var message: String?
        var quotaType = false
        if let neutron = json["NeutronError"].mapValue {
            message = neutron["message"]?.stringValue
            quotaType = neutron["type"]?.stringValue == "OverQuota"
        } else if let fault = json["faultstring"].stringValue {
            message = fault
        } else if let wrapped = json["error_message"].mapValue {
            // Aodh: WSME's fault inside {"error_message": ...}.
            message = wrapped["faultstring"]?.stringValue
        } else if let map = json.mapValue {
            // Nova/Cinder/Keystone: one key naming the fault, holding the message.
            for key in map.keys.sorted() where map[key]?["message"].stringValue != nil {
                message = map[key]?["message"].stringValue
                quotaType = key == "overLimit"
                break
            }
            // Gnocchi and Zaqar (falcon, webob): {"title", "description"}.
            if message == nil { message = json["message"].stringValue ?? json["description"].stringValue ?? json["title"].stringValue }
        } else if json == .null {
            // Glance, and proxies in front of any service, answer in text or HTML.
            let plain = text.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
                .split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if !plain.isEmpty { message = String(plain.prefix(300)) }
        }
        let said = message ?? "HTTP \(status)"
        let quota = quotaType || said.lowercased().contains("quota")
        let kind: CloudError.Kind
        switch status {
        case 400: kind = .badRequest
        case 401: kind = .unauthorized
        case 403, 413: kind = quota ? .quotaExceeded : (status == 403 ? .unauthorized : .badRequest)
        case 404: kind = .notFound
        case 409: kind = quota ? .quotaExceeded : .conflict
        default: kind = .serverError
        }
        return CloudError(kind, said, httpStatus: status)
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

/// The services' times: `2019-04-23T15:19:09Z`, `2017-02-28T00:41:44`, `2018-11-29T06:50:07.770785`,
/// `2016-03-08T20:19:41+00:00` (UTC when no zone is given).
enum OpenStackTime {
    static func parse(_ text: String) -> Date? {
        let scalars = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= scalars.count else { return nil }
            var value = 0
            for byte in scalars[from..<(from + count)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard scalars.count >= 19, let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2) else { return nil }
        var index = 19
        var fraction = 0.0
        if index < scalars.count, scalars[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < scalars.count, scalars[index] >= 48, scalars[index] <= 57 {
                fraction += Double(scalars[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < scalars.count, scalars[index] == UInt8(ascii: "+") || scalars[index] == UInt8(ascii: "-") {
            let sign = scalars[index] == UInt8(ascii: "-") ? -1 : 1
            if let hours = number(index + 1, 2), let minutes = number(index + 4, 2) ?? number(index + 3, 2) {
                offset = sign * (hours * 3600 + minutes * 60)
            }
        }
        // Days since 1970-01-01 in the proleptic Gregorian calendar.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146097 + dayOfEra - 719468
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}

/// A query string from pairs (nil values left out).
func query(_ pairs: [(String, String?)]) -> String {
    var allowed = CharacterSet.urlQueryAllowed
    allowed.remove(charactersIn: "&=+?#")
    let parts = pairs.compactMap { key, value in
        value.map { "\(key)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" }
    }
    return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
}

/// A path segment (a name or id the caller gave) made safe for a URL.
func segment(_ text: String) -> String {
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "/?#")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}

/// Every service over one API; one file per service in extensions.
struct OpenStackServices: Sendable {
    let api: OpenStackAPI
}

/// Calls a real cloud has no counterpart for in Kiln's driver yet.
func unsupported(_ what: String) -> CloudError {
    CloudError(.badRequest, "\(what) is not supported by Kiln's OpenStack driver yet")
}

/// The metadata key (tag, for services with tags) that marks what a create with a client
/// token made, so a retried create finds it instead of making a second one.
let clientTokenKey = "kiln_client_token"
