import Foundation
import KilnModel

/// The multipart MIME user data Heat gives servers whose `user_data_format` is not RAW: a
/// cloud-config part, then the user data (for heat-cfntools as `cfn-userdata`, for software
/// config as a plain part), then the resource's metadata as `cfn-init-data` when it has any.
/// cloud-init on the server unpacks the parts; agents read the metadata from them.
enum UserDataMIME {
    static let boundary = "===============kiln-user-data=="

    static func build(_ userData: String, format: String, metadata: Value?) -> String {
        var parts: [(content: String, filename: String, type: String)] = [
            ("#cloud-config\n# Written by Kiln: the parts below come from the stack.\n", "cloud-config", "text/cloud-config"),
        ]
        if format == "HEAT_CFNTOOLS" {
            parts.append((userData, "cfn-userdata", "text/x-cfninitdata"))
        } else {
            parts.append((userData, "", "text/plain"))
        }
        if let metadata { parts.append((metadata.jsonText(), "cfn-init-data", "text/x-cfninitdata")) }
        var out = "Content-Type: multipart/mixed; boundary=\"\(boundary)\"\nMIME-Version: 1.0\n"
        for part in parts {
            let charset = part.content.allSatisfy(\.isASCII) ? "us-ascii" : "utf-8"
            out += "\n--\(boundary)\nContent-Type: \(part.type); charset=\"\(charset)\"\nMIME-Version: 1.0\n"
            out += "Content-Transfer-Encoding: 7bit\nContent-Disposition: attachment; filename=\"\(part.filename)\"\n\n\(part.content)\n"
        }
        return out + "--\(boundary)--\n"
    }
}
