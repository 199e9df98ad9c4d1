import CrewCore
import CrewDocuments
import CrewKit
import CrewRuntime
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Everything a request handler reaches: the crews, the store, the runs and the gateway's state.
struct API: Sendable {
    let configuration: ServerConfiguration
    let engine: CrewEngine
    let catalog: CrewCatalog
    let store: ServerStore
    /// The run records, read below one descriptor of the runs folder.
    let runs: RunStore
    let scheduler: RunScheduler
    let metrics: ServerMetrics
    let authenticator: Authenticator
    let limiter: RateLimiter
    let webhooks: Bool
    let summaries = SummaryCache()

    func makeRouter() -> Router<CrewContext> {
        let router = Router(context: CrewContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(
            middleware: HeadersMiddleware(
                origins: configuration.corsOrigins, tls: configuration.tlsCertificate != nil))
        router.add(middleware: ErrorMiddleware())
        router.get("/healthz") { _, _ in JSONResponse.make(.object(["status": .string("ok")])) }
        router.get("/readyz") { _, _ in try await self.ready() }
        router.get("/metrics") { _, _ in Self.text(self.metrics.text, type: "text/plain; version=0.0.4") }
        router.get("/openapi.yaml") { _, _ in Self.text(OpenAPIDocument.text, type: "application/yaml") }
        router.get("/") { request, _ in try Dashboard.response("index.html", request: request) }
        router.get("/ui/:file") { request, context in
            try Dashboard.response(context.parameters.require("file"), request: request)
        }
        // Signing in is open (it is how a browser gets its credential), and limited per client address.
        let session = router.group("v1").add(middleware: RateLimitMiddleware(limiter: limiter))
        session.post("session") { request, _ in try await self.signIn(request) }
        session.delete("session") { _, _ in Self.signOut() }
        for route in Self.routes {
            let group = router.group("v1").add(
                middleware: AuthMiddleware(
                    authenticator: authenticator, minimum: route.role, audit: route.audited ? store.audit : nil)
            ).add(middleware: RateLimitMiddleware(limiter: limiter))
            let handler = route.handler
            group.on(RouterPath(route.path), method: route.method) { request, context in
                try await handler(self, request, context)
            }
        }
        return router
    }

    /// A route under /v1: the least role that may call it, and whether calls are written to the audit log (every
    /// route that changes something).
    struct Route: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var role: Role
        var audited: Bool
        var handler: @Sendable (API, Request, CrewContext) async throws -> Response

        init(
            _ method: HTTPRequest.Method, _ path: String, _ role: Role, audited: Bool = false,
            _ handler: @escaping @Sendable (API, Request, CrewContext) async throws -> Response
        ) {
            self.method = method
            self.path = path
            self.role = role
            self.audited = audited
            self.handler = handler
        }
    }

    /// Every /v1 route. `/healthz`, `/readyz`, `/metrics` and `/openapi.yaml` are open and listed in `openRoutes`.
    static let routes: [Route] =
        [
            Route(.get, "crews", .viewer) { api, _, _ in try await api.listCrews() },
            Route(.post, "crews/reload", .admin, audited: true) { api, _, _ in try await api.reload() },
            Route(.get, "crews/:name", .viewer) { api, _, context in
                try await api.crew(context.parameters.require("name"))
            },
            Route(.post, "crews/:name/runs", .runner, audited: true) { api, request, context in
                try await api.startRun(context.parameters.require("name"), request: request, context: context)
            },
            Route(.get, "crews/:name/file", .viewer) { api, _, context in
                try await api.crewFile(context.parameters.require("name"))
            },
            Route(.put, "crews/:name/file", .admin, audited: true) { api, request, context in
                try await api.saveCrewFile(context.parameters.require("name"), request: request)
            },
            Route(.post, "validate", .viewer) { api, request, _ in try await api.validate(request) },
            Route(.get, "session", .viewer) { _, _, context in API.session(context) },
            Route(.get, "runs", .viewer) { api, request, _ in try await api.listRuns(request) },
            Route(.get, "runs/:id", .viewer) { api, request, context in
                try await api.run(context.parameters.require("id"), request: request)
            },
            Route(.get, "runs/:id/tasks/:task", .viewer) { api, _, context in
                try api.task(context.parameters.require("id"), context.parameters.require("task"))
            },
            Route(.post, "runs/:id/cancel", .runner, audited: true) { api, _, context in
                try await api.cancel(context.parameters.require("id"))
            },
            Route(.post, "runs/:id/resume", .runner, audited: true) { api, _, context in
                try await api.resume(context.parameters.require("id"), context: context)
            },
            Route(.get, "runs/:id/events", .viewer) { api, request, context in
                try await api.events(context.parameters.require("id"), request: request)
            },
            Route(.get, "tokens", .admin) { api, _, _ in try await api.listTokens() },
            Route(.post, "tokens", .admin, audited: true) { api, request, _ in try await api.createToken(request) },
            Route(.delete, "tokens/:name", .admin, audited: true) { api, _, context in
                try await api.revokeToken(context.parameters.require("name"))
            },
            Route(.get, "audit", .admin) { api, request, _ in try await api.auditLog(request) },
        ]
        + Analytics.Report.allCases.map { report in
            Route(.get, "analytics/\(report.rawValue)", .viewer) { api, request, _ in
                try await api.analytics(report, request)
            }
        }

