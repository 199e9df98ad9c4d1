import CrewCore
import CrewTestSupport
import Foundation
import Testing

@testable import CrewTools

@Suite struct CommandToolTests {
    let crew = TemporaryFolder(prefix: "crew-command-tool")

    func makeTool(
        _ program: String, _ args: [String] = [], schema: JSONValue? = nil, env: [String: String] = [:],
        declared: [String: String] = [:], outputLimit: Int = 256 * 1024
    ) throws -> CommandTool {
        var config: [String: JSONValue] = [
            "type": .string("command"), "program": .string(program), "args": .strings(args),
        ]
        if let schema { config["input_schema"] = schema }
        if !declared.isEmpty { config["env"] = .object(declared.mapValues(JSONValue.string)) }
        return try CommandTool(
            name: "run", config: .object(config), context: testContext(folder: crew.path, env: env),
            outputLimit: outputLimit)
    }

    static let textSchema: JSONValue = .object([
        "type": .string("object"),
        "properties": .object([
            "text": .object(["type": .string("string")]), "n": .object(["type": .string("integer")]),
        ]),
    ])

    @Test func argumentsArriveVerbatimWithoutAShell() async throws {
        let tool = try makeTool("printf", ["[%s]\\n", "{text}", "x{text}y"], schema: Self.textSchema)
        for hostile in ["; touch pwned", "$(touch pwned)", "`touch pwned`", "a b  c", "*", "'\"", "| touch pwned &"] {
            let result = try await tool.call(.object(["text": .string(hostile)]))
            #expect(result.contains("[\(hostile)]\n[x\(hostile)y]"), "\(result)")
        }
        #expect(!FileManager.default.fileExists(atPath: crew.path + "/pwned"))
        #expect(tool.descriptor.inputSchema == Self.textSchema)
    }

    @Test func missingPropertiesDropTheirArgumentAndValuesAreStringified() async throws {
        let tool = try makeTool("printf", ["[%s]", "--n={n}", "{text}", "end"], schema: Self.textSchema)
        #expect(try tool.argv(for: .object(["text": .string("t")])) == ["[%s]", "t", "end"])
        #expect(try tool.argv(for: .object(["n": .int(3), "text": .bool(true)])) == ["[%s]", "--n=3", "true", "end"])
        #expect(try tool.argv(for: .object(["n": .double(2), "text": .null])) == ["[%s]", "--n=2", "end"])
        #expect(try tool.argv(for: .object(["text": .array([.int(1)])])) == ["[%s]", "[1]", "end"])
        #expect(throws: ToolFailure.self) { try tool.argv(for: .object(["text": .string("a\0b")])) }
    }

    @Test func referencesAreResolvedAtSetup() async throws {
        let tool = try makeTool("printf", ["%s", "${env:GREETING}-{{literal}}"], env: ["GREETING": "hi"])
        #expect(try await tool.call(.object([:])).contains("hi-{literal}"))
        #expect(tool.descriptor.inputSchema == .object(["type": .string("object"), "properties": .object([:])]))
        #expect(throws: ToolSetupError.self) { try makeTool("printf", ["${env:NOT_SET_ANYWHERE}"]) }
    }

    @Test func resultHasStatusAndBothStreams() async throws {
        let tool = try makeTool("sh", ["-c", "echo out; echo err >&2; pwd"])
        let result = try await tool.call(.object([:]))
        let folder = Glob.realPath(crew.path)
        #expect(result.hasPrefix("exit status 0\n--- stdout ("))
        #expect(result.contains("out\n\(folder)"))
        #expect(result.contains("--- stderr (4 bytes) ---\nerr"))
    }

    @Test func nonZeroExitIsAFailureWithTheOutput() async throws {
        let tool = try makeTool("sh", ["-c", "echo broken >&2; exit 3"])
        let message = await failure(tool, .object([:]))
        #expect(message.hasPrefix("exit status 3"))
        #expect(message.contains("broken"))
    }

    @Test func outputIsCappedWhileTheChildRunsToTheEnd() async throws {
        let tool = try makeTool(
            "sh", ["-c", "head -c 3000000 /dev/zero | tr '\\0' a; echo done >&2"], outputLimit: 100)
        let result = try await tool.call(.object([:]))
        #expect(result.contains("--- stdout (3000000 bytes) ---\n" + String(repeating: "a", count: 100) + "\n[cut"))
        #expect(result.contains("[cut after the first 100 bytes of 3000000]"))
        #expect(result.contains("done"))
    }

    @Test func cancellationKillsTheProcessGroup() async throws {
        let pidFile = crew.path + "/pids"
        // The child ignores SIGTERM and starts a grandchild: both must be gone once the call returns.
        let script = "trap '' TERM; sleep 30 & echo $$ $! > \(pidFile); wait"
        let tool = try makeTool("sh", ["-c", script])
        let started = Date()
        let task = Task { await failure(tool, .object([:])) }
        var pids: [Int32] = []
        for _ in 0..<100 where pids.count < 2 {
            try await Task.sleep(for: .milliseconds(20))
            let text = (try? String(contentsOfFile: pidFile, encoding: .utf8)) ?? ""
            pids = text.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
        }
        try #require(pids.count == 2)
        task.cancel()
        let message = await task.value
        #expect(message.contains("stopped"))
        #expect(Date().timeIntervalSince(started) < 10)
        // The child is reaped by the tool; the grandchild is dead, though it may stay a zombie until whatever
        // adopted it reaps it (a container's init may never do so).
        #expect(kill(pids[0], 0) == -1 && errno == ESRCH, "the child is still there")
        #expect(Self.isGoneOrZombie(pids[1]), "the grandchild is still running")
    }

