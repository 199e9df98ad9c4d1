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
        #expect(await failure(tool, op("read", "file-link")).contains("outside"))
        #expect(await failure(tool, op("read", "dir-link/secret.txt")).contains("outside"))
        #expect(await failure(tool, op("list", "dir-link")).contains("outside"))
        #expect(await failure(tool, op("write", "file-link", content: "pwned")).contains("outside"))
        #expect(await failure(tool, op("write", "dir-link/new.txt", content: "pwned")).contains("outside"))
        #expect(await failure(tool, op("write", "dir-link/sub/new.txt", content: "pwned")).contains("outside"))
        #expect(try String(contentsOfFile: outside.path + "/secret.txt", encoding: .utf8) == "secret")
        #expect(!FileManager.default.fileExists(atPath: outside.path + "/new.txt"))
        #expect(!FileManager.default.fileExists(atPath: outside.path + "/sub"))
        let listing = try await tool.call(op("list"))
        #expect(listing.contains("dir-link (link leading outside the folder)"))
        #expect(!listing.contains("secret"))
    }

    @Test func aRootThatIsALinkOutsideIsItsOwnFolder() async throws {
        // The configured folder itself may be a link (the user chose it); links inside it are judged against it.
        let outside = TemporaryFolder(prefix: "crew-real-root")
        outside.write("inside.txt", "fine")
        try link(outside.path, at: "data")
        let tool = try makeTool()
        #expect(try await tool.call(op("read", "inside.txt")) == "fine")
    }

    @Test func allowsSymlinksInsideTheFolder() async throws {
        crew.write("data/real/a.txt", "through the link")
        try link("real", at: "data/alias")
        try link("real/a.txt", at: "data/a-link")
        let tool = try makeTool(write: true)
        #expect(try await tool.call(op("read", "alias/a.txt")) == "through the link")
        #expect(try await tool.call(op("read", "a-link")) == "through the link")
        _ = try await tool.call(op("write", "a-link", content: "changed"))
        #expect(try String(contentsOfFile: crew.path + "/data/real/a.txt", encoding: .utf8) == "changed")
        _ = try await tool.call(op("write", "alias/new/b.txt", content: "made"))
        #expect(try String(contentsOfFile: crew.path + "/data/real/new/b.txt", encoding: .utf8) == "made")
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
        let (bytes, size) = try FileIO.readPrefix(crew.path + "/data/long.txt", limit: 1 << 20, shown: "long.txt")
        #expect(bytes.count == text.utf8.count && size == text.utf8.count && bytes == Array(text.utf8))
        let (cut, whole) = try FileIO.readPrefix(crew.path + "/data/long.txt", limit: 70_000, shown: "long.txt")
        #expect(cut == Array(text.utf8.prefix(70_000)) && whole == text.utf8.count)
        #if os(Linux)
            let (status, _) = try FileIO.readPrefix("/proc/self/status", limit: 1 << 20, shown: "status")
            #expect(String(decoding: status, as: UTF8.self).contains("Name:"))
        #endif
    }

    @Test func badConfigurationIsASetupError() {
        for root in ["/etc", "../up", "a/../../up"] {
            #expect(throws: ToolSetupError.self) { try makeTool(root: root) }
        }
    }
}
