import ArgumentParser
import CrewCLI
import CrewCore
import CrewKit
import CrewServer
import CrewTelemetry
import Foundation

/// `crew serve [CREWS_DIR]`: the crews of a folder as an HTTP API, run through the same library as `crew run`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve a folder of crews over HTTP (API v1, live events).")

    @Argument(
        help: "A folder whose subfolders are crews (a crew.yaml or a crewAI project each).", completion: .directory)
    var crewsDir: String = "."

    @Option(
        help: "Where run records and outputs go (default: .crew/serve in the current folder).", completion: .directory)
    var data: String = ".crew/serve"

    @Option(help: "HOST:PORT to listen on; only this machine's addresses until tokens exist or JWTs are verified.")
    var listen: String = "127.0.0.1:8080"

    @Option(help: "A postgres://USER@HOST[:PORT]/DB URL (password in CREW_DATABASE_PASSWORD) instead of SQLite.")
    var database: String?

    @Flag(help: "Rebuild the run index from the run records before serving.")
    var reindex = false

    @Option(help: "Runs executing at once; more wait in a queue (default 100).")
    var maxRuns: Int = 100

    @Option(help: "Requests a minute per token or client (default 1200).")
    var rateLimit: Int = 1_200

    @Option(help: "An origin allowed to call the API from a browser (repeatable), e.g. https://ci.example.com.")
    var corsOrigin: [String] = []

    @Option(help: "A PEM certificate chain: serve HTTPS (with --tls-key).", completion: .file())
    var tlsCert: String?

    @Option(help: "The PEM private key of --tls-cert.", completion: .file())
    var tlsKey: String?

    @Option(help: "A host webhooks may call (repeatable); without one, any http(s) host.")
    var webhookHost: [String] = []

    @Option(help: "A JWKS file: accept RS256/ES256 JWTs signed by its keys (HS256: set CREW_JWT_SECRET).")
    var jwks: String?

    @Option(help: "The JWT claim holding the role: viewer, runner or admin, or a list of them (default role).")
    var jwtRoleClaim: String = "role"

    @Option(help: "Accept only JWTs with this issuer (iss).")
    var jwtIssuer: String?

    @Option(help: "Accept only JWTs for this audience (aud).")
    var jwtAudience: String?

    func validate() throws {
        guard Self.address(listen) != nil else {
            throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8080")
        }
        guard (1...10_000).contains(maxRuns) else { throw ValidationError("--max-runs must be from 1 to 10000") }
        guard (1...1_000_000).contains(rateLimit) else {
            throw ValidationError("--rate-limit must be from 1 to 1000000 requests a minute")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        for origin in corsOrigin where !(origin.hasPrefix("http://") || origin.hasPrefix("https://")) || origin == "*" {
            throw ValidationError("--cors-origin must be an origin like https://ci.example.com, not `\(origin)`")
        }
    }

    static func address(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port), colon != text.startIndex
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    func run() async throws {
        let (host, port) = Self.address(listen)!
        let environment = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration(crewsFolder: crewsDir, dataFolder: data, host: host, port: port)
        configuration.databaseURL = database
        configuration.databasePassword = environment[ServerConfiguration.databasePasswordVariable]
        configuration.reindex = reindex
        configuration.maxRuns = maxRuns
        configuration.rateLimit = rateLimit
        configuration.corsOrigins = Set(corsOrigin)
        configuration.webhookHosts = Set(webhookHost.map { $0.lowercased() })
        configuration.tlsCertificate = tlsCert
        configuration.tlsKey = tlsKey
        configuration.webhookSecret = environment[ServerConfiguration.webhookSecretVariable]
        configuration.jwt.secret = environment[ServerConfiguration.jwtSecretVariable]
        do {
            configuration.telemetry = try TelemetrySettings.from(environment: environment)
        } catch {
            throw Engine.fail(error, exit: 2)
        }
        configuration.jwt.roleClaim = jwtRoleClaim
        configuration.jwt.issuer = jwtIssuer
        configuration.jwt.audience = jwtAudience
        do {
            configuration.jwt.jwks = try jwks.map {
                String(decoding: try ConfinedFolder.readRegular(atPath: $0, limit: 1 << 20), as: UTF8.self)
            }
        } catch {
            throw Engine.fail(error)
        }
        // The crews' engine does not see the server's secrets; `crew serve` uses no other engine.
        let engine = CrewEngine(
            configuration: CrewEngine.Configuration(environment: ServerConfiguration.crewEnvironment(environment)))
        let server = CrewServer(configuration: configuration, engine: engine)
        do {
            try await server.run { bound in
                let scheme = tlsCert == nil ? "http" : "https"
                Self.say("crew serve: crews from \(crewsDir), data in \(data), on \(scheme)://\(host):\(bound)")
            }
        } catch {
            await engine.shutdown()
            throw Engine.fail(error)
        }
        await engine.shutdown()
        Self.say("crew serve: stopped")
    }

    /// A line for the operator: plain on a terminal, a JSON log line like the server's own otherwise.
    static func say(_ text: String) {
        guard isatty(STDERR_FILENO) == 0 else { return Terminal.err(text + "\n") }
        JSONLogHandler.note(text)
    }
}