    static func isGoneOrZombie(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return errno == ESRCH }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[close...].dropFirst(2).first == "Z"
    }

    @Test func missingProgramIsASetupError() {
        do {
            _ = try makeTool("no-such-program-\(UUID().uuidString)")
            Issue.record("expected a setup error")
        } catch let error as ToolSetupError {
            #expect(error.message.contains("run"))
            #expect(error.message.contains("not found"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(throws: ToolSetupError.self) { try makeTool("./missing.sh") }
    }

    // MARK: Values that would become options

    static let fileSchema: JSONValue = .object([
        "type": .string("object"),
        "properties": .object([
            "file": .object(["type": .string("string")]), "text": .object(["type": .string("string")]),
            "flag": .object(["type": .string("string"), "x-crew-allow-option": .bool(true)]),
            "n": .object(["type": .string("integer")]),
        ]),
    ])

    @Test func aValueThatWouldStartAnOptionIsRefusedWithWhatToDo() async throws {
        let tool = try makeTool("sort", ["{file}", "{n}"], schema: Self.fileSchema)
        for hostile in ["--output=/tmp/pwned", "-o", "-"] {
            let message = await failure(tool, .object(["file": .string(hostile)]))
            #expect(message.contains("The value of `file`"), "\(message)")
            #expect(message.contains("starts with `-`") && message.contains("`sort` would read it as an option"))
            #expect(message.contains("./-x") && message.contains("`x-crew-allow-option: true` on property `file`"))
        }
        #expect(throws: ToolFailure.self) { try tool.argv(for: .object(["n": .int(-5)])) }
        #expect(try tool.argv(for: .object(["file": .string("notes-1.txt")])) == ["notes-1.txt"])
        #expect(try tool.argv(for: .object(["file": .string("./-x")])) == ["./-x"])
    }

    @Test func aValueAfterALiteralPrefixOrAnEmptyOneIsJudgedByTheArgumentsStart() throws {
        let tool = try makeTool(
            "printf", ["--name={text}", "-o{file}", "{text}{file}", "{n}"],
            schema: .object([
                "properties": .object([
                    "text": .object(["type": .string("string")]), "file": .object(["type": .string("string")]),
                    "n": .object(["type": .string("integer"), "x-crew-allow-option": .bool(true)]),
                ])
            ]))
        #expect(
            try tool.argv(for: .object(["text": .string("a"), "file": .string("-b"), "n": .int(-2)]))
                == ["--name=a", "-o-b", "a-b", "-2"])
        // `text` is empty, so `file` starts the third argument.
        #expect(throws: ToolFailure.self) {
            try tool.argv(for: .object(["text": .string(""), "file": .string("-b")]))
        }
        #expect(throws: ToolFailure.self) {
            try tool.argv(for: .object(["text": .string("-a"), "file": .string("b")]))
        }
    }

    @Test func anOptedInPropertyMayStartAnOptionAndTheModelNeverSeesTheKey() async throws {
        let tool = try makeTool("printf", ["[%s]", "{flag}"], schema: Self.fileSchema)
        #expect(try await tool.call(.object(["flag": .string("-v")])).contains("[-v]"))
        let shown = tool.descriptor.inputSchema["properties"]?["flag"]
        #expect(shown == .object(["type": .string("string")]))
        let wrong = JSONValue.object([
            "properties": .object(["file": .object(["x-crew-allow-option": .string("yes")])])
        ])
        #expect(throws: ToolSetupError.self) { try makeTool("sort", ["{file}"], schema: wrong) }
    }

    // MARK: Environment

    @Test func theProgramSeesOnlyTheMinimalEnvironmentAndItsDeclaredVariables() async throws {
        let canary = "crew-canary-\(UUID().uuidString)"
        setenv("CREW_TEST_CANARY", canary, 1)
        defer { unsetenv("CREW_TEST_CANARY") }
        let tool = try makeTool(
            "env", env: ["TOKEN": "tool-token-41c7"], declared: ["GREETING": "hello", "API_TOKEN": "${env:TOKEN}"])
        let result = try await tool.call(.object([:]))
        let names = Set(
            result.split(separator: "\n").filter { $0.contains("=") && !$0.hasPrefix("---") }
                .compactMap { $0.split(separator: "=").first.map(String.init) })
        #expect(names.isSubset(of: Set(ChildEnvironment.inherited + ["GREETING", "API_TOKEN"])), "\(names)")
        #expect(names.isSuperset(of: ["GREETING", "API_TOKEN", "PATH"]))
        #expect(result.contains("GREETING=hello") && result.contains("API_TOKEN=tool-token-41c7"))
        #expect(!result.contains(canary))
        #expect(throws: ToolSetupError.self) { try makeTool("env", declared: ["A=B": "x"]) }
        #expect(throws: ToolSetupError.self) { try makeTool("env", declared: ["X": "${env:NOT_SET_ANYWHERE}"]) }
    }
}
