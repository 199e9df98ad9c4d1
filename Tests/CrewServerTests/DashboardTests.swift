import AsyncHTTPClient
import CrewCore
import CrewServer
import CrewTestSupport
import Foundation
import NIOHTTP1
import Testing

/// The dashboard as the server delivers it: its files from the binary, with a page policy that forbids inline
/// script; and the API it adds for the editor: a crew file read with its ETag, saved only over what was read, and
/// drafts checked in the crew's folder.
@Suite struct DashboardTests {
    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    @Test func theServedFilesAreTheDashboardFolderWithAStrictPolicy() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let folder = Self.repository + "/Dashboard"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names.contains("index.html") && names.contains("app.js"))
        for name in names {
            let file = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            let served = try await server.request(.GET, name == "index.html" ? "/" : "/ui/\(name)")
            #expect(served.status == 200 && served.body == file, "\(name) differs: run scripts/embed.py")
            let policy = try #require(served.header("Content-Security-Policy"))
            #expect(policy.contains("script-src 'self'") && policy.contains("default-src 'none'"))
            #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
            #expect(served.header("X-Content-Type-Options") == "nosniff")
            let tag = try #require(served.header("ETag"))
            let again = try await server.request(.GET, "/ui/\(name)", headers: [("If-None-Match", tag)])
            #expect(again.status == 304 && again.body.isEmpty)
        }
        #expect(
            try await server.request(.GET, "/ui/app.js").header("Content-Type")?.hasPrefix("text/javascript") == true)
        for missing in ["/ui/nope.js", "/ui/..%2Fcrew.yaml", "/ui/", "/ui/index.html/x"] {
            #expect(try await server.request(.GET, missing).status == 404, "\(missing)")
        }
        // The API keeps its own policy, which loads nothing.
        #expect(
            try await server.request(.GET, "/v1/crews").header("Content-Security-Policy")
                == "default-src 'none'; frame-ancestors 'none'; base-uri 'none'")
        // No page script or style is inline.
        let page = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
        #expect(!page.contains("<script>") && !page.contains(" style=") && !page.contains(" onclick"))
    }

    @Test func theSessionSaysWhoTheCallerIs() async throws {
        let made = LockedTokens()
        let server = try await ServerHarness.start(tokens: { tokens in
            made.set("runner", try await tokens.create(name: "ci", role: .runner).token)
        })
        defer { Task { await server.stop() } }
        let me = try await server.request(
            .GET, "/v1/session", headers: [("Authorization", "Bearer " + made.get("runner"))])
        #expect(
            me.status == 200 && me.json?["actor"]?.stringValue == "token:ci"
                && me.json?["role"]?.stringValue == "runner")
        #expect(try await server.request(.GET, "/v1/session").status == 401)
    }

    @Test func aRunsGraphComesOnlyWhenAskedFor() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let id = try await server.finishedEchoRun()
        #expect(try await server.request(.GET, "/v1/runs/\(id)").json?["graph"] == nil)
        let graph = try await server.request(.GET, "/v1/runs/\(id)?include=graph").json?["graph"]
        #expect(graph?["waves"] == .array([.strings(["first"]), .strings(["second"])]))
        #expect(graph?["edges"] == .array([.strings(["first", "second"])]))
        #expect(try await server.request(.GET, "/v1/runs/\(id)?include=plan").status == 400)
    }

    @Test func aCrewFileIsSavedOnlyOverTheVersionItsEditorRead() async throws {
        let made = LockedTokens()
        let server = try await ServerHarness.start(tokens: { tokens in
            made.set("admin", try await tokens.create(name: "root", role: .admin).token)
            made.set("viewer", try await tokens.create(name: "eyes", role: .viewer).token)
        })
        defer { Task { await server.stop() } }
        let admin = [("Authorization", "Bearer " + made.get("admin"))]
        let viewer = [("Authorization", "Bearer " + made.get("viewer"))]
        let path = server.folder.path + "/crews/echo/crew.yaml"

        let read = try await server.request(.GET, "/v1/crews/echo/file", headers: viewer)
        #expect(read.status == 200 && read.body == ServerHarness.mockCrew)
        let tag = try #require(read.header("ETag"))
        let edited = ServerHarness.mockCrew.replacingOccurrences(of: "Summarize", with: "Summarize briefly")

        // A viewer may read but not save; a save needs If-Match, and the ETag of the file as it is now.
        #expect(
            try await server.request(
                .PUT, "/v1/crews/echo/file", body: edited, headers: viewer + [("If-Match", tag)],
                contentType: "application/yaml"
            ).status == 403)
        #expect(
            try await server.request(
                .PUT, "/v1/crews/echo/file", body: edited, headers: admin, contentType: "application/yaml"
            )
            .status == 428)
        let saved = try await server.request(
            .PUT, "/v1/crews/echo/file", body: edited, headers: admin + [("If-Match", tag)],
            contentType: "application/yaml")
        #expect(saved.status == 200 && saved.json?["status"]?.stringValue == "ready", "\(saved.body.prefix(300))")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == edited)
        let newTag = try #require(saved.header("ETag"))
        #expect(newTag != tag)
        // Two editors saving from the same version at once: one wins, the other is told, nothing is lost silently.
        let raced = try await withThrowingTaskGroup(of: Int.self) { group in
            for word in ["alpha", "beta"] {
                group.addTask {
                    try await server.request(
                        .PUT, "/v1/crews/echo/file", body: edited + "# \(word)\n",
                        headers: admin + [("If-Match", newTag)],
                        contentType: "application/yaml"
                    ).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }.sorted()
        }
        #expect(raced == [200, 412])
        let winner = try await server.request(.GET, "/v1/crews/echo/file", headers: admin)
        let latest = try #require(winner.header("ETag"))
        #expect(winner.body == edited + "# alpha\n" || winner.body == edited + "# beta\n")
        // A second editor still holding the first version is refused, and the file is kept.
        let stale = try await server.request(
            .PUT, "/v1/crews/echo/file", body: "version: 1\n", headers: admin + [("If-Match", tag)],
            contentType: "application/yaml")
        #expect(stale.status == 412 && stale.json?["error"]?["code"]?.stringValue == "precondition_failed")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == winner.body)
        // An invalid file is saved (as a commit would be) and the crew is listed invalid with its diagnostics.
        let broken = try await server.request(
            .PUT, "/v1/crews/echo/file", body: "version: 1\nname: echo\nagents: 3\n",
            headers: admin + [("If-Match", latest)],
            contentType: "application/yaml")
        #expect(broken.status == 200 && broken.json?["status"]?.stringValue == "invalid")
        let audit = try await server.request(.GET, "/v1/audit", headers: admin).json?["entries"]?.arrayValue ?? []
        #expect(audit.filter { $0["action"]?.stringValue == "PUT /v1/crews/{name}/file" }.count >= 3)
        #expect(try await server.request(.GET, "/v1/crews/nope/file", headers: admin).status == 404)
    }

    @Test func aLinkedCrewFileIsNeitherReadNorReplaced() async throws {
        let made = LockedTokens()
        let server = try await ServerHarness.start(tokens: { tokens in
            made.set("admin", try await tokens.create(name: "root", role: .admin).token)
        })
        defer { Task { await server.stop() } }
        let admin = [("Authorization", "Bearer " + made.get("admin"))]
        let outside = server.folder.write("outside/crew.yaml", ServerHarness.mockCrew)
        let crewFile = server.folder.path + "/crews/echo/crew.yaml"
        try FileManager.default.removeItem(atPath: crewFile)
        try FileManager.default.createSymbolicLink(atPath: crewFile, withDestinationPath: outside)
        let read = try await server.request(.GET, "/v1/crews/echo/file", headers: admin)
        #expect(read.status == 409 && !read.body.contains(server.folder.path), "\(read.body)")
        let write = try await server.request(
            .PUT, "/v1/crews/echo/file", body: "version: 1\n", headers: admin + [("If-Match", "\"x\"")],
            contentType: "application/yaml")
        #expect(write.status == 409)
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == ServerHarness.mockCrew)
    }

    @Test func aDraftIsCheckedInItsCrewsFolderAndLeavesNothingBehind() async throws {
        let crew = """
            version: 1
            name: notes
            models:
              m: { provider: mock }
            knowledge:
              notes: { sources: [docs/a.md] }
            agents:
              a: { role: r, goal: g, model: m, knowledge: [notes] }
            tasks:
              t: { agent: a, description: d }

            """
        let server = try await ServerHarness.start(crews: ["notes": crew])
        defer { Task { await server.stop() } }
        server.folder.write("crews/notes/docs/a.md", "# A\n\nSome notes.\n")
        _ = try await server.request(.POST, "/v1/crews/reload")
        let inFolder = try await server.request(
            .POST, "/v1/validate?crew=notes", body: crew, contentType: "application/yaml")
        #expect(inFolder.json?["valid"] == .bool(true), "\(inFolder.body.prefix(400))")
        let alone = try await server.request(.POST, "/v1/validate", body: crew, contentType: "application/yaml")
        #expect(alone.json?["valid"] == .bool(false))
        let broken = try await server.request(
            .POST, "/v1/validate?crew=notes", body: "version: 1\nname: notes\nagents: 3\n",
            contentType: "application/yaml")
        let first = broken.json?["diagnostics"]?["diagnostics"]?.arrayValue?.first
        #expect(first?["line"] == .int(3) && first?["file"]?.stringValue == "crew.yaml")
        #expect(!broken.body.contains(server.folder.path) && !broken.body.contains("crew-draft"))
        let left = try FileManager.default.contentsOfDirectory(atPath: server.folder.path + "/crews/notes")
        #expect(Set(left) == ["crew.yaml", "docs"] || Set(left) == ["crew.yaml", "docs", ".crew"], "\(left)")
        #expect(try await server.request(.POST, "/v1/validate?crew=nope", body: crew).status == 404)
        #expect(try await server.request(.POST, "/v1/validate?crew=notes&x=1", body: crew).status == 400)
    }
}