    static let openRoutes: [(HTTPRequest.Method, String)] = [
        (.get, "/healthz"), (.get, "/readyz"), (.get, "/metrics"), (.get, "/openapi.yaml"), (.get, "/"),
        (.get, "/ui/{file}"), (.post, "/v1/session"), (.delete, "/v1/session"),
    ]

    /// `POST /v1/session` with `{"token"}`: a valid credential becomes an HttpOnly, SameSite=Strict cookie that
    /// authenticates the browser's later requests; the token never has to be in a URL or in the page's script.
    func signIn(_ request: Request) async throws -> Response {
        let body = try await RequestReader.object(request, limit: 16 << 10, known: ["token"])
        guard let token = body["token"]?.stringValue, !token.contains(where: { $0 == ";" || $0.isWhitespace }),
            let holder = await authenticator.identify("Bearer " + token)
        else {
            var error = APIError(.unauthorized, .unauthorized, "`token` must be a valid token or JWT")
            error.headers[.wwwAuthenticate] = "Bearer"
            throw error
        }
        let secure = configuration.tlsCertificate != nil ? "; Secure" : ""
        return JSONResponse.make(
            .object(["actor": .string(holder.actor), "role": .string(holder.role.rawValue)]),
            headers: [.setCookie: "\(Authenticator.cookie)=\(token); Path=/; HttpOnly; SameSite=Strict\(secure)"])
    }

    /// `GET /v1/session`: who the caller is, so a page shows only the actions its role may take.
    static func session(_ context: CrewContext) -> Response {
        let identity = context.identity
        return JSONResponse.make(
            .object([
                "actor": .string(identity?.actor ?? "anonymous"),
                "role": .string((identity?.role ?? .viewer).rawValue),
            ]))
    }

    /// `DELETE /v1/session`: the cookie is cleared.
    static func signOut() -> Response {
        JSONResponse.make(
            .object(["signed_out": .bool(true)]),
            headers: [.setCookie: "\(Authenticator.cookie)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"])
    }

