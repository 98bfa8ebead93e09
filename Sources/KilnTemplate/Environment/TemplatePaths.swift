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
