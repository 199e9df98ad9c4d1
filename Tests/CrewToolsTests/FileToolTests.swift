import CrewCore
import CrewTestSupport
import Foundation
import Testing

@testable import CrewTools

@Suite struct FileToolTests {
    let crew = TemporaryFolder(prefix: "crew-file-tool")

    func makeTool(root: String = "data", write: Bool = false, maxReadBytes: Int = 1 << 20) throws -> FileTool {
        try FileTool(
            name: "files", config: .object(["type": .string("file"), "root": .string(root), "write": .bool(write)]),
            context: testContext(folder: crew.path), maxReadBytes: maxReadBytes)
    }

    func op(_ operation: String, _ path: String? = nil, content: String? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["operation": .string(operation)]
        if let path { members["path"] = .string(path) }
        if let content { members["content"] = .string(content) }
        return .object(members)
    }

    func link(_ target: String, at relative: String) throws {
        try FileManager.default.createSymbolicLink(atPath: crew.path + "/" + relative, withDestinationPath: target)
    }

    @Test func readsAndListsInsideTheFolder() async throws {
        crew.write("data/notes/a.md", "hello")
        crew.write("data/top.txt", "top")
        let tool = try makeTool()
        #expect(try await tool.call(op("read", "notes/a.md")) == "hello")
        #expect(try await tool.call(op("read", "./notes/../top.txt")) == "top")
        #expect(try await tool.call(op("list")) == "notes/\ntop.txt")
        #expect(try await tool.call(op("list", "notes")) == "a.md")
        #expect(await failure(tool, op("read", "notes")).contains("folder"))
        #expect(await failure(tool, op("read", "missing.txt")).contains("does not exist"))
    }

    @Test(arguments: ["../secret.txt", "notes/../../secret.txt", "/etc/passwd", "a\0b", ".."])
    func refusesPathsThatLeaveTheFolder(path: String) async throws {
        crew.write("secret.txt", "secret")
        crew.write("data/notes/a.md", "hello")
        let tool = try makeTool(write: true)
        let read = await failure(tool, op("read", path))
        let written = await failure(tool, op("write", path, content: "x"))
        #expect(!read.contains("secret") || read.contains("`"))
        #expect(!written.isEmpty)
        #expect(try String(contentsOfFile: crew.path + "/secret.txt", encoding: .utf8) == "secret")
    }

    @Test func refusesSymlinksOutOfTheFolder() async throws {
        let outside = TemporaryFolder(prefix: "crew-outside")
        outside.write("secret.txt", "secret")
        crew.write("data/keep.txt", "keep")
        try link(outside.path + "/secret.txt", at: "data/file-link")
        try link(outside.path, at: "data/dir-link")
        let tool = try makeTool(write: true)
        #expect(await failure(tool, op("read", "file-link")).contains("symbolic link `file-link`"))
        #expect(await failure(tool, op("read", "dir-link/secret.txt")).contains("symbolic link `dir-link`"))
        #expect(await failure(tool, op("list", "dir-link")).contains("symbolic link"))
        #expect(await failure(tool, op("write", "dir-link/new.txt", content: "pwned")).contains("symbolic link"))
        #expect(await failure(tool, op("write", "dir-link/sub/new.txt", content: "pwned")).contains("symbolic link"))
        // A write replaces a link at the destination itself, never what it points to.
        _ = try await tool.call(op("write", "file-link", content: "mine"))
        #expect(try String(contentsOfFile: crew.path + "/data/file-link", encoding: .utf8) == "mine")
        #expect(try String(contentsOfFile: outside.path + "/secret.txt", encoding: .utf8) == "secret")
        #expect(!FileManager.default.fileExists(atPath: outside.path + "/new.txt"))
        #expect(!FileManager.default.fileExists(atPath: outside.path + "/sub"))
        let listing = try await tool.call(op("list"))
        #expect(listing.contains("dir-link (symbolic link, not followed)"))
        #expect(!listing.contains("secret"))
    }

    /// `root:` comes from the crew file: a root that is a link, or goes through one, is refused at setup.
    @Test(arguments: ["data", "via/data"])
    func aRootThroughALinkIsRefused(root: String) async throws {
        let outside = TemporaryFolder(prefix: "crew-real-root")
        outside.write("data/inside.txt", "not yours")
        try link(root == "data" ? outside.path + "/data" : outside.path, at: root == "data" ? "data" : "via")
        #expect(throws: ToolSetupError.self) { try makeTool(root: root, write: true) }
    }

    /// A root that becomes a link after setup is refused at the next call, and nothing is read or written there.
    @Test func aRootSwappedForALinkAfterSetupIsRefused() async throws {
        let outside = TemporaryFolder(prefix: "crew-swap-root")
        outside.write("inside.txt", "not yours")
        crew.write("data/inside.txt", "fine")
        let tool = try makeTool(write: true)
        try FileManager.default.removeItem(atPath: crew.path + "/data")
        try link(outside.path, at: "data")
        #expect(await failure(tool, op("read", "inside.txt")).contains("symbolic link"))
        #expect(await failure(tool, op("write", "new.txt", content: "x")).contains("symbolic link"))
        #expect(!FileManager.default.fileExists(atPath: outside.path + "/new.txt"))
    }

    /// crew follows no link below a crew's folder, even one that stays inside: one rule, with no path check that a
    /// rename could race.
    @Test func refusesEvenLinksInsideTheFolder() async throws {
        crew.write("data/real/a.txt", "through the link")
        try link("real", at: "data/alias")
        let tool = try makeTool(write: true)
        #expect(try await tool.call(op("read", "real/a.txt")) == "through the link")
        #expect(await failure(tool, op("read", "alias/a.txt")).contains("symbolic link `alias`"))
        #expect(await failure(tool, op("write", "alias/new/b.txt", content: "made")).contains("symbolic link"))
        #expect(!FileManager.default.fileExists(atPath: crew.path + "/data/real/new"))
    }

