import Foundation
import KilnCloud
import KilnModel

/// Glance over REST (v2).
extension OpenStackServices: ImageService {
    /// Glance's own fields; every other string field of an image is a property.
    static let imageFields: Set<String> = [
        "id", "name", "status", "disk_format", "container_format", "min_disk", "min_ram", "size", "virtual_size", "visibility",
        "owner", "created_at", "updated_at", "tags", "checksum", "os_hash_algo", "os_hash_value", "protected", "os_hidden",
        "self", "file", "schema", "locations", "direct_url", "stores",
    ]

    static func image(_ json: Value) -> Image {
        var properties: [String: String] = [:]
        for (key, value) in json.mapValue ?? [:] where !imageFields.contains(key) {
            if let text = value.stringValue { properties[key] = text }
        }
        return Image(id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", status: json["status"].stringValue ?? "active",
              diskFormat: json["disk_format"].stringValue ?? "", containerFormat: json["container_format"].stringValue ?? "",
              minDiskGB: json["min_disk"].int ?? 0, minRamMB: json["min_ram"].int ?? 0, sizeBytes: json["size"].int ?? 0,
              visibility: json["visibility"].stringValue ?? "public", ownerProjectID: json["owner"].stringValue,
              properties: properties, tags: json["tags"].strings, createdAt: json["created_at"].date)
    }
    func images() async throws -> [Image] {
        var all: [Image] = []
        var path = "/images?limit=100"
        for _ in 0..<100 {
            let page = try await api.call(.image, "GET", path)
            all += (page["images"].listValue ?? []).map(Self.image)
            guard let next = page["next"].stringValue, let range = next.range(of: "/images") else { break }
            path = String(next[range.lowerBound...])
        }
        return all
    }
    func image(_ idOrName: String) async throws -> Image? {
        do { return Self.image(try await api.call(.image, "GET", "/images/\(segment(idOrName))")) } catch let error as CloudError where error.kind == .notFound {
            let named = try await api.call(.image, "GET", "/images" + query([("name", idOrName)]))["images"].listValue ?? []
            return named.map(Self.image).first { $0.name == idOrName }
        }
    }
    /// As Heat's OS::Glance::WebImage: the image record, then Glance's `web-download` import of
    /// its location (the image is `queued`, then `importing`, then `active`).
    func createImage(_ request: ImageRequest) async throws -> Image {
        var body: [String: Value] = ["disk_format": .string(request.diskFormat), "container_format": .string(request.containerFormat),
                                     "min_disk": .int(request.minDiskGB), "min_ram": .int(request.minRamMB),
                                     "visibility": .string(request.visibility), "tags": .list(request.tags.map(Value.string))]
        if let name = request.name { body["name"] = .string(name) }
        if let id = request.id { body["id"] = .string(id) }
        for (key, value) in request.properties where body[key] == nil { body[key] = .string(value) }
        let made = Self.image(try await api.call(.image, "POST", "/images", body: .map(body)))
        do {
            try await api.call(.image, "POST", "/images/\(made.id)/import", body: ["method": ["name": "web-download", "uri": .string(request.location)]])
        } catch {
            // An image that cannot be filled is not left behind.
            _ = try? await api.call(.image, "DELETE", "/images/\(made.id)")
            throw error
        }
        return made
    }
    func deleteImage(id: String) async throws { try await api.call(.image, "DELETE", "/images/\(id)") }
}
