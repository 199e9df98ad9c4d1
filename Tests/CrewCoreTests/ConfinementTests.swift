import CrewCore
import CrewTestSupport
import Foundation
import Testing

/// `ConfinedFolder`: no path from untrusted input leaves its folder, through `..`, an absolute path, a NUL byte or a
/// symbolic link anywhere on the way, even one swapped in while crew works; only regular files are read.
@Suite struct ConfinedFolderTests {
    let root = TemporaryFolder(prefix: "crew-confined")
    let outside = TemporaryFolder(prefix: "crew-outside")

    func link(_ target: String, at relative: String) throws {
        try FileManager.default.createSymbolicLink(atPath: root.path + "/" + relative, withDestinationPath: target)
    }

    @Test(arguments: ["../x", "a/../../x", "/etc/passwd", "a\u{0}b", ".."])
    func pathsThatLeaveAreRefused(path: String) throws {
        let folder = try ConfinedFolder(opening: root.path)
        #expect(throws: PathFailure(folder.display(path), .leaves)) { try folder.write("x", to: path) }
        #expect(throws: PathFailure.self) { try folder.read(path, limit: 10) }
    }

    @Test(arguments: ["cfg/authorized_keys", "cfg/deeper/file", "cfg"])
    func writesThroughALinkedFolderAreRefused(path: String) throws {
        try link(outside.path, at: "cfg")
        let folder = try ConfinedFolder(opening: root.path)
        #expect(throws: PathFailure.self) { try folder.write("pwned", to: path + "/x") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    /// A slash followed by a combining mark is one character, but two things to the kernel: the path is split on
    /// the byte, so the link before it is still refused.
    @Test func aSlashBeforeACombiningMarkStillSeparatesComponents() throws {
        #expect(try ConfinedFolder.components("a/\u{301}b/./c") == ["a", "\u{301}b", "c"])
        #expect(try ConfinedFolder.components("a/\u{301}../..") == ["a"])
        try link(outside.path, at: "cfg")
        let folder = try ConfinedFolder(opening: root.path)
        #expect(throws: PathFailure.self) { try folder.write("pwned", to: "cfg/\u{301}x") }
        #expect(throws: PathFailure.self) { try folder.read("cfg/\u{301}x", limit: 10) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    /// Files larger than one read come back whole; a file exactly at the limit is read, one byte more is refused.
    @Test func largeFilesAreReadWholeUpToTheLimit() throws {
        let text = (0..<40_000).map { String($0 % 10) }.joined() + String(repeating: "é", count: 50_000)
        root.write("large.txt", text)
        let folder = try ConfinedFolder(opening: root.path)
        let size = text.utf8.count
        #expect(try folder.read("large.txt", limit: size) == Array(text.utf8))
        #expect(throws: PathFailure(folder.display("large.txt"), .tooLarge(size: size, limit: size - 1))) {
            try folder.read("large.txt", limit: size - 1)
        }
        root.write("empty.txt", "")
        #expect(try folder.read("empty.txt", limit: 0) == [])
    }

    @Test func aLinkAtTheDestinationIsReplacedNotFollowed() throws {
        outside.write("secret", "keep")
        try link(outside.path + "/secret", at: "out.md")
        let folder = try ConfinedFolder(opening: root.path)
        #expect(throws: PathFailure(folder.display("out.md"), .link("out.md"))) {
            try folder.read("out.md", limit: 100)
        }
        try folder.write("mine", to: "out.md")
        #expect(try String(contentsOfFile: outside.path + "/secret", encoding: .utf8) == "keep")
        #expect(try folder.read("out.md", limit: 100) == Array("mine".utf8))
    }

