import Foundation

/// Ctrl-C during an operation. Every transition is committed before the engine acts on it,
/// so the store is consistent at any instant: exiting at once is safe, and the next
/// command's `recover()` finishes the stack (creates and deletes resume; an interrupted
/// update or other operation is marked FAILED and can be retried).
enum Interrupt {
    static func exitOnSignal() {
        signal(SIGINT, onInterrupt)
        signal(SIGTERM, onInterrupt)
    }
}

/// Only async-signal-safe calls here: write(2) and _exit(2).
private func onInterrupt(_ signal: Int32) {
    let message = "\nkiln: interrupted; the next kiln command resumes the stack (or marks it failed)\n"
    message.withCString { pointer in _ = write(STDERR_FILENO, pointer, strlen(pointer)) }
    _exit(130)
}
