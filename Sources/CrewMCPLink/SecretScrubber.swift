import CrewCore
import CrewTools
import Foundation

/// The secret values resolved for one server (`${env:...}`/`${file:...}` references in its args, env, url and
/// headers). Whatever the server, its stderr or an HTTP error hands back passes through `scrub` before it reaches the
/// model or an error message, in case the server echoes its configuration. A thin holder of a `SecretRedactor`,
/// rebuilt as values are recorded.
package final class SecretScrubber: @unchecked Sendable {
    // `@unchecked`: `secrets` and `redactor` are only touched under `lock`.
    private let lock = NSLock()
    private var secrets: [String] = []
    private var redactor = SecretRedactor(secrets: [], mask: SecretScrubber.mask)

    /// What the MCP side writes in place of a secret.
    static let mask = "[redacted]"

    package init(_ values: [String] = []) {
        for value in values { record(value) }
    }

    /// Every value recorded, longest first: what the MCP host is handed so that it scrubs the same values.
    package var values: [String] {
        lock.withLock { secrets }
    }

    package func record(_ value: String) {
        guard !value.isEmpty else { return }
        lock.withLock {
            guard !secrets.contains(value) else { return }
            secrets.append(value)
            secrets.sort { $0.count > $1.count }
            redactor = SecretRedactor(secrets: secrets, mask: Self.mask)
        }
    }

    package func scrub(_ text: String) -> String {
        lock.withLock { redactor }.redact(text)
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