    @Test func neverReplaceKeepsTheOldFile() throws {
        root.write("notes/a.md", "old")
        let folder = try ConfinedFolder(opening: root.path)
        #expect(throws: PathFailure(folder.display("notes/a.md"), .exists)) {
            try folder.write("new", to: "notes/a.md", replace: .never)
        }
        #expect(try folder.read("notes/a.md", limit: 100) == Array("old".utf8))
        try folder.write("fresh", to: "notes/b.md", replace: .never)
        #expect(try folder.entries("notes").map(\.name) == ["a.md", "b.md"])
    }

    @Test func onlyRegularFilesAreReadAndSizesAreBounded() throws {
        root.write("big.txt", String(repeating: "x", count: 1000))
        #expect(mkfifo(root.path + "/pipe", 0o644) == 0)
        let folder = try ConfinedFolder(opening: root.path)
        #expect(throws: PathFailure(folder.display("pipe"), .notRegular(.fifo))) { try folder.read("pipe", limit: 10) }
        #expect(throws: PathFailure(folder.display("big.txt"), .tooLarge(size: 1000, limit: 999))) {
            try folder.read("big.txt", limit: 999)
        }
        #expect(throws: PathFailure(folder.display("."), .notRegular(.folder))) { try folder.read(".", limit: 10) }
        #expect(folder.kind(of: "pipe") == .fifo)
    }

    @Test func aConfinedPathWalksItsUntrustedPartWithoutLinks() throws {
        try link(outside.path, at: ".crew")
        #expect(throws: PathFailure.self) {
            try ConfinedFolder.open(ConfinedPath(base: root.path, below: ".crew/runs"), create: true)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        // The trusted base itself may be a link: the user named it.
        let base = try ConfinedFolder.open(ConfinedPath(base: root.path + "/.crew", below: "runs"), create: true)
        try base.write("ok", to: "x")
        #expect(FileManager.default.fileExists(atPath: outside.path + "/runs/x"))
    }

    /// An in-place write (a task's output) makes its folders, empties what was there, and refuses a link (symbolic
    /// or hard), a FIFO (at once, not waiting for a reader) and a folder, leaving them as they were.
    @Test func anInPlaceWriteReplacesBytesButNeverALinkOrAFIFO() throws {
        let folder = try ConfinedFolder(opening: root.path)
        try folder.writeInPlace(Array("a longer first output".utf8), to: "tasks/t1/output.md")
        try folder.writeInPlace(Array("short".utf8), to: "tasks/t1/output.md")
        #expect(try folder.read("tasks/t1/output.md", limit: 100) == Array("short".utf8))
        outside.write("secret", "keep")
        try link(outside.path + "/secret", at: "tasks/t1/linked.md")
        #expect(throws: PathFailure(folder.display("tasks/t1/linked.md"), .link("linked.md"))) {
            try folder.writeInPlace(Array("pwned".utf8), to: "tasks/t1/linked.md")
        }
        #expect(try String(contentsOfFile: outside.path + "/secret", encoding: .utf8) == "keep")
        #expect(mkfifo(root.path + "/tasks/t1/pipe.md", 0o644) == 0)
        #expect(throws: PathFailure.self) { try folder.writeInPlace(Array("x".utf8), to: "tasks/t1/pipe.md") }
        #expect(folder.kind(of: "tasks/t1/pipe.md") == .fifo)
        #expect(Glibc.link(outside.path + "/secret", root.path + "/tasks/t1/hard.md") == 0)
        #expect(throws: PathFailure.self) { try folder.writeInPlace(Array("pwned".utf8), to: "tasks/t1/hard.md") }
        #expect(try String(contentsOfFile: outside.path + "/secret", encoding: .utf8) == "keep")
        #expect(throws: PathFailure.self) { try folder.writeInPlace(Array("x".utf8), to: "tasks/t1") }
        try link(outside.path, at: "tasks/t2")
        #expect(throws: PathFailure.self) { try folder.writeInPlace(Array("x".utf8), to: "tasks/t2/output.md") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path) == ["secret"])
    }

    /// Folders are made before they are opened: one that cannot be made says why, one already there is opened, and
    /// a file or link in its place is refused.
    @Test func foldersAreMadeOrOpenedAndNeverFollowed() throws {
        let folder = try ConfinedFolder(opening: root.path)
        _ = try folder.folder("a/b", create: true)
        _ = try folder.folder("a/b", create: true)
        root.write("file", "x")
        #expect(throws: PathFailure(folder.display("file/c"), .notFolder("file"))) {
            try folder.folder("file/c", create: true)
        }
        try link(outside.path, at: "linked")
        #expect(throws: PathFailure(folder.display("linked/c"), .link("linked"))) {
            try folder.folder("linked/c", create: true)
        }
        #expect(chmod(root.path + "/a", 0o500) == 0)
        defer { chmod(root.path + "/a", 0o755) }
        if getuid() != 0 {  // root writes anywhere
            #expect(throws: PathFailure(folder.display("a/new"), .system("Permission denied"))) {
                try folder.folder("a/new", create: true)
            }
        }
        _ = try folder.folder("a/b", create: true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    /// Writes race a thread that swaps the target's parent folder for a link to an outside folder: none lands there.
    @Test func aRenameRaceNeverWritesOutside() throws {
        root.write("out/keep", "k")
        try FileManager.default.createSymbolicLink(atPath: root.path + "/evil", withDestinationPath: outside.path)
        let folder = try ConfinedFolder(opening: root.path)
        let racer = LinkSwapper(real: root.path + "/out", link: root.path + "/evil", spare: root.path + "/spare")
        racer.start()
        for round in 0..<2000 { try? folder.write("x", to: "out/w\(round)") }
        racer.stop()
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        #expect(racer.swaps > 50)
    }
}

