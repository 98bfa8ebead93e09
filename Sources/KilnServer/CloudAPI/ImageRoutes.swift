import Foundation
import Hummingbird
import KilnCloud
import KilnModel

/// Glance's v2 API over the cloud's image service: list (with limit/marker paging) and show.
struct ImageRoutes {
    let call: CloudCall
    var images: any ImageService { call.session.images }

    func route() async throws -> Response {
        var path = call.path
        guard path.first == "v2" else { throw CloudError(.notFound, "The resource could not be found.") }
        path.removeFirst()
        switch (call.method, path.first, path.count) {
        case (.get, "images", 1):
            var all = try await images.images().sorted { $0.createdAt == $1.createdAt ? $0.id < $1.id : $0.createdAt > $1.createdAt }
            if let name = call.first("name") { all = all.filter { $0.name == name } }
            if let visibility = call.first("visibility"), visibility != "all" { all = all.filter { $0.visibility == visibility } }
            if let marker = call.first("marker"), let index = all.firstIndex(where: { $0.id == marker }) {
                all = Array(all[(index + 1)...])
            }
            var body: [String: Value] = ["schema": "/v2/schemas/images", "first": "/v2/images"]
            if let limit = call.first("limit").flatMap(Int.init), limit < all.count {
                all = Array(all.prefix(limit))
                body["next"] = .string("/v2/images?marker=\(all.last?.id ?? "")&limit=\(limit)")
            }
            body["images"] = .list(all.map(imageJSON))
            return .json(.map(body))
        case (.get, "images", 2):
            guard let image = try await images.image(path[1]), image.id == path[1] else {
                throw CloudError(.notFound, "No image found with ID \(path[1])")
            }
            return .json(imageJSON(image))
        case (.get, "schemas", _):
            return .json(["name": .string(path.last ?? "image"), "properties": [:], "links": []])
        default:
            throw CloudError(.notFound, "The resource could not be found.")
        }
    }

    func imageJSON(_ image: Image) -> Value {
        var json: [String: Value] = [
            "id": .string(image.id), "name": .string(image.name), "status": .string(image.status),
            "visibility": .string(image.visibility), "protected": false, "os_hidden": false,
            "checksum": .string(String(image.id.replacingOccurrences(of: "-", with: "").prefix(32))),
            "owner": .string(image.ownerProjectID ?? "service"), "size": .int(image.sizeBytes), "virtual_size": .null,
            "min_disk": .int(image.minDiskGB), "min_ram": .int(image.minRamMB), "disk_format": .string(image.diskFormat),
            "container_format": .string(image.containerFormat), "created_at": CloudTime.iso(image.createdAt),
            "updated_at": CloudTime.iso(image.createdAt), "tags": .list(image.tags.map(Value.string)),
            "self": .string("/v2/images/\(image.id)"), "file": .string("/v2/images/\(image.id)/file"),
            "schema": "/v2/schemas/image", "os_hash_algo": "sha512", "os_hash_value": .null,
        ]
        for (key, value) in image.properties where json[key] == nil { json[key] = .string(value) }
        return .map(json)
    }
}
