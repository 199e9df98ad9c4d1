import CrewCore
import CrewDocuments
import CrewKit
import CrewRuntime
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension CrewServer {
    var store: RunStore { RunStore(configuration.runsFolder) }

    func listCrews() async throws -> Response {
        let entries = await catalog.entries.values.sorted { $0.name < $1.name }
        return JSONResponse.make(.object(["crews": .array(entries.map(Views.crewSummary))]))
    }

    func reload() async throws -> Response {
        await catalog.reload()
        return try await listCrews()
    }

    func crew(_ name: String) async throws -> Response {
        guard Names.isValid(name), let entry = await catalog.entry(name) else {
            throw APIError.notFound("no crew `\(name.prefix(128))`")
        }
        return JSONResponse.make(Views.crewDetail(entry))
    }

    func startRun(_ name: String, request: Request, context: BasicRequestContext) async throws -> Response {
        guard Names.isValid(name), let entry = await catalog.entry(name) else {
            throw APIError.notFound("no crew `\(name.prefix(128))`")
        }
        guard let runnable = entry.runnable else {
            throw APIError(
                .unprocessableContent, .invalidCrew, entry.failure ?? "crew `\(name)` has errors",
                details: .object(["diagnostics": Views.diagnostics(entry.compiled)]))
        }
        let body = try await RequestReader.object(request, limit: configuration.maxBodyBytes, known: ["inputs"])
        let inputs = try RequestReader.inputs(body["inputs"])
        var options = RunOptions()
        options.runsFolder = configuration.runsFolder
        options.outputFolder = configuration.outputFolder(crew: name)
        let handle = try engine.start(runnable, inputs: inputs, options: options)
        await active.add(handle)
        return JSONResponse.make(
            .object(["id": .string(handle.runID), "status": .string(RunStatus.running.rawValue), "crew": .string(name)]
            ),
            status: .accepted, headers: [.location: "/v1/runs/\(handle.runID)"])
    }

    func listRuns(_ request: Request) async throws -> Response {
        let query = try RunQuery(request.uri.queryParameters)
        var page: [JSONValue] = []
        var next: String?
        for listing in engine.runs(in: configuration.runsFolder) where query.matches(listing) {
            if page.count == query.limit {
                next = page.last?["id"]?.stringValue
                break
            }
            page.append(Views.runSummary(listing.record, crashed: listing.crashed))
        }
        return JSONResponse.make(
            .object(dropping: [("runs", .array(page)), ("next_cursor", next.map(JSONValue.string))]))
    }

    func record(_ id: String) throws -> RunRecord {
        guard Names.isRunID(id), let record = store.record(id) else {
            throw APIError.notFound("no run `\(id.prefix(128))`")
        }
        return record
    }

    func run(_ id: String) async throws -> Response {
        let record = try record(id)
        let active = await active.handle(id) != nil
        return JSONResponse.make(
            Views.runDetail(record, crashed: !active && store.isCrashed(id, run: record), store: store, active: active))
    }

    func task(_ id: String, _ task: String) throws -> Response {
        let record = try record(id)
        guard record.tasks.contains(task) else {
            throw APIError.notFound("run `\(id)` has no task `\(task.prefix(128))`")
        }
        return JSONResponse.make(Views.taskDetail(runID: id, task: task, store: store))
    }

    func cancel(_ id: String) async throws -> Response {
        _ = try record(id)
        guard let handle = await active.handle(id) else {
            throw APIError(.conflict, .conflict, "run `\(id)` is not running in this server")
        }
        handle.cancel()
        return JSONResponse.make(.object(["id": .string(id), "status": .string("cancelling")]), status: .accepted)
    }

    func resume(_ id: String) async throws -> Response {
        let record = try record(id)
        guard await active.handle(id) == nil else { throw APIError(.conflict, .conflict, "run `\(id)` is running") }
        guard let runnable = await catalog.entry(crewName: record.crew)?.runnable else {
            throw APIError(.unprocessableContent, .invalidCrew, "no crew of this server is named `\(record.crew)`")
        }
        var options = RunOptions()
        options.runsFolder = configuration.runsFolder
        let folder = await catalog.entry(crewName: record.crew)?.name ?? record.crew
        options.outputFolder = configuration.outputFolder(crew: folder)
        let handle = try engine.resume(runID: id, of: runnable, options: options)
        await active.add(handle)
        return JSONResponse.make(
            .object(["id": .string(id), "status": .string(RunStatus.running.rawValue)]), status: .accepted,
            headers: [.location: "/v1/runs/\(id)"])
    }

    func events(_ id: String, request: Request) async throws -> Response {
        _ = try record(id)
        let lastID = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int($0) } ?? 0
        guard lastID >= 0 else { throw APIError(.badRequest, .badRequest, "Last-Event-ID must be a line number") }
        let registry = active
        return try EventStream.response(runs: configuration.runsFolder, runID: id, after: lastID) {
            await registry.handle(id) != nil
        }
    }
}
