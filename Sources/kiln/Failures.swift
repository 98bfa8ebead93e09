import ArgumentParser
import Foundation
import KilnClient
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// Runs an engine call, turning its refusals into messages on standard error and exit
/// status 1: every diagnostic as `FILE:LINE:COL: error: ...`, in location order.
func engineCall<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as EngineError {
        switch error {
        case .invalid(let found):
            var diagnostics = Diagnostics()
            diagnostics.append(contentsOf: found)
            for diagnostic in diagnostics.sorted { standardError(diagnostic.description) }
        case .notFound(let message), .conflict(let message), .refused(let message), .unsupported(let message):
            standardError("kiln: \(message)")
        }
        throw ExitCode(1)
    } catch let error as InvalidBreakPointHook {
        standardError("kiln: \(error.description)")
        throw ExitCode(1)
    } catch let error as StoreError {
        standardError("kiln: \(error.description)")
        throw ExitCode(1)
    } catch let error as KilnClientError {
        // A server's template diagnostics print as the embedded engine's do: one per line.
        if case .server(_, "StackValidationFailed", let message) = error, message.contains(": error: ") {
            for line in message.split(separator: "\n") { standardError(String(line)) }
        } else {
            standardError("kiln: \(error.description)")
        }
        throw ExitCode(1)
    }
}

/// Ends a finished operation: a FAILED stack prints its reason and exits 1.
func requireSuccess(_ stack: StackRecord) throws {
    if stack.status == .failed {
        standardError("kiln: stack \(stack.name) \(stack.statusText): \(stack.statusReason)")
        throw ExitCode(1)
    }
}

/// A file's text, or exit status 2 with the reason. A template or environment over the
/// engine's own size limit (but within this one) is read, so that the engine reports it
/// where it is, as for any other invalid template.
func readText(_ path: String) throws -> String {
    switch readFile(path) {
    case .success(let bytes): return String(decoding: bytes, as: UTF8.self)
    case .failure(let error):
        standardError("kiln: \(error)")
        throw ExitCode(2)
    }
}

/// JSON text from the command line or a file, or exit status 1 with where it is wrong.
func parseJSON(_ text: String, from source: String) throws -> Value {
    do {
        return try Value.parseJSON(text)
    } catch {
        standardError("kiln: \(source): invalid JSON: \(error)")
        throw ExitCode(1)
    }
}
