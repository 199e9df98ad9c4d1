import AsyncHTTPClient
import CrewCore
import CrewProviders
import CrewRuntime
import Foundation

/// crew as a library: compile a crew, build its artifact, start, watch, cancel and resume runs, read their records.
/// One engine serves a whole process: every run it starts shares its one HTTP client and one set of rate limiters per
/// model, and it holds no process-wide state (no signal handler, no current directory, no standard output). The CLI
/// and a server are thin layers over it.
public final class CrewEngine: Sendable {
    public struct Configuration: Sendable {
        /// Where `${env:NAME}` secrets and settings are read, when a run or a build needs them; never copied into
        /// an artifact or a record.
        public var environment: [String: String]
        /// Backoff between a provider's retries; each model's `max_retries` still applies.
        public var retry: RetryPolicy
        /// Seconds each MCP server has to start and list its tools.
        public var toolStartTimeout: Double
        /// Connections kept per provider host, across all runs. Each run bounds its own requests (`max_parallel`);
        /// this bounds a process's: 100 one-at-a-time runs on one provider would wait on 64 connections (measured by
        /// `crew-bench concurrent`), so a server's runs need more.
        public var connectionsPerHost: Int
        /// Whether a crewAI project's `.env` adds to `environment` for its runs, as crewAI's `load_dotenv` does.
        /// The CLI turns it on for the user's own projects; a server leaves it off, so that no crew it is sent can
        /// set where the server's keys go.
        public var readsProjectEnvironmentFile = false

        public init(
            environment: [String: String] = ProcessInfo.processInfo.environment, retry: RetryPolicy = RetryPolicy(),
            toolStartTimeout: Double = 30, connectionsPerHost: Int = 256
        ) {
            self.environment = environment
            self.retry = retry
            self.toolStartTimeout = toolStartTimeout
            self.connectionsPerHost = connectionsPerHost
        }
    }

    public let configuration: Configuration
    let limiters = RateLimiterPool()
    private let client: LazyClient

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        client = LazyClient(connectionsPerHost: configuration.connectionsPerHost)
    }

    /// The process's one HTTP client: every run, build and query of this engine uses it, and so may a caller that
    /// talks to a provider itself (`crew models --check`). Made on first use: compiling needs none.
    public var http: HTTPClient { client.get() }

    /// Closes the shared HTTP client, if one was made; call once every run has ended.
    public func shutdown() async {
        try? await client.made()?.shutdown()
    }
}

/// An HTTP client made the first time it is asked for.
final class LazyClient: @unchecked Sendable {
    private let lock = NSLock()
    private let connectionsPerHost: Int
    private var client: HTTPClient?

    init(connectionsPerHost: Int) {
        self.connectionsPerHost = connectionsPerHost
    }

    func get() -> HTTPClient {
        lock.withLock {
            if let client { return client }
            let made = RunSession.makeHTTPClient(maxParallel: connectionsPerHost)
            client = made
            return made
        }
    }

    func made() -> HTTPClient? {
        lock.withLock { client }
    }
}
