import CrewBuild
import CrewCore
import CrewSpec
import CrewTestSupport
import Foundation
import Testing

/// Every input a crew controls is bounded: glob bombs, alias keys, expanded text, numbers, names, did-you-mean.
/// Each case must end in a located diagnostic, quickly; none may hang, trap or grow without bound.
@Suite struct BoundedInputTests {
    func diagnostics(_ folder: TemporaryFolder, _ crew: String) -> [Diagnostic] {
        Compiler.compile(path: folder.write("crew.yaml", crew)).diagnostics.items
    }

    static func crew(knowledge pattern: String) -> String {
        """
        version: 1
        name: globs
        models: { m: { provider: mock } }
        knowledge: { kb: { sources: ["\(pattern)"] } }
        agents: { a: { role: R, goal: G, knowledge: [kb] } }
        tasks: { t: { agent: a, description: D } }
        """
    }

    // MARK: globs (item 7)

    @Test func braceBombIsRefused() {
        let folder = TemporaryFolder()
        folder.write("notes/a.md", "# a")
        let items = diagnostics(folder, Self.crew(knowledge: String(repeating: "{a,b}", count: 26) + ".md"))
        #expect(items.map(\.code) == ["E105"])
        #expect(items.first?.message.contains("alternatives") == true)
    }

    @Test func starsAgainstALongDashedNameMatchInLinearTime() throws {
        let name = String(repeating: "-", count: 5000) + "x.md"
        #expect(!Glob.matchSegment("*-*-*-*-*-*-*-*-*-*-notes.md", name))
        #expect(Glob.matchSegment("*-*-*-*-*-*-*-*-*-*-x.md", name))
        let folder = TemporaryFolder()
        folder.write("notes/" + String(repeating: "-", count: 200) + "x.md", "# x")
        let items = diagnostics(folder, Self.crew(knowledge: "notes/*-*-*-*-*-*-*-*-notes.md"))
        #expect(items.map(\.code) == ["E208"])
    }

    @Test func manyDoubleStarsVisitEachFolderOncePerSegment() {
        let folder = TemporaryFolder()
        var deep = "d"
        for level in 0..<40 { deep += "/l\(level)" }
        folder.write(deep + "/notes.md", "# deep")
        let pattern = String(repeating: "**/", count: 8) + "x/" + String(repeating: "**/", count: 8) + "notes.md"
        #expect(diagnostics(folder, Self.crew(knowledge: pattern)).map(\.code) == ["E208"])
        let found = try? Glob(String(repeating: "**/", count: 8) + "notes.md").expand(in: folder.path)
        #expect(found?.files == [deep + "/notes.md"])
    }

    @Test func aWideTreePastTheEntryBudgetIsRefused() throws {
        let folder = TemporaryFolder()
        for i in 0..<50 {
            for j in 0..<5 { folder.write("w/\(i)/f\(j).md", "x") }
        }
        #expect(try Glob("w/**/*.md").expand(in: folder.path, maxEntries: 301).files.count == 250)
        #expect(throws: Glob.Problem.self) { try Glob("w/**/*.md").expand(in: folder.path, maxEntries: 299) }
    }

    @Test func classesAndDoubleStarsStillMatch() {
        #expect(Glob("a/**/[bc]?.md").matches("a/x/y/b1.md"))
        #expect(Glob("a/**/[!bc]?.md").matches("a/d1.md"))
        #expect(!Glob("a/**/[!bc]?.md").matches("a/b1.md"))
        #expect(Glob("**/**/**").matches("a/b/c"))
        #expect(Glob("{a,b}/{c,d}.md").matches("b/d.md"))
        #expect(Glob.matchSegment("[]x]*", "]yy"))
        #expect(Glob.matchSegment("*", ""))
        #expect(!Glob.matchSegment("?", ""))
    }

    /// A FIFO matched by a pattern is reported, never opened: opening one would wait for a writer forever.
    @Test func aFIFOAmongTheSourcesIsRefused() {
        let folder = TemporaryFolder()
        folder.write("notes/a.md", "# a")
        #expect(mkfifo(folder.path + "/notes/pipe.md", 0o644) == 0)
        let items = diagnostics(folder, Self.crew(knowledge: "notes/*.md"))
        #expect(items.map(\.code) == ["E102"])
        #expect(items.first?.message.contains("not a regular file") == true)
    }

