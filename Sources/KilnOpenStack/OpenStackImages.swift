import Foundation
import KilnCloud
import KilnModel

/// Glance over REST (v2).
extension OpenStackServices: ImageService {
    static func image(_ json: Value) -> Image {
        Image(id: json["id"].stringValue ?? "", name: json["name"].stringValue ?? "", status: json["status"].stringValue ?? "active",
              diskFormat: json["disk_format"].stringValue ?? "", containerFormat: json["container_format"].stringValue ?? "",
              minDiskGB: json["min_disk"].int ?? 0, minRamMB: json["min_ram"].int ?? 0, sizeBytes: json["size"].int ?? 0,
              visibility: json["visibility"].stringValue ?? "public", ownerProjectID: json["owner"].stringValue, createdAt: json["created_at"].date)
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
            return try await images().first { $0.name == idOrName }
        }
    }
    func createImage(_ request: ImageRequest) async throws -> Image { throw unsupported("creating an image from a URL") }
    func deleteImage(id: String) async throws { try await api.call(.image, "DELETE", "/images/\(id)") }
}
