import CrewCore
import CrewTestSupport
import Foundation
import Testing

/// `crew build` with knowledge, `crew query`, and `knowledge_context: auto` in a run — all with the mock provider and
/// mock embedder, so nothing leaves the machine.
@Suite struct QueryCommandTests {
    let cli = CLITests()

    func knowledgeCrew() -> TemporaryFolder {
        let folder = TemporaryFolder(prefix: "crew-query")
        folder.write(
            "docs/tides.md",
            "# Tides\n\nTides are caused by the moon's gravity pulling on the oceans.\n\n## Spring tides\n\nSpring tides happen at new and full moon, when sun and moon align.\n"
        )
        folder.write(
            "docs/volcanoes.md",
            "# Volcanoes\n\nA volcano erupts when magma rises through the crust.\n\n## Lava\n\nLava is magma that reaches the surface.\n"
        )
        folder.write(
            "crew.yaml",
            """
            version: 1
            name: knows
            models: { m: { provider: mock } }
            embedders: { e: { provider: mock, model: hashed, dimensions: 64 } }
            knowledge:
              notes: { sources: ["docs/*.md"], embedder: e, chunk: { size: 60, overlap: 10 } }
            agents:
              a: { role: Explainer, goal: Explain, knowledge: [notes], knowledge_context: auto }
            tasks:
              explain: { agent: a, description: "Why do spring tides happen at full moon?" }
            """)
        return folder
    }

    @Test func buildQueryAndBatch() async throws {
        let folder = knowledgeCrew()
        let built = try await cli.crew(["build", folder.path])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.contains("knowledge `notes`: 2 documents"))
        for file in ["notes.chunks", "notes.bm25", "notes.vectors"] {
            #expect(FileManager.default.fileExists(atPath: folder.path + "/.crew/build/indexes/" + file))
        }
        let manifest = try String(contentsOfFile: folder.path + "/.crew/build/manifest.json", encoding: .utf8)
        #expect(manifest.contains("indexes/notes.bm25"))
        for mode in ["bm25", "vector", "hybrid"] {
            let out = try await cli.crew([
                "query", folder.path + "/.crew/build", "notes", "spring tides full moon", "-k", "2", "--mode", mode,
            ])
            #expect(out.status == 0, "\(out.stderr)")
            #expect(out.stdout.hasPrefix(" 1. "), "\(mode): \(out.stdout)")
            #expect(out.stdout.contains("docs/tides.md"), "\(mode)")
        }
        let json = try await cli.crew(["query", folder.path, "notes", "lava magma", "--json"])
        let hits = try JSONParser.parse(json.stdout).arrayValue ?? []
        #expect(hits.first?["source"]?.stringValue == "docs/volcanoes.md")
        #expect(hits.first?["heading"]?.arrayValue?.last?.stringValue == "Lava")
        folder.write("queries.txt", "tides moon\nlava\n")
        let batch = try await cli.crew(["query", folder.path, "notes", "--batch", folder.path + "/queries.txt"])
        #expect(batch.stdout.split(separator: "\n").count == 2)
        #expect(try await cli.crew(["query", folder.path, "nope", "x"]).status == 1)
    }

    /// A base built without an embedder answers a hybrid query with BM25 and says so; a query nothing matches says
    /// that too, instead of printing nothing.
    @Test func batchLinesCarryTheFieldsAskedForAndCutText() async throws {
        let folder = knowledgeCrew()
        folder.write("queries.txt", "tides moon\nlava\n\nspring\n")
        let batch = try await cli.crew([
            "query", folder.path, "notes", "--batch", folder.path + "/queries.txt", "--fields", "id, source,text",
            "--snippet", "12", "-k", "3",
        ])
        #expect(batch.status == 0, "\(batch.stderr)")
        let lines = try batch.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(lines.map { $0["query"]?.stringValue } == ["tides moon", "lava", "spring"])
        // Lines are written without building JSON values: they must still be what the serializer writes.
        let everything = try await cli.crew([
            "query", folder.path, "notes", "--batch", folder.path + "/queries.txt", "--snippet", "30",
        ])
        for raw in (batch.stdout + everything.stdout).split(separator: "\n") {
            #expect(try JSONParser.parse(String(raw)).serialized() == String(raw))
        }
        #expect(everything.stdout.contains(#""cut":true"#) && everything.stdout.contains(#""heading":["#))
        for hit in lines.flatMap({ $0["hits"]?.arrayValue ?? [] }) {
            let keys = Set(hit.objectValue?.keys.map { $0 } ?? [])
            #expect(
                keys.isSubset(of: ["id", "source", "text", "cut"]) && keys.isSuperset(of: ["id", "source", "text"]))
            let text = hit["text"]?.stringValue ?? ""
            #expect(text.count <= 12)
            #expect((hit["cut"] == .bool(true)) == (text.count == 12), "\(hit)")
        }
        let whole = try await cli.crew(["query", folder.path, "notes", "lava", "--json", "--snippet", "0"])
        let first = try JSONParser.parse(whole.stdout).arrayValue?.first
        #expect(first?["text"] == .string("") && first?["cut"] == .bool(true) && first?["rank"] == .int(1))
        for (flags, message) in [
            (["--fields", "id,body"], "unknown hit field `body`"), (["--fields", ","], "at least one field"),
            (["--snippet=-1"], "--snippet must be 0 or more"),
        ] {
            let refused = try await cli.crew(["query", folder.path, "notes", "lava"] + flags)
            #expect(refused.status == 2 && refused.stderr.contains(message), "\(flags): \(refused.stderr)")
        }
    }

    @Test func saysWhenHybridFallsBackAndWhenNothingMatched() async throws {
        let folder = knowledgeCrew()
        let text = try String(contentsOfFile: folder.path + "/crew.yaml", encoding: .utf8)
        try text.replacingOccurrences(of: ", embedder: e", with: "")
            .replacingOccurrences(of: "embedders: { e: { provider: mock, model: hashed, dimensions: 64 } }\n", with: "")
            .write(toFile: folder.path + "/crew.yaml", atomically: true, encoding: .utf8)
        let hybrid = try await cli.crew(["query", folder.path, "notes", "spring tides", "--mode", "hybrid"])
        #expect(hybrid.status == 0, "\(hybrid.stderr)")
        #expect(hybrid.stderr.contains("has no vectors") && hybrid.stderr.contains("BM25"), "\(hybrid.stderr)")
        #expect(hybrid.stdout.hasPrefix(" 1. "))
        let none = try await cli.crew(["query", folder.path, "notes", "zyxxyq quarkle"])
        #expect(none.status == 0)
        #expect(none.stdout.hasPrefix("no passage of `notes` matched"), "\(none.stdout)")
        let plain = try await cli.crew(["query", folder.path, "notes", "spring tides"])
        #expect(!plain.stderr.contains("has no vectors"))  // no mode asked: nothing fell back
    }

    @Test func knowledgeContextReachesThePromptAndTheRecord() async throws {
        let folder = knowledgeCrew()
        let run = try await cli.crew(["run", folder.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let runs = folder.path + "/.crew/runs"
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs).first)
        let messages = Record.messages(runs, id, "explain")
        #expect(messages.contains("# Knowledge"))
        #expect(messages.contains("docs/tides.md"))
        let events = try String(contentsOfFile: runs + "/" + id + "/events.jsonl", encoding: .utf8)
        #expect(events.contains("\"type\":\"knowledge_hits\""))
        let dry = try await cli.crew(["run", folder.path, "--dry-run"])
        #expect(dry.stdout.contains("# Knowledge") && dry.stdout.contains("## docs/tides.md:"))
    }
}