    static func text(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    func ready() async throws -> Response {
        do {
            _ = try await store.database.query("SELECT 1 AS ok", [])
        } catch {
            throw APIError(.serviceUnavailable, .unavailable, "the database cannot be reached")
        }
        return JSONResponse.make(.object(["status": .string("ready")]))
    }

    // MARK: crews

    func listCrews() async throws -> Response {
        let entries = await catalog.entries.values.sorted { $0.name < $1.name }
        return JSONResponse.make(.object(["crews": .array(entries.map(Views.crewSummary))]))
    }

    func reload() async throws -> Response {
        await catalog.reload()
        return try await listCrews()
    }

    func crewEntry(_ name: String) async throws -> CrewCatalog.Entry {
        guard Names.isValid(name), let entry = await catalog.entry(name) else {
            throw APIError.notFound("no crew `\(name.prefix(128))`")
        }
        return entry
    }

    func crew(_ name: String) async throws -> Response {
        JSONResponse.make(Views.crewDetail(try await crewEntry(name)))
    }

    /// A crew file in the body: its diagnostics, and its graph when it is valid. With `?crew=NAME` it is checked in
    /// that crew's folder, so the files it names are found; without, files it names are missing and said so.
    /// Diagnostics name the file `crew.yaml`, never where it was checked.
    func validate(_ request: Request) async throws -> Response {
        let query = try QueryReader(request.uri.queryParameters, known: ["crew"])
        let text = try await crewText(request)
        if let crew = query.text("crew") {
            let entry = try await crewEntry(crew)
            if let compiled = try files.checkDraft(text, crew: entry.name, engine: engine) {
                return JSONResponse.make(Views.validation(compiled, file: CrewFiles.fileName))
            }
        }
        let folder = FileSystem.join(NSTemporaryDirectory(), "crew-validate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            try text.write(toFile: FileSystem.join(folder, "crew.yaml"), atomically: false, encoding: .utf8)
        } catch {
            throw APIError(.internalServerError, .internalError, "the crew file could not be checked")
        }
        let compiled = engine.compile(path: folder)
        return JSONResponse.make(Views.validation(compiled, file: CrewFiles.fileName))
    }

    /// The body as a crew file: UTF-8 text of at most the body limit.
    func crewText(_ request: Request) async throws -> String {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: configuration.maxBodyBytes)
        } catch {
            throw APIError(
                .contentTooLarge, .payloadTooLarge, "the body is larger than \(configuration.maxBodyBytes) bytes")
        }
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw APIError(.badRequest, .badRequest, "the body must be a crew file in UTF-8")
        }
        return text
    }

    var files: CrewFiles { CrewFiles(crewsFolder: configuration.crewsFolder) }

    /// `GET /v1/crews/{name}/file`: crew.yaml as text, with its ETag for a later save.
    func crewFile(_ name: String) async throws -> Response {
        let entry = try await crewEntry(name)
        let file = try files.read(entry.name)
        var response = Self.text(file.text, type: "application/yaml; charset=utf-8")
        response.headers[.eTag] = file.tag
        return response
    }

    /// `PUT /v1/crews/{name}/file` with `If-Match`: crew.yaml replaced, the crew compiled again, and its detail
    /// (diagnostics included) returned with the new ETag.
    func saveCrewFile(_ name: String, request: Request) async throws -> Response {
        let entry = try await crewEntry(name)
        let text = try await crewText(request)
        let saved = try files.save(entry.name, text: text, expected: request.headers[.ifMatch])
        await catalog.refresh()
        var response = try await crew(entry.name)
        response.headers[.eTag] = saved.tag
        return response
    }

    // MARK: runs

    func startRun(_ name: String, request: Request, context: CrewContext) async throws -> Response {
        let entry = try await crewEntry(name)
        guard let runnable = entry.runnable else {
            throw APIError(
                .unprocessableContent, .invalidCrew, entry.failure ?? "crew `\(name)` has errors",
                details: .object(["diagnostics": Views.diagnostics(entry.compiled)]))
        }
        let body = try await RequestReader.object(
            request, limit: configuration.maxBodyBytes, known: ["inputs", "webhook"])
        let inputs = try RequestReader.inputs(body["inputs"])
        let webhook = try webhookURL(body["webhook"])
        _ = try engine.checkInputs(runnable, inputs)
        let actor = context.identity?.actor ?? "anonymous"
        let key = try Self.idempotencyKey(request)
        let id = try engine.reserveRun(in: configuration.runsFolder)
        if let key {
            let fingerprint = Self.fingerprint(crew: name, body: body)
            switch try await store.idempotency.claim(actor: actor, key: key, fingerprint: fingerprint, runID: id) {
            case .new: break
            case .replay(let existing):
                unreserve(id)
                return try await replay(existing, crew: name)
            case .mismatch:
                unreserve(id)
                throw APIError(
                    .unprocessableContent, .invalidInput,
                    "this Idempotency-Key was used with a different request; use a new key for a new run")
            }
        }
        let admission: RunScheduler.Admission
        do {
            admission = try await scheduler.submit(
                id: id,
                RunRequest(kind: .start, crewFolder: name, inputs: inputs, webhook: webhook, requestedBy: actor))
        } catch {
            unreserve(id)
            if let key { try? await store.idempotency.release(actor: actor, key: key) }
            throw error
        }
        var members: [String: JSONValue] = ["id": .string(id), "crew": .string(name)]
        switch admission {
        case .running: members["status"] = .string(IndexedStatus.running.rawValue)
        case .queued(let position):
            members["status"] = .string(IndexedStatus.queued.rawValue)
            members["queue_position"] = .int(position)
        }
        return JSONResponse.make(.object(members), status: .accepted, headers: [.location: "/v1/runs/\(id)"])
    }

    /// The answer to a repeated request: the first run, as it stands now.
    func replay(_ id: String, crew: String) async throws -> Response {
        let entry = try await store.runs.entry(id)
        let record = runs.record(id)
        var status = entry?.status ?? record.map { IndexedStatus($0.status) } ?? .queued
        if await scheduler.isActive(id) { status = .running }
        let position = await scheduler.position(id)
        if position != nil { status = .queued }
        return JSONResponse.make(
            .object(dropping: [
                ("id", .string(id)), ("crew", .string(crew)), ("status", .string(status.rawValue)),
                ("queue_position", position.map(JSONValue.int)),
            ]),
            headers: [.location: "/v1/runs/\(id)", HTTPField.Name("Idempotent-Replayed")!: "true"])
    }

    func webhookURL(_ value: JSONValue?) throws -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue, let url = WebhookSender.check(text) else {
            throw APIError(
                .unprocessableContent, .invalidInput,
                "`webhook` must be an http or https URL of at most 2048 characters")
        }
        if !configuration.webhookHosts.isEmpty {
            let host = URLComponents(string: url)?.host?.lowercased() ?? ""
            guard configuration.webhookHosts.contains(host) else {
                throw APIError(
                    .unprocessableContent, .invalidInput,
                    "webhooks go only to the hosts this server allows (--webhook-host); `\(host.prefix(64))` is not one"
                )
            }
        }
        guard webhooks else {
            throw APIError(
                .unprocessableContent, .invalidInput,
                "this server sends no webhooks: it needs \(ServerConfiguration.webhookSecretVariable) to sign them")
        }
        return url
    }

    /// 1 to 255 visible ASCII characters.
    static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw APIError(.badRequest, .badRequest, "Idempotency-Key must be 1 to 255 visible ASCII characters")
        }
        return key
    }

    static func fingerprint(crew: String, body: [String: JSONValue]) -> String {
        let text = JSONValue.object(["crew": .string(crew), "body": .object(body)]).serialized()
        return SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Gives back a run folder reserved for a run that did not start (it is empty).
    func unreserve(_ id: String) {
        guard Names.isRunID(id) else { return }
        rmdir(FileSystem.join(configuration.runsFolder.description, id))
    }

    func listRuns(_ request: Request) async throws -> Response {
        let query = try QueryReader(request.uri.queryParameters, known: RunFilter.parameters)
        var filter = try RunFilter(query)
        filter.cursor = try await RunFilter.cursor(query, index: store.runs)
        let page = try await store.runs.page(filter)
        let state = await scheduler.snapshot()
        let next = page.count == filter.limit ? page.last?.id : nil
        // `{"next_cursor": ..., "runs": [...]}`, keys in the order the JSON writer sorts them, each summary written
        // by it (or reused from the cache when its run has not changed).
        var body = Array(#"{"next_cursor":"#.utf8)
        body += (next.map(JSONValue.string) ?? .null).serialized().utf8
        body += #","runs":["#.utf8
        for (index, entry) in page.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            let shown = shown(entry, active: state.active)
            let position = state.positions[entry.id]
            body += summaries.bytes(shown, position: position) { Views.runSummary(shown, position: position) }
        }
        body += "]}\n".utf8
        return JSONResponse.make(bytes: body)
    }

    /// An index entry as listed, with a run that died under a crash shown as interrupted.
    func summary(_ entry: RunEntry) async -> JSONValue {
        let state = await scheduler.snapshot()
        return summary(entry, active: state.active, positions: state.positions)
    }

    func summary(_ entry: RunEntry, active: Set<String>, positions: [String: Int]) -> JSONValue {
        Views.runSummary(shown(entry, active: active), position: positions[entry.id])
    }

    /// The entry as listed: a run the index says is running, which no process runs, crashed.
    func shown(_ entry: RunEntry, active: Set<String>) -> RunEntry {
        var shown = entry
        if entry.status == .running, !active.contains(entry.id), runs.isCrashed(entry.id) {
            shown.status = .interrupted
            shown.crashed = true
        }
        return shown
    }

    func record(_ id: String) throws -> RunRecord {
        guard Names.isRunID(id), let record = runs.record(id) else {
            throw APIError.notFound("no run `\(id.prefix(128))`")
        }
        return record
    }

    /// What `GET /v1/runs/{id}?include=` adds: the graph is read from the run's plan.json, which a big crew makes
    /// large, so only a caller that draws it asks for it.
    enum RunInclude: String, CaseIterable { case graph }

    func run(_ id: String, request: Request) async throws -> Response {
        let query = try QueryReader(request.uri.queryParameters, known: ["include"])
        let graph = try query.choice("include", RunInclude.self) == .graph
        guard Names.isRunID(id) else { throw APIError.notFound("no run `\(id.prefix(128))`") }
        if let record = runs.record(id) {
            let state = await scheduler.snapshot()
            let active = state.active.contains(id)
            var detail = Views.runDetail(
                record, crashed: !active && runs.isCrashed(id, run: record), store: runs, active: active,
                graph: graph)
            if let position = state.positions[id] {
                detail = detail.merging(["status": .string("queued"), "queue_position": .int(position)])
            }
            return JSONResponse.make(detail)
        }
        guard let entry = try await store.runs.entry(id) else { throw APIError.notFound("no run `\(id)`") }
        return JSONResponse.make(await summary(entry))
    }

    func task(_ id: String, _ task: String) throws -> Response {
        let record = try record(id)
        guard record.tasks.contains(task) else {
            throw APIError.notFound("run `\(id)` has no task `\(task.prefix(128))`")
        }
        return JSONResponse.make(Views.taskDetail(runID: id, task: task, store: runs))
    }

    func cancel(_ id: String) async throws -> Response {
        guard Names.isRunID(id), try await store.runs.entry(id) != nil || runs.record(id) != nil else {
            throw APIError.notFound("no run `\(id.prefix(128))`")
        }
        switch try await scheduler.cancel(id) {
        case .cancelling:
            return JSONResponse.make(.object(["id": .string(id), "status": .string("cancelling")]), status: .accepted)
        case .dequeued:
            return JSONResponse.make(
                .object(["id": .string(id), "status": .string(IndexedStatus.interrupted.rawValue)]), status: .accepted)
        case .notHere:
            throw APIError(.conflict, .conflict, "run `\(id)` is not running or queued in this server")
        }
    }

    func resume(_ id: String, context: CrewContext) async throws -> Response {
        let record = try record(id)
        guard await !scheduler.isActive(id), await scheduler.position(id) == nil else {
            throw APIError(.conflict, .conflict, "run `\(id)` is running or queued")
        }
        guard record.status != .succeeded else {
            throw APIError.from(CrewFailure(.r507, "run `\(id)` already succeeded; there is nothing to resume"))
        }
        guard let entry = await catalog.entry(crewName: record.crew), entry.runnable != nil else {
            throw APIError(.unprocessableContent, .invalidCrew, "no crew of this server is named `\(record.crew)`")
        }
        let admission = try await scheduler.submit(
            id: id,
            RunRequest(
                kind: .resume, crewFolder: entry.name, inputs: record.inputs, webhook: nil,
                requestedBy: context.identity?.actor))
        var members: [String: JSONValue] = ["id": .string(id), "status": .string(IndexedStatus.running.rawValue)]
        if case .queued(let position) = admission {
            members["status"] = .string(IndexedStatus.queued.rawValue)
            members["queue_position"] = .int(position)
        }
        return JSONResponse.make(.object(members), status: .accepted, headers: [.location: "/v1/runs/\(id)"])
    }

    func events(_ id: String, request: Request) async throws -> Response {
        _ = try record(id)
        let lastID = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int($0) } ?? 0
        guard lastID >= 0 else { throw APIError(.badRequest, .badRequest, "Last-Event-ID must be a line number") }
        let scheduler = scheduler
        return try EventStream.response(
            runs: configuration.runsFolder, runID: id, after: lastID, pulse: await scheduler.pulse(id)
        ) {
            await scheduler.isActive(id)
        }
    }

    // MARK: analytics, tokens, audit

    func analytics(_ report: Analytics.Report, _ request: Request) async throws -> Response {
        let query = try QueryReader(request.uri.queryParameters, known: ["since", "until", "format"])
        let until = try query.time("until") ?? Date()
        let since = try query.time("since") ?? until.addingTimeInterval(-30 * 86_400)
        guard since < until else { throw APIError(.badRequest, .badRequest, "`since` must be before `until`") }
        // A report reads the rows it counts: runs for the summary and crews, tasks for models and tasks.
        let byRun = report == .summary || report == .crews
        let groups = Analytics.groups(
            report, runs: byRun ? try await store.runs.runs(since: since, until: until) : [],
            tasks: byRun ? [] : try await store.runs.tasks(since: since, until: until))
        if try query.choice("format", Analytics.Format.self) == .csv {
            return Self.text(Analytics.csv(groups), type: "text/csv; charset=utf-8")
        }
        return JSONResponse.make(Analytics.json(report, groups, since: since, until: until))
    }

    func listTokens() async throws -> Response {
        let tokens = try await store.tokens.list()
        return JSONResponse.make(.object(["tokens": .array(tokens.map(Views.token))]))
    }

    func createToken(_ request: Request) async throws -> Response {
        let body = try await RequestReader.object(
            request, limit: configuration.maxBodyBytes, known: ["name", "role", "expires_in_seconds"])
        guard let name = body["name"]?.stringValue else {
            throw APIError(.unprocessableContent, .invalidInput, "`name` is required: a string")
        }
        guard let role = body["role"]?.stringValue.flatMap(Role.init(rawValue:)) else {
            throw APIError(.unprocessableContent, .invalidInput, "`role` must be viewer, runner or admin")
        }
        var expires: Double?
        if let value = body["expires_in_seconds"], value != .null {
            guard let seconds = value.doubleValue, seconds > 0, seconds <= 3_650 * 86_400 else {
                throw APIError(
                    .unprocessableContent, .invalidInput, "`expires_in_seconds` must be a positive number of seconds")
            }
            expires = seconds
        }
        do {
            let (token, info) = try await store.tokens.create(name: name, role: role, expiresIn: expires)
            return JSONResponse.make(Views.token(info).merging(["token": .string(token)]), status: .created)
        } catch let problem as TokenStore.Problem {
            throw APIError(.conflict, .conflict, problem.message)
        }
    }

    func revokeToken(_ name: String) async throws -> Response {
        guard name.utf8.count <= 128, try await store.tokens.revoke(name) else {
            throw APIError.notFound("no live token `\(name.prefix(128))`")
        }
        return JSONResponse.make(.object(["revoked": .string(name)]))
    }

    func auditLog(_ request: Request) async throws -> Response {
        let query = try QueryReader(request.uri.queryParameters, known: ["limit", "cursor"])
        let limit = try query.integer("limit", in: 1...500) ?? 50
        let cursor = query.text("cursor")
        if let cursor, !AuditLog.isID(cursor) {
            throw APIError(.badRequest, .badRequest, "`cursor` is not an audit entry id")
        }
        let entries = try await store.audit.page(limit: limit, cursor: cursor)
        let next = entries.count == limit ? entries.last?.id : nil
        return JSONResponse.make(
            .object([
                "entries": .array(entries.map(Views.audit)), "next_cursor": next.map(JSONValue.string) ?? .null,
            ]))
    }
}
