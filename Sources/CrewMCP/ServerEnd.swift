import Foundation

/// Why a server's connection ended, once it has: shared by its transport (which finds out) and its tools (which
/// report it to the model instead of a bare "connection closed").
final class ServerEnd: @unchecked Sendable {
    private let lock = NSLock()
    private let server: String
    private var failureReason: String?
    private var closed = false

    init(server: String) {
        self.server = server
    }

    /// The server failed (exited, timed out). The first reason wins: a crash explains the errors that follow it.
    func fail(_ reason: String) {
        lock.lock()
        defer { lock.unlock() }
        if failureReason == nil, !closed { failureReason = reason }
    }

    /// Crew ended the session on purpose.
    func markClosed() {
        lock.lock()
        defer { lock.unlock() }
        closed = true
    }

    /// Why the server stopped answering, when it failed.
    var failure: String? {
        lock.lock()
        defer { lock.unlock() }
        return failureReason
    }

    /// Why the connection ended, in words: the failure, or that crew closed it.
    var message: String? {
        lock.lock()
        defer { lock.unlock() }
        return failureReason ?? (closed ? "MCP server `\(server)` was shut down" : nil)
    }
}

/// What a transport throws: a request it could not deliver, or the end of its message stream (always an error: the
/// SDK's client loop spins when the stream just finishes, and stops on an error). The text names the server and never
/// holds a secret.
struct TransportFailure: Error, CustomStringConvertible {
    var description: String
}
