extension ResourceRegistry {
    /// Whether a resource type names a template file (a provider template) rather than a
    /// registered type: `my_server.yaml`, `file:///...`, `https://...`.
    public static func isTemplatePath(_ type: String) -> Bool {
        // Type names are `A::B::C`: only a path or URL holds a '.' or a '/'.
        guard type.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "/") }) else { return false }
        return type.hasSuffix(".yaml") || type.hasSuffix(".yml") || type.hasSuffix(".template")
            || type.utf8.starts(with: "http://".utf8) || type.utf8.starts(with: "https://".utf8)
            || type.utf8.starts(with: "file://".utf8)
    }
}

/// File names as templates write them, compared and shown in one spelling.
public enum TemplatePath {
    /// `./a.yaml` → `a.yaml`, `x/./y` → `x/y`, `x/../y` → `y`, `x//y` → `x/y`, `file://` kept;
    /// other URLs are left as they are. Done on the text, as Heat joins URLs: a provider
    /// template naming `./a.yaml` from `./a.yaml` is the same file, not `././a.yaml`, so
    /// a loop is seen at once and names stay readable.
    public static func normalized(_ path: String) -> String {
        var prefix = ""
        var rest = Substring(path)
        if path.hasPrefix("file://") {
            prefix = "file://"
            rest = rest.dropFirst("file://".count)
        } else if path.contains("://") {
            return path
        }
        let absolute = rest.hasPrefix("/")
        var parts: [Substring] = []
        for part in rest.split(separator: "/") where part != "." {
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part != ".." || !absolute {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return prefix + (absolute ? "/" + joined : joined.isEmpty ? "." : joined)
    }
}
