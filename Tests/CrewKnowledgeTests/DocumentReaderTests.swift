import CrewCore
import CrewTestSupport
import Foundation
import Testing

@testable import CrewKnowledge

@Suite struct DocumentReaderTests {
    func read(_ folder: TemporaryFolder, _ path: String) throws(DocumentError) -> [SourceDocument] {
        try DocumentReader.read(root: folder.path, relativePath: path)
    }

    func error(_ folder: TemporaryFolder, _ path: String) -> DocumentError? {
        do {
            _ = try read(folder, path)
            return nil
        } catch {
            return error
        }
    }

    @Test func formatsComeFromTheExtension() {
        #expect(DocumentFormat(fileName: "a/b.MD") == .markdown)
        #expect(DocumentFormat(fileName: "x.markdown") == .markdown)
        #expect(DocumentFormat(fileName: "x.htm") == .html)
        #expect(DocumentFormat(fileName: "x.ndjson") == .jsonl)
        #expect(DocumentFormat(fileName: "x.csv") == .csv)
        #expect(DocumentFormat(fileName: "x.pdf") == .pdf)
        #expect(DocumentFormat(fileName: "README") == .text)
        #expect(DocumentFormat(fileName: "dir.d/notes") == .text)
    }

    @Test func markdownAndTextAreReadAsIs() throws {
        let folder = TemporaryFolder()
        folder.write("notes/a.md", "# Title\r\n\r\nBody.\r\n")
        folder.write("b.txt", "\u{FEFF}plain")
        let markdown = try read(folder, "notes/a.md")
        #expect(markdown == [SourceDocument(path: "notes/a.md", text: "# Title\n\nBody.\n", format: .markdown)])
        #expect(try read(folder, "b.txt").first?.text == "plain")
    }

    @Test func binaryInvalidUTF8AndMissingFilesAreErrors() {
        let folder = TemporaryFolder()
        folder.write("bin.txt", data: Data([0x41, 0x00, 0x42]))
        folder.write("latin1.md", data: Data(Array("ok\nno ".utf8) + [0xE9, 0x74, 0xE9]))
        #expect(error(folder, "bin.txt")?.message.contains("binary") == true)
        let latin = error(folder, "latin1.md")
        #expect(latin?.message.contains("not valid UTF-8 (at byte 6, line 2)") == true)
        #expect(latin?.description.hasPrefix("latin1.md: ") == true)
        #expect(error(folder, "missing.md")?.message.contains("no such file") == true)
        folder.write("dir/x.md", "x")
        #expect(error(folder, "dir")?.message.contains("is a folder") == true)
    }

    @Test func htmlBecomesMarkdownishText() throws {
        let folder = TemporaryFolder()
        let html = """
            <!DOCTYPE html>
            <html><head><title>T</title><style>p { color: red }</style></head>
            <body>
            <h1>Guide &amp; Notes</h1>
            <script>var x = "<h2>no</h2>";</script>
            <p>First   paragraph,
            spanning lines &lt;tag&gt; &#233;&#x41; &unknown; caf&eacute;.</p>
            <!-- a comment <p>hidden</p> -->
            <h2 class="x">Install</h2>
            <ul><li>one</li><li>two</li></ul>
            <pre>let a = 1
              let b = 2</pre>
            <p>a<br>b</p>
            </body></html>
            """
        folder.write("page.html", html)
        let documents = try read(folder, "page.html")
        let document = try #require(documents.first)
        let expected = """
            # Guide & Notes

            First paragraph, spanning lines <tag> éA &unknown; café.

            ## Install

            - one
            - two

            ```
            let a = 1
              let b = 2
            ```

            a
            b
            """
        #expect(document.text == expected)
        #expect(document.format == .html)
        let lines = try #require(document.sourceLines)
        #expect(lines.count == expected.split(separator: "\n", omittingEmptySubsequences: false).count)
        #expect(lines[0] == 4...4)  // the h1
        #expect(lines[2] == 6...7)  // the paragraph spans two source lines
        #expect(lines[4] == 9...9)  // the h2
        let chunks = Chunker(size: 200, overlap: 0).chunks(document)
        #expect(chunks.map(\.headingPath) == [["Guide & Notes"], ["Guide & Notes", "Install"]])
        #expect(chunks.first.map { $0.lineStart...$0.lineEnd } == 4...7)
    }

    @Test func jsonArraysAndObjects() throws {
        let folder = TemporaryFolder()
        folder.write(
            "a.json",
            "[\n  {\"text\": \"one\"},\n  {\"id\": 2,\n   \"content\": \"two\\nlines\"},\n  {\"body\": \"three\"}\n]\n")
        folder.write("o.json", "{\"title\": \"x\", \"body\": \"only\"}")
        let documents = try read(folder, "a.json")
        #expect(documents.map(\.text) == ["one", "two\nlines", "three"])
        #expect(documents.map(\.path) == ["a.json", "a.json", "a.json"])
        #expect(documents[1].sourceLines == [3...4, 3...4])
        #expect(documents[2].sourceLines == [5...5])
        #expect(try read(folder, "o.json").map(\.text) == ["only"])
        let chunk = try #require(Chunker(size: 50, overlap: 5).chunks(documents[1]).first)
        #expect(chunk.lineStart == 3 && chunk.lineEnd == 4)
    }

