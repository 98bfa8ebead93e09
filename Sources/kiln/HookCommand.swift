import ArgumentParser
import Foundation
import KilnEngine
import KilnModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `kiln stack hook poll|clear`: breakpoints set with `hooks` in an environment's
/// resource_registry, as openstack's `stack hook`. Works on events and signals only, so the
/// embedded engine and a server answer the same way.
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook", abstract: "List or clear the hooks (breakpoints) resources are paused on.",
        subcommands: [Poll.self, Clear.self])
}

extension HookCommand {
    struct Poll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "poll", abstract: "List the resources paused on a hook.")
        @Argument(help: "The stack's name or id.") var stack: String
        @Option(help: "Depth of nested stacks whose paused resources to include (shown as child-stack/resource).")
        var nestedDepth: Int?
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: FormatOptions

        func validate() throws {
            if let nestedDepth, nestedDepth < 0 { throw ValidationError("--nested-depth must not be negative") }
        }

        func run() async throws {
            let service = try await connection.openService()
            let found = try await engineCall { try await service.stack(stack) }
            let hook = try HookEvents.hook(for: found)
            let events = try await engineCall {
                try await service.events(found, nestedDepth: nestedDepth ?? 0, resource: nil, after: nil)
            }
            let pending = HookEvents.pending(events, stack: found, hook: hook)
            emit(.list(pending.map(StackFormat.event)), output.format) {
                TemplateOutput.table(
                    ["resource_name", "resource_status", "resource_status_reason", "event_time"],
                    pending.map { [$0.resourceName, $0.statusText, $0.reason, HeatTime.iso($0.timestamp)] })
            }
        }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clear", abstract: "Clear hooks, letting the paused resources go on.",
            discussion: "Resources of nested stacks are named with slashes (nest/x); names may be globs (nest/*).")
        @Argument(help: "The stack's name or id.") var stack: String
        @Argument(help: "The resources whose hook to clear.") var resources: [String]
        @Flag(help: "Clear pre-create hooks.") var preCreate = false
        @Flag(help: "Clear pre-update hooks.") var preUpdate = false
        @Flag(help: "Clear pre-delete hooks.") var preDelete = false
        @OptionGroup var connection: ConnectionOptions

        func validate() throws {
            if [preCreate, preUpdate, preDelete].filter({ $0 }).count > 1 {
                throw ValidationError("give one of --pre-create, --pre-update and --pre-delete")
            }
        }

        func run() async throws {
            let service = try await connection.openService()
            let found = try await engineCall { try await service.stack(stack) }
            // Without a flag the hook is the one the stack's action stops on, as openstack's.
            let hook = preCreate ? "pre-create" : preUpdate ? "pre-update" : preDelete ? "pre-delete" : try HookEvents.hook(for: found)
            for path in resources {
                let parts = path.split(separator: "/").map(String.init)
                guard !parts.isEmpty else { throw ValidationError("'\(path)' names no resource") }
                let cleared = try await engineCall { try await clear(service, in: found, path: parts, hook: hook) }
                if cleared == 0 {
                    standardError("kiln: no resource of stack '\(found.name)' matches '\(path)'")
                    throw ExitCode(1)
                }
            }
            // Embedded: an operation whose process ended while paused is carried on here, to its
            // end (or until it pauses on another hook, cleared by another command).
            if let local = service as? LocalStackService {
                for resumed in await local.engine.resumeAfterHookCleared() {
                    standardError("kiln: resumed stack \(resumed.name): \(resumed.statusText)")
                }
            }
        }

        /// Signals `{"unset_hook": hook}` to every resource the path matches; returns how many.
        private func clear(_ service: any StackService, in stack: StackRecord, path: [String], hook: String) async throws -> Int {
            let matching = try await service.resources(stack.id).filter { HookEvents.matches($0.name, path[0]) }
            guard path.count > 1 else {
                for resource in matching {
                    try await service.signal(stack.id, resource: resource.name, data: ["unset_hook": .string(hook)])
                }
                return matching.count
            }
            var count = 0
            for resource in matching {
                if let child = try await service.nestedStack(stack, resource: resource.name) {
                    count += try await clear(service, in: child, path: Array(path.dropFirst()), hook: hook)
                }
            }
            return count
        }
    }
}

/// What the hook commands read from events (the pause and its clearing are events, as in Heat).
enum HookEvents {
    /// The hook the stack's current action stops on.
    static func hook(for stack: StackRecord) throws -> String {
        // openstack's messages; an error of the stack's state, not of the command line.
        guard stack.status == .inProgress else { return try refuse("Stack status \(stack.statusText) not IN_PROGRESS") }
        switch stack.action {
        case .create: return "pre-create"
        case .update: return "pre-update"
        case .delete: return "pre-delete"
        default: return try refuse("Unexpected stack status \(stack.statusText), only create, update and delete supported")
        }
    }

    private static func refuse(_ message: String) throws -> String {
        standardError("kiln: \(message)")
        throw ExitCode(1)
    }

    /// The pause events of this action with no clearing after them, one per resource.
    static func pending(_ events: [EventRecord], stack: StackRecord, hook: String) -> [EventRecord] {
        let action = hook.dropFirst("pre-".count).uppercased()
        guard let start = events.lastIndex(where: {
            $0.stackID == stack.id && $0.resourceName == stack.name && $0.reason == "Stack \(action) started"
        }) else { return [] }
        var paused: [String: EventRecord] = [:]
        var order: [String] = []
        for event in events[start...] {
            let key = "\(event.stackID)/\(event.resourceName)"
            if event.reason == "\(action) paused until Hook \(hook) is cleared" {
                if paused[key] == nil { order.append(key) }
                paused[key] = event
            } else if event.reason == "Hook \(hook) is cleared" {
                paused[key] = nil
            }
        }
        return order.compactMap { paused[$0] }
    }

    /// A shell glob match, as the clients match hook paths.
    static func matches(_ name: String, _ pattern: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }
}
