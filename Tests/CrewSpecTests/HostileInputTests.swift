import CrewBuild
import CrewCore
import CrewSpec
import CrewTestSupport
import Foundation
import Testing

/// Hostile input must end in a diagnostic, never a crash or a hang.
@Suite struct HostileInputTests {
    func codes(_ path: String) -> [String] {
        CrewLoader().load(path: path).diagnostics.items.map(\.code)
    }

    @Test func oversizedFileIsRefusedWithoutReadingIt() throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/crew.yaml"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 100 << 20)  // sparse: 100 MiB on paper, nothing on disk
        try handle.close()
        #expect(codes(path) == ["E103"])
    }

    @Test func aliasBombStopsAtTheNodeBudget() {
        let folder = TemporaryFolder()
        var text = "version: 1\nname: bomb\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i", "j"] {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        #expect(codes(folder.write("crew.yaml", text)) == ["E105"])
    }

    @Test(arguments: [10_000, 100_000])
    func deepFlowNestingIsRefused(depth: Int) {
        let folder = TemporaryFolder()
        let text =
            "version: 1\nname: deep\nx: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(codes(folder.write("crew.yaml", text)) == ["E105"])
    }

    @Test func deepBlockNestingIsRefused() {
        let folder = TemporaryFolder()
        var text = "version: 1\nname: deep\n"
        for level in 0..<300 { text += String(repeating: " ", count: level) + "k\(level):\n" }
        #expect(codes(folder.write("crew.yaml", text)) == ["E105"])
    }

    @Test func deepSequenceDashesAreRefused() {
        let folder = TemporaryFolder()
        let text = "version: 1\nname: deep\nx:\n  " + String(repeating: "- ", count: 5000) + "end\n"
        #expect(codes(folder.write("crew.yaml", text)) == ["E105"])
    }

    @Test func randomBinaryIsRefused() {
        let folder = TemporaryFolder()
        var rng = SplitMix64(seed: 7)
        let bytes = (0..<65_536).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        folder.write("crew.yaml", data: Data(bytes))
        #expect(codes(folder.path + "/crew.yaml") == ["E104"])
    }

    @Test func invalidUTF8IsLocated() {
        let folder = TemporaryFolder()
        folder.write("crew.yaml", data: Data("version: 1\nname: x\ndescription: caf".utf8) + Data([0xE9, 0x0A]))
        let diagnostics = CrewLoader().load(path: folder.path + "/crew.yaml").diagnostics.items
        #expect(diagnostics.map(\.code) == ["E104"])
        #expect(diagnostics.first?.location?.line == 3)
        #expect(diagnostics.first?.location?.column == 17)
    }

    @Test func byteOrderMarkIsAccepted() {
        let folder = TemporaryFolder()
        let crew =
            "version: 1\nname: bom\nmodels:\n  m: { provider: mock }\nagents:\n  a: { role: R, goal: G }\n"
            + "tasks:\n  t: { agent: a, description: D }\n"
        folder.write("crew.yaml", data: Data([0xEF, 0xBB, 0xBF]) + Data(crew.utf8))
        #expect(codes(folder.path + "/crew.yaml").isEmpty)
    }

    @Test func symlinkOutOfTheFolderIsRefused() throws {
        let folder = TemporaryFolder()
        let outside = TemporaryFolder()
        outside.write("secret.md", "# not yours\n")
        try FileManager.default.createDirectory(atPath: folder.path + "/docs", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: folder.path + "/docs/leak.md", withDestinationPath: outside.path + "/secret.md")
        let crew = """
            version: 1
            name: links
            models: { m: { provider: mock } }
            knowledge: { kb: { sources: ["docs/*.md"] } }
            agents: { a: { role: R, goal: G, knowledge: [kb] } }
            tasks: { t: { agent: a, description: D } }
            """
        let path = folder.write("crew.yaml", crew)
        let result = Compiler.compile(path: path)
        #expect(result.diagnostics.items.map(\.code) == ["E207"])
    }
}
