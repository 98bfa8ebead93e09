import Foundation
import KilnTemplate

/// Finds the plugin that runs a resource of a stack: the type as written, followed through
/// the stack's `resource_registry` (aliases, per-resource mappings) and Heat's global
/// aliases. A type that is, or maps to, a template file becomes a `TemplateResource`
/// carrying that template, so provider templates run as nested stacks.
struct TypeResolver: Sendable {
    let plugins: PluginRegistry
    let registry: ResourceRegistry
    /// The stack's files map (provider templates read at validation are in it).
    let files: [String: String]
    /// The stack's template file name and environment file names: relative provider
    /// template paths are looked up next to them, as validation does.
    let templateName: String
    let environmentNames: [String]

    init(plugins: PluginRegistry, loaded: LoadedTemplate) {
        self.plugins = plugins
        self.registry = loaded.environment.registry
        self.files = loaded.files
        self.templateName = loaded.template.file
        self.environmentNames = loaded.environments.map(\.name)
    }

    init(plugins: PluginRegistry) {
        self.plugins = plugins
        self.registry = ResourceRegistry()
        self.files = [:]
        self.templateName = ""
        self.environmentNames = []
    }

    func plugin(type written: String, resource name: String) -> (any ResourcePlugin)? {
        var type = written
        var seen: Set<String> = []
        while seen.insert(type).inserted {
            if ResourceRegistry.isTemplatePath(type) { return provider(type) }
            guard !registry.isEmpty, let mapped = registry.resolve(type: type, resourceName: name) else { break }
            switch mapped {
            case .type(let next): type = next
            case .template(let path): return provider(path)
            case .removed: return nil
            }
        }
        if let plugin = plugins.plugin(for: type) { return plugin }
        return GlobalEnvironment.resolve(type).flatMap { plugins.plugin(for: $0) }
    }

    private func provider(_ path: String) -> (any ResourcePlugin)? {
        guard let (name, content) = file(path) else { return nil }
        return TemplateResource(template: NestedTemplate(name: name, content: content, files: files))
    }

    /// A provider template's canonical name and text: a files-map key, or a path relative
    /// to the template or an environment file (as `FileResolver` names what it reads).
    func file(_ key: String) -> (String, String)? {
        if let text = files[key] { return (key, text) }
        for base in [templateName] + environmentNames {
            let directory = (base as NSString).deletingLastPathComponent
            guard !directory.isEmpty else { continue }
            let path = (directory as NSString).appendingPathComponent(key)
            if let text = files[path] { return (path, text) }
        }
        return nil
    }
}