    @Test func malformedJSONIsAnError() {
        let folder = TemporaryFolder()
        let cases = [
            ("syntax.json", "[{\"text\": \"a\"},\n {\"text\": }]", "not valid JSON"),
            ("scalar.json", "42", "array of objects"),
            ("element.json", "[{\"text\": \"a\"}, 3]", "element 1 of the array is not an object"),
            ("field.json", "[{\"title\": \"a\"}]", "element 0 has no `text`, `content` or `body`"),
            ("type.json", "{\"text\": 5}", "`text` field must be a string"),
        ]
        for (name, text, message) in cases {
            folder.write(name, text)
            let found = error(folder, name)
            #expect(found?.message.contains(message) == true, "\(name): \(String(describing: found))")
        }
        #expect(error(folder, "syntax.json")?.message.contains("line 2") == true)
    }

    @Test func jsonLinesOneObjectPerLine() throws {
        let folder = TemporaryFolder()
        folder.write("a.jsonl", "{\"text\": \"one\"}\n\n{\"content\": \"two\"}\n")
        let documents = try read(folder, "a.jsonl")
        #expect(documents.map(\.text) == ["one", "two"])
        #expect(documents.map(\.sourceLines) == [[1...1], [3...3]])
        folder.write("bad.ndjson", "{\"text\": \"one\"}\n{\"text\": \"two\"\n")
        #expect(error(folder, "bad.ndjson")?.message.hasPrefix("line 2 is not valid JSON") == true)
        folder.write("array.jsonl", "{\"text\": \"one\"}\n[1]\n")
        #expect(error(folder, "array.jsonl")?.message == "line 2 is not a JSON object")
        folder.write("field.jsonl", "{\"name\": \"one\"}\n")
        #expect(error(folder, "field.jsonl")?.message.contains("line 1 has no `text`") == true)
        // CRLF endings, a line of tabs, one of no-break spaces, and no newline at the end.
        folder.write("mixed.jsonl", "{\"text\": \"é one\"}\r\n\t \r\n\u{A0}\u{2003}\n{\"body\": \"two\\nlines\"}")
        let mixed = try read(folder, "mixed.jsonl")
        #expect(mixed.map(\.text) == ["é one", "two\nlines"])
        #expect(mixed.map(\.sourceLines) == [[1...1], [4...4, 4...4]])
    }

    @Test func csvRowsBecomeHeaderValueDocuments() throws {
        let folder = TemporaryFolder()
        let csv = "name,notes,city\nAda,\"Wrote, first\",London\n\n\"Bob\",\"Said \"\"hi\"\"\nthen left\",\r\nCy\n"
        folder.write("people.csv", csv)
        let documents = try read(folder, "people.csv")
        #expect(
            documents.map(\.text) == [
                "name: Ada\nnotes: Wrote, first\ncity: London", "name: Bob\nnotes: Said \"hi\"\nthen left", "name: Cy",
            ])
        #expect(documents.map { $0.sourceLines?.first } == [2...2, 4...5, 6...6])
        #expect(documents.allSatisfy { $0.format == .csv && $0.path == "people.csv" })
        folder.write("empty.csv", "")
        #expect(try read(folder, "empty.csv").isEmpty)
    }

    @Test func malformedCSVIsAnError() {
        let folder = TemporaryFolder()
        folder.write("open.csv", "a,b\n1,\"never closed\n2,3\n")
        #expect(error(folder, "open.csv")?.message == "line 2: a quoted field is never closed")
        folder.write("wide.csv", "a,b\n1,2\n1,2,3\n")
        #expect(error(folder, "wide.csv")?.message.hasPrefix("line 3: 3 fields, but the header has 2") == true)
        folder.write("after.csv", "a,b\n\"x\"y,2\n")
        #expect(error(folder, "after.csv")?.message.contains("text after a closing quote") == true)
    }

    @Test func pdfNeedsPdftotext() throws {
        let folder = TemporaryFolder()
        folder.write("doc.pdf", data: Data("%PDF-1.4 binary".utf8))
        let missing = #expect(throws: DocumentError.self) {
            try DocumentReader.read(root: folder.path, relativePath: "doc.pdf", searchPath: folder.path + "/none")
        }
        #expect(missing?.message.contains("install poppler-utils") == true)
        let bin = folder.path + "/bin"
        folder.write("bin/pdftotext", "#!/bin/sh\n[ \"$5\" = \"-\" ] || exit 3\nprintf 'Page one.\\fPage two.\\n'\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/pdftotext")
        let documents = try DocumentReader.read(
            root: folder.path, relativePath: "doc.pdf", searchPath: "/nowhere:" + bin)
        #expect(documents == [SourceDocument(path: "doc.pdf", text: "Page one.\nPage two.\n", format: .pdf)])
        folder.write("bin/pdftotext", "#!/bin/sh\necho 'Syntax Error' >&2\nexit 1\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/pdftotext")
        let failed = #expect(throws: DocumentError.self) {
            try DocumentReader.read(root: folder.path, relativePath: "doc.pdf", searchPath: bin)
        }
        #expect(failed?.message.contains("exit status 1") == true)
    }
}
