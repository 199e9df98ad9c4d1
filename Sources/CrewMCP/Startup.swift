import CrewMCPLink
import CrewTools
import Foundation
import MCP

/// Start-up within a deadline: initialize and list, or a `ToolSetupError` saying why not.
enum Startup {
    static func run(_ session: MCPSession, timeout: Double) async throws(ToolSetupError) -> [Tool] {
        let server = session.server
        // The SDK's initialize cannot be cancelled; ending the session makes it fail instead.
        let timer = Task {
            try await Task.sleep(nanoseconds: UInt64(max(timeout, 0) * 1_000_000_000))
            await session.abort("MCP server `\(server)` did not start within \(format(timeout)) s")
        }
        defer { timer.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await session.start()
            } onCancel: {
                Task { await session.abort("the start of MCP server `\(server)` was cancelled") }
            }
        } catch {
            throw ToolSetupError(await message(for: error, session: session))
        }
    }

    private static func message(for error: any Error, session: MCPSession) async -> String {
        var message: String
        if let failure = session.end.failure {
            message = failure
        } else {
            message = "MCP server `\(session.server)` could not be started: \(CallError.describe(error))"
        }
        let stderr = await session.stderrText
        if !stderr.isEmpty, !message.contains("stderr") { message += "; the end of its stderr:\n\(stderr)" }
        return session.scrubber.scrub(message)
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
