import Foundation
import KilnModel
import KilnTemplate

/// `OS::Heat::MultipartMime`: software configs assembled into one multipart MIME message,
/// the usual cloud-init user_data. A part's `config` is inline text or the id of another
/// config; a `multipart` part's message is split and its parts appended.
///
/// Config ids are looked up among this stack's resources (through the context, by reference
/// id, which is a config's id); Heat looks them up in the project's whole config store. An id
/// that matches nothing is used as the text itself, as Heat does when the config is not found.
public struct MultipartMimeResource: SoftwareConfigPlugin {
    public static let typeName = "OS::Heat::MultipartMime"

    public static let schema = ResourceTypeSchema(
        type: typeName,
        properties: [
            "group": PropertySchema(
                .string, defaultValue: "Heat::Ungrouped",
                description: "Namespace to group this multi-part configs by when delivered to a server. "
                    + "This may imply what configuration tool is going to perform the configuration."),
            "parts": PropertySchema(
                .list, defaultValue: .list([]),
                items: PropertySchema(
                    .map,
                    fields: [
                        "config": PropertySchema(
                            .string, required: true,
                            description: "Content of part to attach, either inline or by referencing the ID of another software config resource."),
                        "filename": PropertySchema(.string, description: "Optional filename to associate with part."),
                        "type": PropertySchema(
                            .string, defaultValue: "text", allowedValues: ["text", "multipart"],
                            description: "Whether the part content is text or multipart."),
                        "subtype": PropertySchema(.string, description: "Optional subtype to specify with the type."),
                    ]),
                description: "Parts belonging to this message."),
        ],
        attributes: ["config": SoftwareConfigSchema.configAttribute])

    public init() {}

    func storedConfig(of resource: LiveResource, _ context: ResourceContext) async throws -> (config: Value, group: Value) {
        var message = MIMEMultipart(parts: [])
        for item in resource[property: "parts"].listValue ?? [] {
            guard let fields = item.mapValue, let config = fields["config"].flatMap(NativeProperties.string) else {
                throw ResourceFailure.failed("Property error: parts: each part needs a \"config\" string")
            }
            let content = try await Self.content(of: config, context)
            switch fields["type"]?.stringValue ?? "text" {
            case "multipart":
                // As Heat, text that is not a multipart message adds nothing.
                message.parts += MIMEMultipart.parse(content)?.parts ?? []
            case "text":
                let subtype = fields["subtype"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
                let filename = fields["filename"]?.stringValue
                message.parts.append(Self.withSubtypeFromFilename(.init(text: content, subtype: subtype, filename: filename)))
            case let other:
                throw ResourceFailure.failed("Property error: parts: type \"\(other)\" is not one of 'text', 'multipart'")
            }
        }
        let group = resource[property: "group"].isNull ? "Heat::Ungrouped" : resource[property: "group"]
        return (.string(message.text()), group)
    }

    /// Heat takes a part without a subtype but with a filename as `text/<filename without extension>`.
    static func withSubtypeFromFilename(_ part: MIMEMultipart.Part) -> MIMEMultipart.Part {
        guard part.subtype == nil, let filename = part.filename, !filename.isEmpty else { return part }
        var copy = part
        let stem = (filename as NSString).deletingPathExtension
        copy.subtype = stem.isEmpty ? filename : stem
        return copy
    }

    /// The text a part's `config` stands for: another config's content when it is a config id.
    static func content(of config: String, _ context: ResourceContext) async throws -> String {
        guard isUUIDLike(config), let other = try await context.resource(referencedBy: config),
              let stored = other.data["software_config"]?.mapValue?["config"] else { return config }
        switch stored {
        case .string(let text): return text
        case .null: return ""
        default: return stored.jsonText()
        }
    }

    static func isUUIDLike(_ text: String) -> Bool {
        let hex = text.lowercased().replacingOccurrences(of: "-", with: "")
        return hex.count == 32 && hex.allSatisfy(\.isHexDigit)
    }
}
