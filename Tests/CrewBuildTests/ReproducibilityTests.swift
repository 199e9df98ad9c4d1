import CrewBuild
import CrewCore
import CrewSpec
import CrewTestSupport
import Foundation
import Testing

/// The same input gives the same bytes, wherever the crew lives, and no secret ever reaches an artifact.
@Suite struct ReproducibilityTests {
    func build(_ path: String, into output: String) throws -> [String: Data] {
        let result = Compiler.compile(path: path)
        let validated = try #require(result.validated)
        let plan = try #require(result.plan)
        let artifact = Artifact(validated: validated, plan: plan, inputFiles: Artifact.inputFiles(for: validated))
        try artifact.write(to: ConfinedPath(base: output))
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: output) {
            files[name] = FileManager.default.contents(atPath: output + "/" + name)
        }
        return files
    }

    func copy(_ source: String, to destination: String) throws {
        try FileManager.default.copyItem(atPath: source, toPath: destination)
    }

    @Test func buildingTwiceGivesIdenticalBytes() throws {
        let out = TemporaryFolder()
        let crew = Fixtures.root + "/valid/full-vocabulary"
        let first = try build(crew, into: out.path + "/a")
        let second = try build(crew, into: out.path + "/b")
        #expect(first == second)
        #expect(Set(first.keys) == ["manifest.json", "plan.json"])
    }

    @Test func theCrewsLocationDoesNotMatter() throws {
        let one = TemporaryFolder(prefix: "crew-one")
        let two = TemporaryFolder(prefix: "crew-two-longer-name")
        try copy(Fixtures.root + "/valid/full-vocabulary", to: one.path + "/crew")
        try copy(Fixtures.root + "/valid/full-vocabulary", to: two.path + "/nested/deeper")
        let first = try build(one.path + "/crew", into: one.path + "/out")
        let second = try build(two.path + "/nested/deeper", into: two.path + "/out")
        #expect(first == second)
        for data in first.values {
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains(one.path) && !text.contains("/tmp"), "absolute path in artifact")
        }
    }

    @Test func editingASourceChangesTheManifestOnly() throws {
        let folder = TemporaryFolder()
        try copy(Fixtures.root + "/valid/full-vocabulary", to: folder.path + "/crew")
        let before = try build(folder.path + "/crew", into: folder.path + "/out")
        folder.write("crew/docs/onboarding.md", "# Onboarding\n\nChanged.\n")
        let after = try build(folder.path + "/crew", into: folder.path + "/out")
        #expect(before["plan.json"] == after["plan.json"])
        #expect(before["manifest.json"] != after["manifest.json"])
    }

    @Test func staleFilesFromAnEarlierBuildAreRemoved() throws {
        let folder = TemporaryFolder()
        folder.write("out/manifest.json", #"{"files": {"plan.json": {}, "old-index.bin": {}}}"#)
        folder.write("out/old-index.bin", "stale")
        _ = try build(Fixtures.root + "/valid/minimal.yaml", into: folder.path + "/out")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out/old-index.bin"))
    }

    @Test func secretsNeverReachTheArtifact() throws {
        let canary = "sk-canary-\(UUID().uuidString)"
        setenv("CREW_TEST_CANARY_KEY", canary, 1)
        defer { unsetenv("CREW_TEST_CANARY_KEY") }
        let folder = TemporaryFolder()
        folder.write(
            "crew.yaml",
            """
            version: 1
            name: canary
            models:
              m: { provider: openai, model: gpt-4o-mini, api_key: "${env:CREW_TEST_CANARY_KEY}" }
            agents: { a: { role: R, goal: G } }
            tasks: { t: { agent: a, description: D } }
            """)
        let files = try build(folder.path, into: folder.path + "/out")
        for (name, data) in files {
            #expect(!String(decoding: data, as: UTF8.self).contains(canary), "\(name) holds the secret")
        }
        #expect(String(decoding: files["plan.json"]!, as: UTF8.self).contains("${env:CREW_TEST_CANARY_KEY}"))
    }

    @Test func aLiteralSecretIsNeverEchoed() {
        let folder = TemporaryFolder()
        let secret = "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX"
        folder.write(
            "crew.yaml",
            """
            version: 1
            name: leak
            models:
              m: { provider: openai, model: gpt-4o-mini, api_key: \(secret) }
            tools:
              h: { type: http, allow: ["https://x.example/*"], headers: { Authorization: "Bearer \(secret)" } }
            agents: { a: { role: R, goal: G, tools: [h] } }
            tasks: { t: { agent: a, description: D } }
            """)
        let result = Compiler.compile(path: folder.path)
        #expect(result.diagnostics.items.filter { $0.code == "E130" }.count == 2)
        let sources = result.sources
        let renderer = DiagnosticRenderer(color: true) { sources.line($0, $1) }
        for format in DiagnosticRenderer.Format.allCases {
            #expect(!renderer.render(result.diagnostics.sorted, format: format).contains("ABCDEFGHIJ"))
        }
    }
}
