import CrewCore
import CrewTestSupport
import Foundation
import Testing

/// The commands of examples/ci/github-actions.yml, run here against a git repository made in a temporary folder: a
/// pull request that edits a prompt is validated, its tests fail (the cassette no longer answers the new prompt, as
/// they should until it is recorded again), and its diff says what changed; after the merge the artifact builds.
@Suite struct CIWorkflowTests {
    let cli = CLITests()
    static let workflow = Fixtures.root + "/../../examples/ci/github-actions.yml"
    static let example = Fixtures.root + "/../../examples/research-brief"

    @Test func aPullRequestThenAMerge() async throws {
        let workflow = try String(contentsOfFile: Self.workflow, encoding: .utf8)
        for command in [
            #"crew validate "$CREW" --format github"#, #"crew test "$CREW" --format github --junit crew-tests.xml"#,
            #"crew diff "origin/$GITHUB_BASE_REF" HEAD "$CREW" --format markdown"#, #"crew build "$CREW" -o dist/crew"#,
        ] {
            #expect(workflow.contains(command), "the workflow runs \(command)")
        }
        let repo = TemporaryFolder(prefix: "crew-ci")
        let crew = "examples/research-brief"
        try FileManager.default.createDirectory(atPath: repo.path + "/examples", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.example, toPath: repo.path + "/" + crew)
        try? FileManager.default.removeItem(atPath: repo.path + "/" + crew + "/.crew")
        let names = [
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
        ]
        func git(_ arguments: String...) async throws {
            let out = try await cli.run("/usr/bin/git", ["-C", repo.path] + arguments, environment: names)
            #expect(out.status == 0, "git \(arguments): \(out.stderr)")
        }
        try await git("init", "-q", "-b", "main")
        try await git("add", ".")
        try await git("commit", "-q", "-m", "the crew")
        let noKey = ["OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""]
        // main itself passes its tests.
        #expect(try await cli.crew(["test", crew], environment: noKey, in: repo.path).status == 0)

        // The pull request: a prompt edited.
        try await git("checkout", "-q", "-b", "shorter")
        let file = repo.path + "/" + crew + "/crew.yaml"
        let yaml = try String(contentsOfFile: file, encoding: .utf8)
        try yaml.replacingOccurrences(of: "Write a brief that answers", with: "Write a short brief that answers")
            .write(toFile: file, atomically: true, encoding: .utf8)
        try await git("commit", "-q", "-am", "a shorter brief")
        let validate = try await cli.crew(["validate", crew, "--format", "github"], environment: noKey, in: repo.path)
        #expect(validate.status == 0, "\(validate.stdout)")
        let tests = try await cli.crew(
            ["test", crew, "--format", "github", "--junit", "crew-tests.xml"], environment: noKey, in: repo.path)
        #expect(tests.status == 1, "the cassette does not hold the new prompt: \(tests.stdout)")
        #expect(tests.stdout.contains("::error file=\(crew)/tests/brief.yaml,line="), "\(tests.stdout)")
        #expect(tests.stdout.contains("is not in the cassette tests/caching-brief.cassette.json"))
        #expect(FileManager.default.fileExists(atPath: repo.path + "/crew-tests.xml"))
        let diff = try await cli.crew(
            ["diff", "main", "HEAD", crew, "--format", "markdown"], environment: noKey, in: repo.path)
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("| `draft` | changed: description | changed |"), "\(diff.stdout)")
        #expect(diff.stdout.contains("| `brief` | unchanged | upstream `draft` runs again |"))
        #expect(diff.stdout.contains("+Write a short brief that answers"))

        // The merge: the artifact builds.
        try await git("checkout", "-q", "main")
        try await git("merge", "-q", "shorter")
        let build = try await cli.crew(["build", crew, "-o", "dist/crew"], environment: noKey, in: repo.path)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(FileManager.default.fileExists(atPath: repo.path + "/dist/crew/plan.json"))
        // The work tree is as the merge left it: crew wrote only what it was asked to.
        let status = try await cli.run("/usr/bin/git", ["-C", repo.path, "status", "--porcelain"], environment: names)
        #expect(status.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("?? ") }, "\(status.stdout)")
    }
}