    /// A FIFO named as the crew file itself, or as an included file, is refused without blocking.
    @Test func aFIFOAsACrewFileIsRefused() {
        let folder = TemporaryFolder()
        #expect(mkfifo(folder.path + "/crew.yaml", 0o644) == 0)
        let items = CrewLoader().load(path: folder.path + "/crew.yaml").diagnostics.items
        #expect(items.map(\.code) == ["E102"])
    }

    @Test func aLinkedSourceFolderIsRefusedEvenInsideTheCrew() throws {
        let folder = TemporaryFolder()
        folder.write("real/a.md", "# a")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/notes", withDestinationPath: "real")
        let items = diagnostics(folder, Self.crew(knowledge: "notes/*.md"))
        #expect(items.map(\.code) == ["E207"])
    }

    // MARK: YAML (items 8, 9)

    @Test(arguments: [
        "x: &l [1, 2]\n[*l, 1]: x\n", "x: &l [1]\n{[*l]: 1}: y\n", "[*l12, 1]: x\n", "? [a]\n: b\n",
        "x: &l [1]\ny:\n  - [*l,\n     *l]: z\n", "{a: 1}: b\n",
    ])
    func collectionsAndAliasesAsKeysAreRefusedBeforeTheyAreComposed(body: String) {
        let (node, items) = YAMLLoader().parse("version: 1\nname: keys\n" + body, display: "crew.yaml")
        #expect(node == nil)
        #expect(items.map(\.code) == ["E105"])
    }

    @Test func theAliasKeyBombFromTheReportEndsQuickly() {
        var text = "a0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...12 {
            text += "a\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
            text += "]\n"
        }
        text += "[*l12, 1]: x\n"
        let started = Date()
        let (node, items) = YAMLLoader().parse(text, display: "crew.yaml")
        #expect(node == nil && items.map(\.code) == ["E105"])
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func markdownReferencesInBlockScalarsAreText() {
        let text = """
            version: 1
            name: md
            notes: |
              See [the guide]: https://example.com
              *Note:* nothing here is a key.
              {a: 1}: still text
            - item: >-
                [x]: y
            """
        let (_, items) = YAMLLoader().parse(text, display: "crew.yaml")
        #expect(!items.contains { $0.code == "E105" })
    }

    @Test func aLargeScalarAliasedManyTimesIsRefused() {
        let big = String(repeating: "x", count: 1 << 20)
        var text = "version: 1\nname: wide\nbig: &b \"\(big)\"\ncopies: ["
        text += Array(repeating: "*b", count: 40).joined(separator: ", ") + "]\n"
        let (node, items) = YAMLLoader().parse(text, display: "crew.yaml")
        #expect(node == nil)
        #expect(items.first?.message.contains("MiB of text") == true)
    }

    // MARK: numbers (item 6)

    @Test(arguments: ["999999999999", "1e300", "99999999999h", "1e308s", "604801"])
    func hugeDurationsAreLocatedErrors(value: String) {
        let folder = TemporaryFolder()
        let crew = """
            version: 1
            name: numbers
            defaults: { timeout: \(value) }
            models: { m: { provider: mock, timeout: \(value) } }
            tools: { t: { type: file, root: data, timeout: \(value) } }
            agents: { a: { role: R, goal: G, tools: [t] } }
            tasks: { x: { agent: a, description: D, timeout: \(value) } }
            """
        let items = diagnostics(folder, crew)
        #expect(items.count == 4)
        #expect(items.allSatisfy { $0.code == "E114" && $0.location != nil && $0.message.contains("7 days") })
    }

    @Test func saturatingConversionsNeverTrap() {
        #expect(Seconds.nanoseconds(1e300) == UInt64(Seconds.max * 1e9))
        #expect(Seconds.nanoseconds(-.infinity) == 0)
        #expect(Seconds.nanoseconds(.nan) == 0)
        #expect(Seconds.milliseconds(.infinity) == Int.max)
        #expect(Seconds.milliseconds(-1e300) == Int.min)
    }

