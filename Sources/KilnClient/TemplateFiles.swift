import Foundation
import KilnTemplate

/// What a stack create or update sends besides the template: the files map holding every
/// `get_file` target and provider template the template and environments name (read here,
/// as heatclient does), and the environment files in order.
///
/// Keys are the names as the server resolves them: a name from the template as written
/// (the server calls the template "template", so its directory is empty), a name from any
/// other file joined to that file's key's directory, and environment files by absolute path.
public struct TemplateFiles: Sendable {
    public private(set) var files: [String: String] = [:]
    public private(set) var environmentFiles: [String] = []
    private let templateDirectory: String

    /// Reads the files `template` (at `templatePath`) and `environments` (path, text) refer to.
    public init(templatePath: String?, template: String?, environments: [(path: String, text: String)]) throws(KilnClientError) {
        let base = templatePath.map { Self.absolute($0) } ?? FileManager.default.currentDirectoryPath + "/template"
        templateDirectory = (base as NSString).deletingLastPathComponent
        if let template, let path = templatePath {
            try walkTemplate(template, key: "template", shownAs: path)
        }
        for environment in environments {
            let key = Self.absolute(environment.path)
            files[key] = environment.text
            environmentFiles.append(key)
            try walkEnvironment(environment.text, key: key, shownAs: environment.path)
        }
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (full as NSString).standardizingPath
    }

    /// Normalized (`./a.yaml` from `./a.yaml` is `a.yaml`, not `././a.yaml`), as the server
    /// names files: a provider template that uses itself is then read once.
    private func key(_ reference: String, from referrer: String) -> String {
        if reference.hasPrefix("/") || reference.contains("://") { return TemplatePath.normalized(reference) }
        let directory = (referrer as NSString).deletingLastPathComponent
        return TemplatePath.normalized(directory.isEmpty ? reference : (directory as NSString).appendingPathComponent(reference))
    }

    private func diskPath(_ key: String) -> String? {
        if key.hasPrefix("file://") { return String(key.dropFirst("file://".count)) }
        if key.contains("://") { return nil }  // http(s): the server fetches it, or not
        return key.hasPrefix("/") ? key : (templateDirectory as NSString).appendingPathComponent(key)
    }

    /// Reads a referenced file into the map once; nil for URLs the server reads itself.
    private mutating func include(_ reference: String, from referrer: String, shownAs: String) throws(KilnClientError) -> String? {
        let key = key(reference, from: referrer)
        if let known = files[key] { return known }
        guard let path = diskPath(key) else { return nil }
        // The same rule as the embedded engine's: regular files, within a limit.
        let data: [UInt8]
        switch BoundedFile.read(path) {
        case .success(let bytes): data = bytes
        case .failure(let failure):
            if case .system = failure.reason { throw .configuration("\(shownAs): cannot read '\(reference)' (\(path))") }
            throw .configuration("\(shownAs): cannot read '\(reference)' (\(path)): \(failure.reasonText)")
        }
        let text = String(decoding: data, as: UTF8.self)
        files[key] = text
        return text
    }

    private mutating func walkTemplate(_ text: String, key: String, shownAs: String) throws(KilnClientError) {
        guard let root = try? YAMLReader().read(text, file: shownAs) else { return }  // the server reports it
        try walkFunctions(root, key: key, shownAs: shownAs)
        for entry in (root["resources"] ?? root["Resources"])?.mapping ?? [] {
            try walkTypes(entry.value, key: key, shownAs: shownAs)
        }
    }

    /// A resource's template type, and any nested `type: FILE.yaml` as groups name their
    /// members (`resource_def`, `resource`), as the stock client's file walk finds them.
    private mutating func walkTypes(_ node: Node, key: String, shownAs: String) throws(KilnClientError) {
        switch node.kind {
        case .mapping(let entries):
            for entry in entries {
                if entry.key == "type" || entry.key == "Type", let type = entry.value.string {
                    if ResourceRegistry.isTemplatePath(type) { try includeTemplate(type, from: key, shownAs: shownAs) }
                } else {
                    try walkTypes(entry.value, key: key, shownAs: shownAs)
                }
            }
        case .sequence(let items):
            for item in items { try walkTypes(item, key: key, shownAs: shownAs) }
        case .scalar:
            break
        }
    }

    private mutating func includeTemplate(_ reference: String, from referrer: String, shownAs: String) throws(KilnClientError) {
        let nestedKey = key(reference, from: referrer)
        let seen = files[nestedKey] != nil
        guard let text = try include(reference, from: referrer, shownAs: shownAs), !seen else { return }
        try walkTemplate(text, key: nestedKey, shownAs: diskPath(nestedKey) ?? nestedKey)
    }

    /// Every `{get_file: NAME}` anywhere in the document.
    private mutating func walkFunctions(_ node: Node, key: String, shownAs: String) throws(KilnClientError) {
        switch node.kind {
        case .mapping(let entries):
            if entries.count == 1, entries[0].key == "get_file", let name = entries[0].value.string {
                _ = try include(name, from: key, shownAs: shownAs)
                return
            }
            for entry in entries { try walkFunctions(entry.value, key: key, shownAs: shownAs) }
        case .sequence(let items):
            for item in items { try walkFunctions(item, key: key, shownAs: shownAs) }
        case .scalar:
            break
        }
    }

    /// Provider templates in `resource_registry`, globally and per resource.
    private mutating func walkEnvironment(_ text: String, key: String, shownAs: String) throws(KilnClientError) {
        guard let root = try? YAMLReader().read(text, file: shownAs), let registry = root["resource_registry"] else { return }
        var mappings = registry.mapping ?? []
        for entry in registry["resources"]?.mapping ?? [] { mappings += entry.value.mapping ?? [] }
        for entry in mappings {
            guard let target = entry.value.string, ResourceRegistry.isTemplatePath(target) else { continue }
            try includeTemplate(target, from: key, shownAs: shownAs)
        }
    }
}
