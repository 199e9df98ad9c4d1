import CrewCore
import CrewTestSupport
import Foundation
import Testing

/// `crew diff` through the binary (specs/diff.md): two folders, two git revisions of a real repository made here
/// (with the work tree left as it was), each output format, and a side that cannot be read.
@Suite struct DiffCommandTests {
    let cli = CLITests()

    static func crew(temperature: String = "0", brief: String = "Write a brief on {topic}.", extraTask: String = "")
        -> String
    {
        """
        version: 1
        name: diffed
        inputs:
          topic: { type: string, default: tides }
        models:
          m: { provider: openai, model: gpt-test, base_url: "http://127.0.0.1:9/v1", temperature: \(temperature), max_tokens: 500, price: { input_per_million: 2, output_per_million: 8 } }
        knowledge:
          notes: { sources: [docs/*.md] }
        agents:
          researcher: { role: Researcher, goal: Find facts, knowledge: [notes], knowledge_context: auto }
          writer: { role: Writer, goal: Write clearly }
        tasks:
          facts: { agent: researcher, description: "Find facts on {topic}." }
          other: { agent: researcher, description: "List open questions on {topic}." }
          brief: { agent: writer, description: "\(brief)", context: [facts] }
          summary: { agent: writer, description: "Summarize.", context: [brief] }
        \(extraTask)
        """
    }

    static func folder(_ yaml: String, note: String = "Spring tides come twice a month.\n") -> TemporaryFolder {
        let folder = TemporaryFolder(prefix: "crew-diff")
        folder.write("crew/crew.yaml", yaml)
        folder.write("crew/docs/tides.md", note)
        return folder
    }

    @Test func twoFoldersShowTasksPromptsAndWhatRunsAgain() async throws {
        let old = Self.folder(Self.crew())
        let new = Self.folder(
            Self.crew(
                brief: "Write a short brief on {topic}.",
                extraTask: "  extra: { agent: writer, description: Extra., context: [other] }"))
        let text = try await cli.crew(["diff", old.path + "/crew", new.path + "/crew"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Tasks: 1 added, 1 changed."), "\(text.stdout)")
        #expect(text.stdout.contains("A cached run executes 3 tasks again"), "brief, summary downstream, extra")
        #expect(text.stdout.contains("-Write a brief on tides.\n+Write a short brief on tides."))
        let json = try JSONParser.parse(
            Array(try await cli.crew(["diff", old.path + "/crew", new.path + "/crew", "--format", "json"]).stdout.utf8))
        #expect(json["rerun"] == .strings(["brief", "summary", "extra"]))
        let summary = try #require(json["tasks"]?.arrayValue?.first { $0["name"]?.stringValue == "summary" })
        #expect(
            summary["status"]?.stringValue == "unchanged"
                && summary["rerun"]?.stringValue == "upstream `brief` runs again")
        #expect(json["edges"]?["added"] == .array([.strings(["other", "extra"])]))
        // The estimate: input from the prompts' sizes, output at max_tokens, priced.
        let estimate = try #require(json["estimate"])
        #expect(estimate["output_tokens"]?.intValue == 1500 && (estimate["cost_usd"]?.doubleValue ?? 0) > 0)

        // A knowledge source edited: the tasks that read it run again; the others do not.
        let edited = Self.folder(Self.crew(), note: "Spring tides come twice a month, at new and full moon.\n")
        let knowledge = try JSONParser.parse(
            Array(
                try await cli.crew(["diff", old.path + "/crew", edited.path + "/crew", "--format", "json"]).stdout.utf8)
        )
        #expect(knowledge["rerun"] == .strings(["facts", "other", "brief", "summary"]))
        let entry = try #require(knowledge["entries"]?.arrayValue?.first)
        #expect(
            entry["kind"]?.stringValue == "knowledge"
                && entry["changes"]?.arrayValue?.contains(.string("source docs/tides.md")) == true)

        let same = try await cli.crew(["diff", old.path + "/crew", old.path + "/crew", "--format", "markdown"])
        #expect(same.stdout.contains("No change to the crew's plan."))
    }

    @Test func twoRevisionsOfARepositoryLeaveTheWorkTreeAsItWas() async throws {
        let repo = Self.folder(Self.crew())
        func git(_ arguments: String...) async throws -> CLITests.Output {
            try await cli.run(
                "/usr/bin/git", ["-C", repo.path] + arguments,
                environment: [
                    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                    "GIT_COMMITTER_EMAIL": "t@example.com",
                ])
        }
        _ = try await git("init", "-q", "-b", "main")
        _ = try await git("add", ".")
        _ = try await git("commit", "-q", "-m", "first")
        repo.write("crew/crew.yaml", Self.crew(temperature: "0.5"))
        _ = try await git("commit", "-q", "-am", "warmer")
        // An uncommitted edit stays exactly as it is.
        repo.write("crew/crew.yaml", Self.crew(temperature: "0.9"))
        let before = try String(contentsOfFile: repo.path + "/crew/crew.yaml", encoding: .utf8)
        let diff = try await cli.crew(["diff", "main~1", "main", "crew", "--format", "markdown"], in: repo.path)
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("### crew diff: `main~1:crew` → `main:crew`"))
        #expect(diff.stdout.contains("temperature 0.0 → 0.5"), "\(diff.stdout)")
        #expect(try String(contentsOfFile: repo.path + "/crew/crew.yaml", encoding: .utf8) == before)
        #expect(try await git("status", "--porcelain").stdout == " M crew/crew.yaml\n")
        // The working tree against a revision.
        let working = try await cli.crew(["diff", "main", ".", "crew"], in: repo.path)
        #expect(working.stdout.contains("temperature 0.5 → 0.9"), "\(working.stdout)")

        let missing = try await cli.crew(["diff", "no-such-branch", "main", "crew"], in: repo.path)
        #expect(missing.status == 1 && missing.stderr.contains("`no-such-branch`"), "\(missing.stderr)")
        let outside = try await cli.crew(["diff", "main~1", "main", "../../etc"], in: repo.path)
        #expect(outside.status == 1, "\(outside.stderr)")
    }
}