    // MARK: names (item 2)

    @Test(arguments: ["../../../../tmp/x", "a/b", ".", "..", "x\u{1B}[2J", String(repeating: "n", count: 129)])
    func crewAITaskNamesThatCouldBePathsAreRefused(name: String) {
        let folder = TemporaryFolder()
        folder.write("config/agents.yaml", "researcher:\n  role: R\n  goal: G\n  backstory: B\n")
        let quoted = name.replacingOccurrences(of: "\u{1B}", with: "\\e")
        folder.write(
            "config/tasks.yaml",
            "\"\(quoted)\":\n  description: D\n  expected_output: E\n  agent: researcher\n")
        let items = Compiler.compile(path: folder.path).diagnostics.items
        #expect(items.contains { $0.code == "E115" })
    }

    // MARK: did-you-mean (item 15)

    @Test func thousandsOfUnknownNamesAmongThousandsOfAgentsStayCheap() {
        let count = 5000
        var text = "version: 1\nname: many\nmodels: { m: { provider: mock } }\nagents:\n"
        for i in 0..<count { text += "  agent_\(i): { role: R, goal: G, model: m }\n" }
        text += "tasks:\n"
        for i in 0..<count { text += "  t\(i): { agent: agnet_\(i), description: D }\n" }
        let folder = TemporaryFolder()
        let started = Date()
        let items = diagnostics(folder, text)
        #expect(items.count { $0.code == "E202" } == count)
        #expect(items.first { $0.code == "E202" }?.hint?.contains("did you mean") == true)
        #expect(Date().timeIntervalSince(started) < 60)
    }

    @Test func suggestionsAreTheSameAsAnUnboundedSearch() {
        #expect(Suggestions.closest(to: "wirter", in: ["writer", "editor", "reader"]) == "writer")
        #expect(Suggestions.closest(to: "zzzzzz", in: ["writer"]) == nil)
        #expect(Suggestions.editDistance("kitten", "sitting") == 3)
        #expect(Suggestions.closest(to: "ab", in: ["abc", "xb"]) == "abc")
    }
}

/// A crew's own files (crew.yaml, crewAI's agents.yaml and tasks.yaml) are never read through a link: a link to a file
/// elsewhere would show that file's lines in diagnostics.
@Suite struct CrewFileLinkTests {
    @Test func aLinkedCrewFileIsRefused() throws {
        let folder = TemporaryFolder()
        let outside = TemporaryFolder(prefix: "crew-outside")
        outside.write("secret.yaml", "version: 1\nname: secret-line-here\n")
        try FileManager.default.createSymbolicLink(
            atPath: folder.path + "/crew.yaml", withDestinationPath: outside.path + "/secret.yaml")
        let items = Compiler.compile(path: folder.path).diagnostics.items
        #expect(items.map(\.code) == ["E207"])
        #expect(!items.contains { $0.message.contains("secret-line-here") })
    }

    @Test(arguments: ["config/tasks.yaml", "config"])
    func aLinkedCrewAIFileOrFolderIsRefused(linked: String) throws {
        let folder = TemporaryFolder()
        let outside = TemporaryFolder(prefix: "crew-outside")
        outside.write("config/agents.yaml", "a:\n  role: R\n  goal: G\n  backstory: B\n")
        outside.write("config/tasks.yaml", "t:\n  description: D\n  expected_output: E\n  agent: a\n")
        if linked == "config" {
            try FileManager.default.createSymbolicLink(
                atPath: folder.path + "/config", withDestinationPath: outside.path + "/config")
        } else {
            folder.write("config/agents.yaml", "a:\n  role: R\n  goal: G\n  backstory: B\n")
            try FileManager.default.createSymbolicLink(
                atPath: folder.path + "/config/tasks.yaml", withDestinationPath: outside.path + "/config/tasks.yaml")
        }
        #expect(Compiler.compile(path: folder.path).diagnostics.items.map(\.code) == ["E207"])
    }
}