@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("\u{1B}]0;pwned\u{07}", "\\x1b]0;pwned\\x07"), ("\u{1B}[2J", "\\x1b[2J"), ("a\u{202E}b", "a\\u{202e}b"),
        ("tab\there", "tab\\there"), ("line\nnext", "line\\nnext"), ("\u{85}", "\\x85"), ("plain é ✓", "plain é ✓"),
    ])
    func escapesControlAndBidiCharacters(raw: String, shown: String) {
        #expect(TerminalText.escape(raw) == shown)
    }

    @Test func blocksKeepTheirLayout() {
        #expect(TerminalText.escapeBlock("a\n\tb\u{1B}[31m") == "a\n\tb\\x1b[31m")
    }

    @Test func jsonEscapesWhatATerminalWouldObeyAndReadsBackTheSame() throws {
        let raw = "x\u{1B}[2J\u{202E}\u{7F}\u{85}é✓"
        let text = JSONValue.string(raw).serialized()
        #expect(text == #""x\u001b[2J\u202e\u007f\u0085é✓""#)
        #expect(try JSONParser.parse(text) == .string(raw))
    }

    @Test func diagnosticsEscapeTheCrewsTextAndKeepTheCaretInPlace() {
        let renderer = DiagnosticRenderer { _, _ in "  \u{1B}[2Jname: x" }
        let diagnostic = Diagnostic.error(
            .e115, "`\u{1B}[2J\u{202E}x` is not a valid name",
            at: SourceLocation(file: "crew.yaml", line: 1, column: 7),
            hint: "names \u{1B}[31m")
        let text = renderer.text(diagnostic)
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
        #expect(text.contains("`\\x1b[2J\\u{202e}x` is not a valid name"))
        #expect(text.contains("  1 |   \u{FFFD}[2Jname: x\n    |       ^^^^"))
    }
}

@Suite struct NameRuleTests {
    @Test(arguments: ["research", "_x", "v2-review", String(repeating: "n", count: 128)])
    func validNames(name: String) {
        #expect(Names.isValid(name))
    }

    @Test(arguments: ["", "..", ".", "a/b", "../x", "2nd", "the brief", "x\u{1B}", String(repeating: "n", count: 129)])
    func namesThatCouldBePathsOrEscapesAreRefused(name: String) {
        #expect(!Names.isValid(name))
    }
}