    /// A FIFO or a device is refused before a byte is read: the call neither waits for a writer nor reads forever.
    @Test func refusesFIFOsAndDevices() async throws {
        crew.write("data/keep.txt", "keep")
        #expect(mkfifo(crew.path + "/data/pipe", 0o644) == 0)
        let tool = try makeTool()
        #expect(await failure(tool, op("read", "pipe")).contains("fifo"))
        #expect(try await tool.call(op("list")).contains("pipe (fifo, not readable)"))
    }

    /// A thread swaps a subfolder for a link to an outside folder and back, as fast as it can, while the model reads
    /// and writes through it: no read returns the outside file and no write lands outside.
    @Test func aRenameRaceNeverLeadsOutside() async throws {
        let outside = TemporaryFolder(prefix: "crew-race-outside")
        outside.write("f.txt", "OUTSIDE")
        crew.write("data/sub/f.txt", "inside")
        try FileManager.default.createSymbolicLink(atPath: crew.path + "/evil", withDestinationPath: outside.path)
        let tool = try makeTool(write: true)
        let racer = LinkSwapper(real: crew.path + "/data/sub", link: crew.path + "/evil", spare: crew.path + "/spare")
        racer.start()
        var leaked = 0
        for round in 0..<3000 {
            if round % 2 == 0 {
                if let text = try? await tool.call(op("read", "sub/f.txt")), text.contains("OUTSIDE") { leaked += 1 }
            } else {
                _ = try? await tool.call(op("write", "sub/w\(round).txt", content: "x"))
            }
        }
        racer.stop()
        let outsideNames = try FileManager.default.contentsOfDirectory(atPath: outside.path)
        #expect(leaked == 0)
        #expect(outsideNames == ["f.txt"])
        #expect(racer.swaps > 100)
    }
    @Test func writeIsDisabledUnlessConfigured() async throws {
        let tool = try makeTool()
        let operations = tool.descriptor.inputSchema["properties"]?["operation"]?["enum"]
        #expect(operations == .strings(["read", "list"]))
        #expect(tool.descriptor.inputSchema["properties"]?["content"] == nil)
        #expect(await failure(tool, op("write", "a.txt", content: "x")).contains("may not write"))
        #expect(!FileManager.default.fileExists(atPath: crew.path + "/data/a.txt"))
    }

    @Test func writeCreatesTheFolderAndParentsAtomically() async throws {
        let tool = try makeTool(root: "out/reports", write: true)
        #expect(await failure(tool, op("read", "x.md")).contains("does not exist"))
        #expect(try await tool.call(op("write", "2024/q1.md", content: "# Q1")) == "wrote 4 bytes to 2024/q1.md")
        _ = try await tool.call(op("write", "2024/q1.md", content: "# Q1 v2"))
        #expect(try await tool.call(op("read", "2024/q1.md")) == "# Q1 v2")
        let names = try FileManager.default.contentsOfDirectory(atPath: crew.path + "/out/reports/2024")
        #expect(names == ["q1.md"])
        #expect(await failure(tool, op("write", "2024", content: "x")).contains("folder"))
        #expect(await failure(tool, op("write", "2024/q1.md/x", content: "x")).contains("not a folder"))
    }

    @Test func binaryAndLargeFiles() async throws {
        crew.write("data/bin", data: Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01]))
        crew.write("data/latin1", data: Data([0x63, 0x61, 0x66, 0xE9]))
        crew.write("data/big.txt", String(repeating: "é", count: 100))
        let tool = try makeTool(maxReadBytes: 51)
        #expect(await failure(tool, op("read", "bin")).contains("not a UTF-8 text file"))
        #expect(await failure(tool, op("read", "latin1")).contains("not a UTF-8 text file"))
        let big = try await tool.call(op("read", "big.txt"))
        #expect(big.hasPrefix(String(repeating: "é", count: 25) + "\n\n[file cut after the first 50 bytes of 200]"))
    }

    /// Reads are sized by the file: longer than one read block, files that say 0 bytes (/proc), and the limit.
    @Test func readsWholeFilesOfAnySize() throws {
        let text = (0..<30_000).map { "line \($0)\n" }.joined()
        crew.write("data/long.txt", text)
        let folder = try ConfinedFolder(opening: crew.path + "/data")
        func prefix(_ limit: Int) throws -> ([UInt8], Int) {
            let (fd, size) = try folder.openRegular("long.txt")
            defer { close(fd) }
            return try FileIO.readPrefix(fd, size: size, limit: limit, shown: "long.txt")
        }
        let (bytes, size) = try prefix(1 << 20)
        #expect(bytes.count == text.utf8.count && size == text.utf8.count && bytes == Array(text.utf8))
        let (cut, whole) = try prefix(70_000)
        #expect(cut == Array(text.utf8.prefix(70_000)) && whole == text.utf8.count)
        #if os(Linux)
            let proc = try ConfinedFolder(opening: "/proc/self")
            let (fd, zero) = try proc.openRegular("status")
            defer { close(fd) }
            let (status, _) = try FileIO.readPrefix(fd, size: zero, limit: 1 << 20, shown: "status")
            #expect(String(decoding: status, as: UTF8.self).contains("Name:"))
        #endif
    }

    @Test func badConfigurationIsASetupError() {
        for root in ["/etc", "../up", "a/../../up"] {
            #expect(throws: ToolSetupError.self) { try makeTool(root: root) }
        }
    }
}
