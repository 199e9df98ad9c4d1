import AsyncHTTPClient
import CrewCore
import CrewProviders
import CrewRuntime
import Foundation

/// crew as a library: compile a crew, build its artifact, start, watch, cancel and resume runs, read their records.
/// One engine serves a whole process: every run it starts shares its connections to providers and one set of rate
/// limiters per model, and it holds no process-wide state (no signal handler, no current directory, no standard
/// output). The CLI and a server are thin layers over it.
public final class CrewEngine: Sendable {
    public struct Configuration: Sendable {
        /// Where `${env:NAME}` secrets and settings are read, when a run or a build needs them; never copied into
        /// an artifact or a record.
        public var environment: [String: String]
        /// Backoff between a provider's retries; each model's `max_retries` still applies.
        public var retry: RetryPolicy
        /// Seconds each MCP server has to start and list its tools.
        public var toolStartTimeout: Double
        /// Idle connections kept per provider, across all runs, for the next requests to reuse. Each run bounds its
        /// own requests (`max_parallel`), and so the connections it opens; past this many, a connection whose
        /// request is done is closed instead of kept. 100 one-at-a-time runs on one provider keep 100.
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
    /// The process's connections to providers: every run, build and query of this engine uses them, and so may a
    /// caller that talks to a provider itself (`crew models --check`).
    public let transport: ProviderTransport
    private let client: LazyClient

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        transport = ProviderTransport(idlePerOrigin: configuration.connectionsPerHost)
        client = LazyClient()
    }

    /// An HTTP client for what is not a provider's request (a server's webhooks). Made on first use.
    public var http: HTTPClient { client.get() }

    /// Closes the idle connections and the HTTP client, if one was made; call once every run has ended.
    public func shutdown() async {
        transport.shutdown()
        try? await client.made()?.shutdown()
    }
}

/// An HTTP client made the first time it is asked for.
final class LazyClient: @unchecked Sendable {
    private let lock = NSLock()
    private var client: HTTPClient?

    func get() -> HTTPClient {
        lock.withLock {
            if let client { return client }
            var configuration = HTTPClient.Configuration()
            configuration.tracing.tracer = nil  // as for tools: no no-op span per request
            let made = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            client = made
            return made
        }
    }

    func made() -> HTTPClient? {
        lock.withLock { client }
    }
}
