import CrewCore
import CrewTelemetry

/// How `crew serve` runs: which crews it serves, where it keeps its data, where it listens, and its gateway.
/// Every default is here.
public struct ServerConfiguration: Sendable {
    /// A folder (or git checkout) whose subfolders are crews: each holds a crew.yaml or a crewAI project.
    public var crewsFolder: String
    /// Run records (`runs/`), task output files (`outputs/<crew>/`) and the SQLite database go below it.
    public var dataFolder: String
    /// A `postgres://` URL instead of `<data>/crew.sqlite`.
    public var databaseURL: String?
    /// The database's password (from `CREW_DATABASE_PASSWORD`).
    public var databasePassword: String?
    public var host: String
    /// 0 lets the system choose (tests read the port back from `onListening`).
    public var port: Int
    /// The largest request body read.
    public var maxBodyBytes = 1 << 20
    /// Runs executing at once; more wait in a queue.
    public var maxRuns = 100
    /// Requests a minute per caller, and the burst allowed above that pace.
    public var rateLimit = 1_200
    public var rateBurst = 100
    /// Origins whose pages may call the API from a browser.
    public var corsOrigins: Set<String> = []
    /// PEM files; with both, the server speaks HTTPS only.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// JWT verification; off when neither a secret nor a JWKS is given.
    public var jwt = JWTSettings()
    /// The hosts webhooks may go to (`--webhook-host`); empty lets a runner name any http(s) host.
    public var webhookHosts: Set<String> = []
    /// The secret that signs webhook calls (from `CREW_WEBHOOK_SECRET`); without it, runs with a webhook are refused.
    public var webhookSecret: String?
    /// Rebuild the run index from the records at start.
    public var reindex = false
    /// Traces of every run, over OTLP (from the `OTEL_*` variables); nil exports nothing.
    public var telemetry: TelemetrySettings?
    /// How often the crews folder is checked for changed files.
    public var watchInterval: Double = 2

    public init(crewsFolder: String, dataFolder: String, host: String = "127.0.0.1", port: Int = 8080) {
        self.crewsFolder = crewsFolder
        self.dataFolder = dataFolder
        self.host = host
        self.port = port
    }

    var runsFolder: ConfinedPath { ConfinedPath(base: dataFolder, below: "runs") }

    public var store: StoreLocation {
        databaseURL.map { .postgres(url: $0, password: databasePassword) } ?? .sqlite(dataFolder: dataFolder)
    }

    func outputFolder(crew: String) -> String { FileSystem.join(FileSystem.join(dataFolder, "outputs"), crew) }

    /// A crew's task cache: in the data folder, never in the crews folder (which may be a git checkout).
    func cacheFolder(crew: String) -> ConfinedPath { ConfinedPath(base: dataFolder, below: "cache/" + crew) }

    /// Whether the address is this machine only. Until auth exists, the server listens on nothing else.
    var isLoopback: Bool { ["127.0.0.1", "::1", "localhost"].contains(host) }

    /// The environment variables the server reads its secrets from, at start only.
    public static let webhookSecretVariable = "CREW_WEBHOOK_SECRET"
    public static let jwtSecretVariable = "CREW_JWT_SECRET"
    public static let databasePasswordVariable = "CREW_DATABASE_PASSWORD"

    /// The headers of the trace exporter, which often hold a collector's key.
    public static let telemetryHeaderVariables = ["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"]

    /// The environment the crews run with: the server's, without the server's own secrets, so that no crew (they
    /// come from pull requests) can name one as a key (`${env:CREW_WEBHOOK_SECRET}`) and send it somewhere.
    public static func crewEnvironment(_ environment: [String: String]) -> [String: String] {
        let own = Set([webhookSecretVariable, jwtSecretVariable, databasePasswordVariable] + telemetryHeaderVariables)
        return environment.filter { !own.contains($0.key) }
    }
}
