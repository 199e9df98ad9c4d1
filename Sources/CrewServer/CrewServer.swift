import CrewCore
import CrewDocuments
import CrewKit
import CrewRuntime
import CrewTelemetry
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `crew serve`: the crews of a folder as an HTTP API. Runs go through the library's engine, with the same executor
/// and records as the CLI; the server only parses requests, calls the library and renders JSON.
public struct CrewServer: Sendable {
    let configuration: ServerConfiguration
    let engine: CrewEngine

    public init(configuration: ServerConfiguration, engine: CrewEngine) {
        self.configuration = configuration
        self.engine = engine
    }

    /// Every route as `METHOD /path`, with `{name}` for a path parameter: what specs/openapi.yaml documents.
    public static var routes: [String] {
        API.openRoutes.map { "\($0.0.rawValue) \($0.1)" }
            + API.routes.map { route in
                let path = route.path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : $0 }
                return "\(route.method.rawValue) /v1/" + path.joined(separator: "/")
            }
    }

    /// A server address that is not this machine's needs authentication: a live token or JWT verification.
    public struct RefusedAddress: CodedFailure {
        public var host: String
        public var code: FailureCode { .r508 }
        public var description: String {
            "refusing to listen on \(host): with no token the API is open to anyone who can reach it; make one with "
                + "`crew token create --name NAME --role admin` (or configure JWTs), or listen on 127.0.0.1"
        }
    }

    /// Opens the store, compiles the crews, recovers what a crash left, then serves until SIGTERM/SIGINT (with
    /// `signals`) or until the task is cancelled. `onListening` gets the bound port.
    public func run(signals: Bool = true, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws
    {
        var logger = JSONLogHandler.logger(label: "crew.serve")
        logger.logLevel = .info
        if signals {
            // Linux delivers a signal to its dispatch source only when the default action (ending the process) is
            // off; a client that hangs up must not end the server either.
            for number in [SIGTERM, SIGINT, SIGPIPE] { signal(number, SIG_IGN) }
        }
        let store = try await ServerStore.open(configuration.store)
        do {
            try await serve(store: store, logger: logger, signals: signals, onListening: onListening)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    func serve(
        store: ServerStore, logger: Logger, signals: Bool, onListening: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let jwt = try await JWTVerifier.make(configuration.jwt)
        let guarded = try await store.tokens.hasActiveTokens()
        guard configuration.isLoopback || guarded || jwt != nil else { throw RefusedAddress(host: configuration.host) }
        let catalog = CrewCatalog(engine: engine, folder: configuration.crewsFolder)
        await catalog.reload()
        let metrics = ServerMetrics()
        let webhooks = configuration.webhookSecret.map {
            WebhookSender(http: engine.http, secret: Array($0.utf8), logger: logger)
        }
        let runs = try RunStore(holding: configuration.runsFolder)
        let traces = try configuration.telemetry.map { settings in try TraceExporter(settings: settings) }
        let scheduler = RunScheduler(
            engine: engine, catalog: catalog, store: store, runs: runs, configuration: configuration,
            metrics: metrics, webhooks: webhooks, logger: logger, traces: traces)
        try await scheduler.recover(reindex: configuration.reindex)
        let api = API(
            configuration: configuration, engine: engine, catalog: catalog, store: store,
            runs: runs, scheduler: scheduler,
            metrics: metrics, authenticator: Authenticator(tokens: store.tokens, jwt: jwt),
            limiter: RateLimiter(perMinute: configuration.rateLimit, burst: configuration.rateBurst),
            webhooks: webhooks != nil)
        let app = Application(
            router: api.makeRouter(), server: try serverBuilder(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "crew"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: app),
                    .init(
                        service: CatalogWatcher(catalog: catalog, interval: configuration.watchInterval),
                        successTerminationBehavior: .ignore),
                    .init(service: RunService(scheduler: scheduler)),
                ],
                gracefulShutdownSignals: signals ? [.sigterm, .sigint] : [], logger: logger))
        // Cancelling the caller's task stops the server as SIGTERM does: gracefully, runs recorded as interrupted.
        let running = Task { try await group.run() }
        // The runs are stopped and recorded by then; what their traces left queued is sent before returning.
        do {
            try await withTaskCancellationHandler {
                try await running.value
            } onCancel: {
                Task { await group.triggerGracefulShutdown() }
            }
        } catch {
            await traces?.shutdown()
            throw error
        }
        await traces?.shutdown()
    }

    /// HTTP/1.1, in TLS when a certificate and key are given.
    func serverBuilder() throws -> HTTPServerBuilder {
        guard let certificate = configuration.tlsCertificate, let key = configuration.tlsKey else { return .http1() }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            return try .tls(.http1(), tlsConfiguration: tls)
        } catch {
            throw CrewFailure(
                .r508, "cannot use the TLS certificate \(certificate) and key \(key): \(error)",
                hint: "give PEM files: --tls-cert for the chain, --tls-key for its private key")
        }
    }
}

/// Lets the runs reach a checkpoint when the server stops: it waits for the shutdown signal, then cancels what runs
/// (each is recorded as interrupted, its finished tasks kept) before the HTTP server closes its streams.
struct RunService: Service {
    let scheduler: RunScheduler

    func run() async throws {
        try? await gracefulShutdown()
        await scheduler.shutdown()
    }
}

/// Recompiles a crew when its files change, checking every `interval` seconds.
struct CatalogWatcher: Service {
    let catalog: CrewCatalog
    let interval: Double

    func run() async throws {
        guard interval > 0 else { return }
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
            await catalog.refresh()
        }
    }
}
