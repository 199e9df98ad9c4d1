import CrewCore
import CrewTestSupport
import Foundation
import Testing

@Suite struct SuggestionTests {
    @Test(
        arguments: [
            ("writter", ["writer", "analyst"], "writer"), ("tols", ["tools", "role"], "tools"),
            ("expected_ouput", ["expected_output", "description"], "expected_output"),
            ("banana", ["writer", "analyst"], nil),
        ] as [(String, [String], String?)])
    func closest(word: String, candidates: [String], expected: String?) {
        #expect(Suggestions.closest(to: word, in: candidates) == expected)
    }
}

@Suite struct JSONValueTests {
    @Test func keysAreSortedAndStringsEscaped() {
        let value: JSONValue = .object([
            "b": .int(1), "a": .array([.string("x\"y\\z\n\u{1}é/"), .double(0.5), .double(2), .bool(true), .null]),
        ])
        #expect(value.serialized() == #"{"a":["x\"y\\z\n\u0001é/",0.5,2.0,true,null],"b":1}"#)
    }

    @Test func prettyOutputIsStable() {
        let value: JSONValue = .object(["z": .object([:]), "a": .array([])])
        #expect(value.serialized(pretty: true) == "{\n  \"a\": [],\n  \"z\": {}\n}")
    }
}

@Suite struct GlobTests {
    @Test(
        arguments: [
            ("docs/**/*.md", "docs/a.md", true), ("docs/**/*.md", "docs/x/y/a.md", true),
            ("docs/*.md", "docs/x/a.md", false), ("*.{md,txt}", "notes.txt", true), ("file?.md", "file1.md", true),
            ("[a-c]*.md", "b.md", true), ("[!a-c]*.md", "b.md", false), ("**", "a/b/c", true),
        ] as [(String, String, Bool)])
    func matches(pattern: String, path: String, expected: Bool) {
        #expect(Glob(pattern).matches(path) == expected)
    }

    @Test func expandsInsideTheRootOnly() throws {
        let folder = TemporaryFolder()
        folder.write("docs/a.md", "a")
        folder.write("docs/deep/b.md", "b")
        folder.write("docs/.hidden.md", "h")
        folder.write("other.txt", "o")
        #expect(try Glob("docs/**/*.md").expand(in: folder.path).files == ["docs/a.md", "docs/deep/b.md"])
        #expect(throws: Glob.Problem.leavesRoot) { try Glob("../*.md").expand(in: folder.path) }
        #expect(throws: Glob.Problem.leavesRoot) { try Glob("/etc/*").expand(in: folder.path) }
        #expect(throws: Glob.Problem.leavesRoot) { try Glob("docs/../../x").expand(in: folder.path) }
    }

    @Test func pathsNormalize() {
        #expect(FileSystem.normalize("./a/./b/../c") == "a/c")
        #expect(FileSystem.normalize("a/../../b") == nil)
        #expect(FileSystem.join(".", "crew.yaml") == "crew.yaml")
    }

    @Test func pathsSplitIntoFolderAndName() {
        #expect(FileSystem.split("crew.yaml") == (".", "crew.yaml"))
        #expect(FileSystem.split("crews/a/crew.yaml") == ("crews/a", "crew.yaml"))
        #expect(FileSystem.split("/crew.yaml") == ("/", "crew.yaml"))
        #expect(FileSystem.split("/srv/crew.yaml") == ("/srv", "crew.yaml"))
        #expect(FileSystem.split("./x\u{301}/é.yaml") == ("./x\u{301}", "é.yaml"), "split by the byte")
    }
}

@Suite struct RendererTests {
    let diagnostic = Diagnostic.error(
        .e202, "task `brief` refers to unknown agent `writter`",
        at: SourceLocation(file: "crew.yaml", line: 2, column: 12),
        hint: "did you mean `writer`?")

    @Test func textShowsTheLineAndACaret() {
        let renderer = DiagnosticRenderer(color: false) { _, line in line == 2 ? "    agent: writter" : nil }
        #expect(
            renderer.text(diagnostic) == """
                crew.yaml:2:12: error[E202]: task `brief` refers to unknown agent `writter`
                  2 |     agent: writter
                    |            ^^^^^^^
                  hint: did you mean `writer`?

                """)
    }

    @Test func githubAnnotationsEscapeTheirFields() {
        var d = diagnostic
        d.message = "50% done,\nnext: line"
        d.location?.file = "a,b:c.yaml"
        let out = DiagnosticRenderer().render([d], format: .github)
        #expect(out.hasPrefix("::error file=a%2Cb%3Ac.yaml,line=2,col=12,title=crew E202::50%25 done,%0Anext: line"))
    }

    @Test func colourIsOnlyAddedWhenAsked() {
        #expect(!DiagnosticRenderer(color: false).text(diagnostic).contains("\u{1B}["))
        #expect(DiagnosticRenderer(color: true).text(diagnostic).contains("\u{1B}["))
    }
}

/// The run-time failure codes and specs/diagnostics.md ("Run-time failures") list the same codes.
@Suite struct FailureCodeTests {
    @Test func everyCodeIsDocumentedAndEveryDocumentedCodeExists() throws {
        let spec = try String(contentsOfFile: Fixtures.packageRoot + "/specs/diagnostics.md", encoding: .utf8)
        let section = try #require(spec.components(separatedBy: "## Run-time failures").last)
        let documented = Set(section.matches(of: #/^\| `(R\d{3})` \|/#.anchorsMatchLineEndings()).map { String($0.1) })
        #expect(documented == Set(FailureCode.allCases.map(\.rawValue)))
    }

    @Test func aCodedFailureShowsItsCodeOnEveryLine() {
        let failure = CrewFailure(.r511, "model `a` needs a key\nmodel `b` needs a key")
        #expect(ErrorReport.text(failure) == "error[R511]: model `a` needs a key\nerror[R511]: model `b` needs a key\n")
        #expect(ErrorReport.text(CancellationError()).hasPrefix("error: "))
    }
}

@Suite struct TrimmingTests {
    @Test func whiteSpaceGoesFromBothEndsOnly() {
        #expect("  key-123 \n".trimmingWhitespace() == "key-123")
        #expect("\t\r\n a b \u{00A0}\u{2003}".trimmingWhitespace() == "a b")
        #expect(" \n\t ".trimmingWhitespace() == "")
        #expect("".trimmingWhitespace() == "")
        #expect("é\u{301}".trimmingWhitespace() == "é\u{301}")
        #expect("x y"[...].trimmingWhitespace() == "x y")
    }
}
