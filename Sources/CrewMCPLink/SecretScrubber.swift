import CrewTools
import Foundation

/// The secret values resolved for one server (`${env:...}`/`${file:...}` references in its args, env, url and
/// headers). Whatever the server, its stderr or an HTTP error hands back passes through `scrub` before it reaches the
/// model or an error message, in case the server echoes its configuration.
package final class SecretScrubber: @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: [String] = []

    package init(_ values: [String] = []) {
        for value in values { record(value) }
    }

    /// Every value recorded, longest first: what the MCP host is handed so that it scrubs the same values.
    package var values: [String] {
        lock.lock()
        defer { lock.unlock() }
        return secrets
    }

    package func record(_ value: String) {
        guard !value.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        if !secrets.contains(value) {
            secrets.append(value)
            // Longest first, so that a secret containing another one is replaced whole.
            secrets.sort { $0.count > $1.count }
        }
    }

    package func scrub(_ text: String) -> String {
        lock.lock()
        let secrets = self.secrets
        lock.unlock()
        var out = text
        for secret in secrets where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return out
    }

    /// `context`, except that every reference value it hands out is remembered here first.
    package func recording(_ context: ToolContext) -> ToolContext {
        ToolContext(crewFolder: context.crewFolder) { [self] segment throws(ToolSetupError) in
            let value = try context.reference(segment)
            record(value)
            return value
        }
    }
}
