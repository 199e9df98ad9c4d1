import CrewCore
import CrewTestSupport
import Foundation
import Testing

/// A build artifact is read back through its manifest: a plan or an index that differs from what was built, an index
/// the manifest does not list, a link or a FIFO in place of a file, all stop `crew query` and `crew run` before use.
@Suite struct ArtifactCheckTests {
    let cli = CLITests()

    /// A crew with a knowledge base (BM25 only, no embedder), built into `<folder>/dist`.
    func built() async throws -> TemporaryFolder {
        let folder = TemporaryFolder(prefix: "crew-artifact-check")
        folder.write("crew/notes/tides.md", "# Tides\n\nSpring tides follow the new and full moon.\n")
        folder.write(
            "crew/crew.yaml",
            """
            version: 1
            name: checked
            models: { m: { provider: mock } }
            knowledge: { notes: { sources: ["notes/*.md"] } }
            agents: { a: { role: R, goal: G, knowledge: [notes], knowledge_context: auto } }
            tasks: { t: { agent: a, description: "What are spring tides?" } }
            """)
        let build = try await cli.crew(["build", folder.path + "/crew", "-o", folder.path + "/dist"])
        #expect(build.status == 0, "\(build.stderr)")
        return folder
    }

    func query(_ folder: TemporaryFolder) async throws -> CLITests.Output {
        try await cli.crew(["query", folder.path + "/dist", "notes", "spring tides"])
    }

    @Test func anIntactArtifactIsUsed() async throws {
        let folder = try await built()
        let output = try await query(folder)
        #expect(output.status == 0 && output.stdout.contains("Spring tides"), "\(output.stderr)")
    }

    @Test func anEditedIndexIsRefused() async throws {
        let folder = try await built()
        let index = folder.path + "/dist/indexes/notes.chunks"
        var bytes = try #require(FileManager.default.contents(atPath: index))
        bytes[bytes.count - 1] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: index))
        let output = try await query(folder)
        #expect(output.status == 1)
        #expect(output.stderr.contains("indexes/notes.chunks` does not match its manifest"))
        let run = try await cli.crew(["run", folder.path + "/dist"])
        #expect(run.status == 1 && run.stderr.contains("does not match its manifest"))
    }

    @Test func anIndexTheManifestDoesNotListIsRefused() async throws {
        let folder = try await built()
        try FileManager.default.copyItem(
            atPath: folder.path + "/dist/indexes/notes.bm25", toPath: folder.path + "/dist/indexes/notes.vectors")
        let output = try await query(folder)
        #expect(output.status == 1 && output.stderr.contains("is not in its manifest"), "\(output.stderr)")
    }

    @Test func aLinkOrAFIFOInPlaceOfAnIndexIsRefusedWithoutWaiting() async throws {
        let folder = try await built()
        let index = folder.path + "/dist/indexes/notes.bm25"
        let copy = folder.path + "/elsewhere.bm25"
        try FileManager.default.moveItem(atPath: index, toPath: copy)
        try FileManager.default.createSymbolicLink(atPath: index, withDestinationPath: copy)
        let linked = try await query(folder)
        #expect(linked.status == 1 && linked.stderr.contains("symbolic link"), "\(linked.stderr)")
        try FileManager.default.removeItem(atPath: index)
        #expect(mkfifo(index, 0o644) == 0)
        let fifo = try await query(folder)
        #expect(fifo.status == 1 && fifo.stderr.contains("fifo, not a regular file"), "\(fifo.stderr)")
    }
}
