import CrewCore
import CrewDocuments
import CrewKit
import CrewRuntime
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import UnixSignals

/// `crew serve`: the crews of a folder as an HTTP API. Runs go through the library's engine, with the same executor
/// and records as the CLI; the server only parses requests, calls the library and renders JSON.
public struct CrewServer: Sendable {
    let configuration: ServerConfiguration
    let engine: CrewEngine
    let catalog: CrewCatalog
    let active = RunRegistry()

    public init(configuration: ServerConfiguration, engine: CrewEngine) {
        self.configuration = configuration
        self.engine = engine
        catalog = CrewCatalog(engine: engine, folder: configuration.crewsFolder)
    }

    /// A server address that is not this machine's needs authentication: at least one live token.
    public struct RefusedAddress: CodedFailure {
        public var host: String
        public var code: FailureCode { .r508 }
        public var description: String {
            "refusing to listen on \(host): with no token the API is open to anyone who can reach it; make one with "
                + "`crew token create --name NAME --role admin`, or listen on 127.0.0.1"
        }
    }

    /// Compiles the crews, then serves until the task is cancelled (or SIGTERM/SIGINT with `signals`).
    /// `onListening` gets the bound port.
    public func run(signals: Bool = true, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws
    {
        let tokens = try TokenStore(dataFolder: configuration.dataFolder)
        let guarded = try tokens.hasActiveTokens()
        guard configuration.isLoopback || guarded else {
            throw RefusedAddress(host: configuration.host)
        }
        await catalog.reload()
        var logger = Logger(label: "crew.serve")
        logger.logLevel = .info
        let app = Application(
            router: makeRouter(tokens: tokens),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "crew"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.runService(gracefulShutdownSignals: signals ? [.sigterm, .sigint] : [])
    }

    func makeRouter(tokens: TokenStore) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.get("/healthz") { _, _ in JSONResponse.make(.object(["status": .string("ok")])) }
        router.get("/readyz") { _, _ in JSONResponse.make(.object(["status": .string("ready")])) }
        // One group per role: a route is registered with the least role that may call it.
        let v1 = router.group("v1").add(middleware: AuthMiddleware(tokens: tokens, minimum: .viewer))
        let runner = router.group("v1").add(middleware: AuthMiddleware(tokens: tokens, minimum: .runner))
        let admin = router.group("v1").add(middleware: AuthMiddleware(tokens: tokens, minimum: .admin))
        v1.get("crews") { _, _ in try await self.listCrews() }
        admin.post("crews/reload") { _, _ in try await self.reload() }
        v1.get("crews/:name") { _, context in try await self.crew(context.parameters.require("name")) }
        runner.post("crews/:name/runs") { request, context in
            try await self.startRun(context.parameters.require("name"), request: request, context: context)
        }
        v1.get("runs") { request, _ in try await self.listRuns(request) }
        v1.get("runs/:id") { _, context in try await self.run(context.parameters.require("id")) }
        v1.get("runs/:id/tasks/:task") { _, context in
            try self.task(context.parameters.require("id"), context.parameters.require("task"))
        }
        runner.post("runs/:id/cancel") { _, context in try await self.cancel(context.parameters.require("id")) }
        runner.post("runs/:id/resume") { _, context in try await self.resume(context.parameters.require("id")) }
        v1.get("runs/:id/events") { request, context in
            try await self.events(context.parameters.require("id"), request: request)
        }
        return router
    }
}
