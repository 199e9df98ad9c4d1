import CrewCore
import CrewTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The hardening of f942a9b through the `crew` binary: writes confined to the crew's folder, names and plans checked
/// on every way in, `crew init` that never overwrites unasked, bounded durations, locked run folders, crash
/// detection, signals during setup, and terminal text shown escaped.
@Suite struct HardeningCLITests {
    let cli = CLITests()
    let runner = RunCommandTests()

    // MARK: - Helpers

    /// A crew whose model `m` is the provider test server, with a timeout long enough for the slow answers below.
    func crewFolder(_ server: ProviderTestServer, tasks: String, extra: String = "") -> TemporaryFolder {
        let folder = TemporaryFolder(prefix: "crew-harden")
        folder.write(
            "crew/crew.yaml",
            """
            version: 1
            name: harden
            models:
              m: { provider: openai, model: test-model, base_url: "\(server.baseURL)/v1", api_key: "${env:CREW_TEST_KEY}", max_retries: 0, timeout: 120s }
            agents:
              a: { role: Tester, goal: Test things, model: m }
            tasks:
            \(tasks)
            \(extra)
            """)
        return folder
    }

    /// A `crew` started in the background; its output is collected on a thread of its own.
    struct Background {
        let process: Process
        let output: Task<CLITests.Output, Never>

        var pid: Int32 { process.processIdentifier }

        /// Waits for the process, at most `seconds`; one still running then is killed and reported.
        func finish(within seconds: Double = 60) async -> CLITests.Output {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning, Date() < deadline { try? await Task.sleep(nanoseconds: 20_000_000) }
            if process.isRunning {
                Issue.record("crew \(process.arguments ?? []) still ran after \(seconds) s; killed")
                kill(process.processIdentifier, SIGKILL)
            }
            return await output.value
        }
    }

    func start(_ arguments: [String], environment: [String: String] = [:], in folder: String? = nil) throws
        -> Background
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = Task {
            await withCheckedContinuation { (continuation: CheckedContinuation<CLITests.Output, Never>) in
                Thread {
                    let stdout = out.fileHandleForReading.readDataToEndOfFile()
                    let stderr = err.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(
                        returning: CLITests.Output(
                            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                            stderr: String(decoding: stderr, as: UTF8.self)))
                }.start()
            }
        }
        return Background(process: process, output: output)
    }

    /// Every path below `folder` (links not followed), relative to it, sorted.
    static func listing(_ folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).sorted()
    }

    static func runIDs(_ runs: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func json(_ path: String) throws -> JSONValue {
        let data = try #require(FileManager.default.contents(atPath: path), "no \(path)")
        return try JSONParser.parse(Array(data))
    }

    static func link(_ link: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    }

    static let key = ["CREW_TEST_KEY": "k"]

    // MARK: - 1. Writes outside the crew's folder

    @Test func anOutputFileThroughALinkedFolderFailsTheTaskAndWritesNothingOutside() async throws {
        let server = try await ProviderTestServer.start { _ in .reply(text: "ssh-ed25519 AAAA attacker") }
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(
            server,
            tasks: """
                  keys: { agent: a, description: KEYS, output: { file: cfg/authorized_keys } }
                  deep: { agent: a, description: DEEP, output: { file: cfg/sub/authorized_keys } }
                  leaf: { agent: a, description: LEAF, output: { file: out/leaf.md } }
                """)
        let outside = TemporaryFolder(prefix: "crew-harden-outside")
        try Self.link(folder.path + "/crew/cfg", to: outside.path)
        // A link as the output file itself: the write replaces the link, never what it points to.
        outside.write("victim.md", "untouched\n")
        try FileManager.default.createDirectory(
            atPath: folder.path + "/crew/out", withIntermediateDirectories: true)
        try Self.link(folder.path + "/crew/out/leaf.md", to: outside.path + "/victim.md")

        let run = try await cli.crew(["run", folder.path + "/crew"], environment: Self.key)
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(Self.listing(outside.path) == ["victim.md"])
        #expect(try String(contentsOfFile: outside.path + "/victim.md", encoding: .utf8) == "untouched\n")
        let runs = folder.path + "/crew/.crew/runs"
        let id = try #require(Self.runIDs(runs).first)
        for task in ["keys", "deep"] {
            let result = try #require(Record.result(runs, id, task))
            #expect(result["status"]?.stringValue == "failed")
            #expect(result["error"]?.stringValue?.contains("symbolic link `cfg`") == true, "\(result)")
        }
        // The link at the destination was replaced by the output; the file it named is unchanged.
        let leaf = try #require(Record.result(runs, id, "leaf"))
        #expect(leaf["status"]?.stringValue == "succeeded")
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.path + "/crew/out/leaf.md")
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect(run.stdout.contains("FAILED `keys`"))
    }

    @Test(arguments: [".crew", ".crew/runs", ".crew/build"])
    func aLinkedRecordFolderStopsRunAndBuildWithAClearError(linked: String) async throws {
        let server = try await ProviderTestServer.start()
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(server, tasks: "  one: { agent: a, description: ONE, output: { file: out/one.md } }")
        let outside = TemporaryFolder(prefix: "crew-harden-outside")
        let crew = folder.path + "/crew"
        if linked != ".crew" {
            try FileManager.default.createDirectory(atPath: crew + "/.crew", withIntermediateDirectories: true)
        }
        try Self.link(crew + "/" + linked, to: outside.path)

        let built = try await cli.crew(["build", crew])
        let ran = try await cli.crew(["run", crew], environment: Self.key)
        let linkName = linked.split(separator: "/").last.map(String.init) ?? linked
        if linked != ".crew/runs" {
            #expect(built.status == 1, "\(built.stdout)\(built.stderr)")
            #expect(built.stderr.contains("goes through the symbolic link `\(linkName)`"), "\(built.stderr)")
        }
        if linked != ".crew/build" {
            #expect(ran.status == 1, "\(ran.stdout)\(ran.stderr)")
            #expect(ran.stderr.contains("goes through the symbolic link `\(linkName)`"), "\(ran.stderr)")
            #expect(server.requests.isEmpty, "a task ran although its record could not be written")
        }
        #expect(Self.listing(outside.path) == [], "written outside: \(Self.listing(outside.path))")
    }

    @Test func runsAndBuildFoldersTheUserNamesAreTrustedEvenThroughALink() async throws {
        let server = try await ProviderTestServer.start { _ in .reply(text: "fine") }
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(server, tasks: "  one: { agent: a, description: ONE }")
        let elsewhere = TemporaryFolder(prefix: "crew-harden-records")
        try Self.link(folder.path + "/runs-link", to: elsewhere.path)
        let runsDir = folder.path + "/runs-link/runs"
        let ran = try await cli.crew(
            ["run", folder.path + "/crew", "--runs-dir", runsDir], environment: Self.key)
        #expect(ran.status == 0, "\(ran.stdout)\(ran.stderr)")
        #expect(Self.runIDs(elsewhere.path + "/runs").count == 1)
        let listed = try await cli.crew(["runs", "--runs-dir", runsDir])
        #expect(listed.stdout.contains("succeeded"), "\(listed.stdout)")
        let shown = try await cli.crew(["show", "last", "--runs-dir", runsDir])
        #expect(shown.stdout.contains("=== one (succeeded)\nfine"), "\(shown.stdout)")
        let built = try await cli.crew(["build", folder.path + "/crew", "-o", folder.path + "/runs-link/build"])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(FileManager.default.fileExists(atPath: elsewhere.path + "/build/manifest.json"))
    }

    // MARK: - 2. Names and plans checked on every way in

    @Test(arguments: ["tasks", "agents"])
    func aCrewAINameThatIsAPathIsE115AndNothingIsWritten(file: String) async throws {
        let folder = TemporaryFolder(prefix: "crew-harden-crewai")
        let escape = "../../../../tmp/crew-harden-\(UUID().uuidString.prefix(8))"
        let agent = file == "agents" ? escape : "researcher"
        folder.write(
            "project/config/agents.yaml",
            "'\(agent)':\n  role: Researcher\n  goal: Find things\n  backstory: Curious.\n")
        folder.write(
            "project/config/tasks.yaml",
            """
            '\(file == "tasks" ? escape : "research")':
              description: Research the topic.
              expected_output: Notes.
              agent: '\(agent)'
            """)
        let project = folder.path + "/project"
        let before = Self.listing(folder.path)
        let validated = try await cli.crew(["validate", project])
        #expect(validated.status == 1)
        #expect(validated.stdout.contains("\(file).yaml:1:1: error[E115]: `\(escape)` is not a valid name"))
        let ran = try await cli.crew(["run", project])
        #expect(ran.status == 1)
        #expect(ran.stderr.contains("error[E115]") && ran.stderr.contains(escape))
        let built = try await cli.crew(["build", project])
        #expect(built.status == 1)
        #expect(Self.listing(folder.path) == before)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/" + escape.split(separator: "/").last!))
    }

    enum Tampering: String, CaseIterable, Sendable {
        case taskNameIsAPath, outputFileLeaves, outputFileIsAbsolute, contextCycle, unknownContext, hugeTimeout
        case agentNameIsAPath, hugeModelTimeout, zeroMaxParallel
    }

    /// Rewrites `plan.json` of the artifact in `folder` and re-seals the manifest as `Artifact.artifactHash` does:
    /// the file's sha256 and size, then the hash over `path\tsha256\n` lines of every file, sorted.
    static func reseal(_ folder: String, plan: JSONValue) throws {
        let planData = Data((plan.serialized(pretty: true) + "\n").utf8)
        try planData.write(to: URL(fileURLWithPath: folder + "/plan.json"))
        guard case .object(var manifest) = try json(folder + "/manifest.json"),
            case .object(var files)? = manifest["files"]
        else { throw CancellationError() }
        files["plan.json"] = .object(["sha256": .string(Hashing.sha256(planData)), "bytes": .int(planData.count)])
        let hashes = files.compactMapValues { $0["sha256"]?.stringValue }
        manifest["files"] = .object(files)
        manifest["artifact_sha256"] = .string(
            Hashing.sha256(hashes.keys.sorted().map { "\($0)\t\(hashes[$0]!)\n" }.joined()))
        try Data((JSONValue.object(manifest).serialized(pretty: true) + "\n").utf8)
            .write(to: URL(fileURLWithPath: folder + "/manifest.json"))
    }

    static func tamper(_ plan: JSONValue, _ tampering: Tampering?, outside: String) -> JSONValue {
        guard case .object(var top) = plan, case .array(let tasks)? = top["tasks"] else { return plan }
        var byName: [String: [String: JSONValue]] = [:]
        for case .object(let task) in tasks { byName[task["name"]?.stringValue ?? ""] = task }
        func set(_ task: String, _ key: String, _ value: JSONValue) { byName[task]?[key] = value }
        switch tampering {
        case nil: break
        case .taskNameIsAPath:
            set("first", "name", .string("../../x"))
            set("second", "context", .strings(["../../x"]))
        case .outputFileLeaves: set("second", "output", .object(["file": .string("../../x")]))
        case .outputFileIsAbsolute: set("second", "output", .object(["file": .string(outside + "/x")]))
        case .contextCycle: set("first", "context", .strings(["second"]))
        case .unknownContext: set("second", "context", .strings(["ghost"]))
        case .hugeTimeout: set("first", "timeout", .double(1e300))
        case .agentNameIsAPath:
            if case .object(var agents)? = top["agents"], let agent = agents.removeValue(forKey: "a") {
                agents["../a"] = agent
                top["agents"] = .object(agents)
            }
            set("first", "agent", .string("../a"))
            set("second", "agent", .string("../a"))
        case .hugeModelTimeout:
            if case .object(var models)? = top["models"], case .object(var model)? = models["m"] {
                model["timeout"] = .double(1e300)
                models["m"] = .object(model)
                top["models"] = .object(models)
            }
        case .zeroMaxParallel: top["max_parallel"] = .int(0)
        }
        let order = tasks.compactMap { $0["name"]?.stringValue }
        top["tasks"] = .array(order.compactMap { byName[$0].map(JSONValue.object) })
        return .object(top)
    }

    @Test(arguments: [nil] + Tampering.allCases)
    func aTamperedAndResealedPlanNeverRuns(tampering: Tampering?) async throws {
        let server = try await ProviderTestServer.start()
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(
            server,
            tasks: """
                  first: { agent: a, description: FIRST, timeout: 60s }
                  second: { agent: a, description: SECOND, context: [first], output: { file: out/second.md } }
                """)
        let outside = TemporaryFolder(prefix: "crew-harden-outside")
        let crew = folder.path + "/crew"
        let built = try await cli.crew(["build", crew])
        #expect(built.status == 0, "\(built.stderr)")
        let artifact = crew + "/.crew/build"
        let plan = try Self.json(artifact + "/plan.json")
        try Self.reseal(artifact, plan: Self.tamper(plan, tampering, outside: outside.path))

        let ran = try await cli.crew(["run", artifact], environment: Self.key)
        guard tampering != nil else {
            // The control: a plan re-sealed this way runs, so every refusal below is the plan check's.
            #expect(ran.status == 0, "\(ran.stdout)\(ran.stderr)")
            #expect(server.requests.count == 2)
            return
        }
        #expect(ran.status == 1, "\(ran.stdout)\(ran.stderr)")
        #expect(ran.stderr.contains("cannot read the plan"), "\(ran.stderr)")
        #expect(server.requests.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: crew + "/out"))
        #expect(!FileManager.default.fileExists(atPath: crew + "/.crew/runs"))
        #expect(Self.listing(outside.path) == [])
        let dry = try await cli.crew(["run", artifact, "--dry-run"])
        #expect(dry.status == 1 && dry.stderr.contains("cannot read the plan"))
    }

    // MARK: - 3. crew init

    @Test(arguments: ["notes/overview.md", "crew.yaml"])
    func initNeverOverwritesAnExistingFileWithoutForce(existing: String) async throws {
        let folder = TemporaryFolder(prefix: "crew-harden-init")
        let target = folder.path + "/starter"
        folder.write("starter/" + existing, "mine\n")
        let refused = try await cli.crew(["init", target])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("exists already") && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: target + "/" + existing, encoding: .utf8) == "mine\n")
        #expect(Self.listing(target).filter { !$0.hasSuffix("notes") } == [existing], "init wrote a file anyway")

        let forced = try await cli.crew(["init", target, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: target + "/" + existing, encoding: .utf8) != "mine\n")
        #expect(try await cli.crew(["validate", target]).status == 0)
    }

    @Test func initRefusesANotesLinkAndAnyLinkedFile() async throws {
        let folder = TemporaryFolder(prefix: "crew-harden-init")
        let outside = TemporaryFolder(prefix: "crew-harden-outside")
        let target = folder.path + "/starter"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try Self.link(target + "/notes", to: outside.path)
        for force in [false, true] {
            let out = try await cli.crew(["init", target] + (force ? ["--force"] : []))
            #expect(out.status == 1, "\(out.stdout)")
            #expect(out.stderr.contains("symbolic link `notes`"), "\(out.stderr)")
            #expect(Self.listing(outside.path) == [])
            // Both files or neither: a refused init leaves no crew.yaml behind to block the next one.
            #expect(!FileManager.default.fileExists(atPath: target + "/crew.yaml"), "a refused init wrote crew.yaml")
        }
        // crew.yaml a link to a file outside: refused without --force; with it the link is replaced, not its target.
        try FileManager.default.removeItem(atPath: target + "/notes")
        outside.write("victim.yaml", "precious\n")
        try Self.link(target + "/crew.yaml", to: outside.path + "/victim.yaml")
        #expect(try await cli.crew(["init", target]).status == 1)
        let forced = try await cli.crew(["init", target, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: outside.path + "/victim.yaml", encoding: .utf8) == "precious\n")
        #expect(Self.listing(outside.path) == ["victim.yaml"])
    }

    // MARK: - 4. Huge numbers

    @Test(arguments: ["999999999999", "1e300", "99999999999h", "9e18ms", "99999999999999999999"])
    func hugeDurationsAreALocatedE114AndNothingTraps(value: String) async throws {
        let folder = TemporaryFolder(prefix: "crew-harden-numbers")
        let path = folder.write(
            "crew.yaml",
            """
            version: 1
            name: numbers
            models:
              m: { provider: mock, timeout: \(value) }
            tools:
              say: { type: command, program: echo, timeout: \(value) }
            agents:
              a: { role: R, goal: G, model: m, tools: [say] }
            tasks:
              t: { agent: a, description: D, timeout: \(value) }
            defaults: { timeout: \(value) }
            """)
        let out = try await cli.crew(["validate", path, "--format", "json"])
        #expect(out.status == 1, "\(out.stdout)\(out.stderr)")
        let report = try JSONParser.parse(out.stdout)
        let located = (report["diagnostics"]?.arrayValue ?? []).compactMap { item -> String? in
            guard item["code"]?.stringValue == "E114", let line = item["line"]?.intValue,
                let column = item["column"]?.intValue
            else { return nil }
            return "\(line):\(column)"
        }
        let column = "  m: { provider: mock, timeout: ".count + 1
        #expect(located.count == 4, "\(out.stdout)")
        #expect(located.first == "4:\(column)", "\(located)")
        #expect(located.map { $0.split(separator: ":")[0] } == ["4", "6", "10", "11"])
        let text = try await cli.crew(["validate", path])
        #expect(text.status == 1)
        #expect(text.stdout.contains("must be at most 168h (7 days), found `\(value)`"))
        // The run and the build stop at the same errors, without trapping on a conversion.
        for command in ["run", "build"] {
            let stopped = try await cli.crew([command, path])
            #expect(stopped.status == 1, "\(command): \(stopped.stderr)")
            #expect(stopped.stderr.contains("error[E114]"))
        }
    }

    // MARK: - 5. Locking

    /// A run of `fast` then `slow` in which `slow` failed: the starting point of a resume.
    func failedRun(_ server: ProviderTestServer) async throws -> (TemporaryFolder, String) {
        server.setScript { request in
            request.lastUserText.hasPrefix("SLOW") ? .status(400, message: "no") : .reply(text: "fast output")
        }
        let folder = crewFolder(
            server,
            tasks: "  fast: { agent: a, description: FAST }\n  slow: { agent: a, description: SLOW, context: [fast] }")
        let first = try await cli.crew(["run", folder.path + "/crew"], environment: Self.key)
        #expect(first.status == 1, "\(first.stdout)\(first.stderr)")
        let id = try #require(Self.runIDs(folder.path + "/crew/.crew/runs").first)
        return (folder, id)
    }

    func requests(_ server: ProviderTestServer, _ prefix: String) -> Int {
        server.requests.filter { $0.lastUserText.hasPrefix(prefix) }.count
    }

    @Test func twoResumesOfOneRunAtOnceRunItOnce() async throws {
        let server = try await ProviderTestServer.start()
        defer { Task { try? await server.shutdown() } }
        let (folder, id) = try await failedRun(server)
        #expect(requests(server, "SLOW") == 1 && requests(server, "FAST") == 1)
        server.setScript { _ in .delay(seconds: 8, then: .reply(text: "slow output")) }
        let crew = folder.path + "/crew"
        let one = try start(["run", crew, "--resume", id], environment: Self.key)
        let two = try start(["run", crew, "--resume", id], environment: Self.key)
        let outputs = [await one.finish(), await two.finish()]
        let winners = outputs.filter { $0.status == 0 }
        let losers = outputs.filter { $0.status != 0 }
        #expect(winners.count == 1 && losers.count == 1, "\(outputs.map(\.status)) \(outputs.map(\.stderr))")
        #expect(losers.first?.stderr.contains("is being run by another crew process") == true, "\(losers)")
        #expect(requests(server, "SLOW") == 2, "the unfinished task ran \(requests(server, "SLOW") - 1) times")
        #expect(requests(server, "FAST") == 1)
        let run = try Self.json("\(crew)/.crew/runs/\(id)/run.json")
        #expect(run["status"]?.stringValue == "succeeded")
        #expect(run["attempts"]?.intValue == 2)
    }

    @Test func resumingALiveRunIsRefused() async throws {
        let server = try await ProviderTestServer.start { request in
            request.lastUserText.hasPrefix("SLOW") ? .hang : .reply(text: "fast output")
        }
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(
            server,
            tasks: "  fast: { agent: a, description: FAST }\n  slow: { agent: a, description: SLOW, context: [fast] }")
        let crew = folder.path + "/crew"
        let live = try start(["run", crew], environment: Self.key)
        try await runner.waitFor({ self.requests(server, "SLOW") == 1 }, seconds: 60)
        let id = try #require(Self.runIDs(crew + "/.crew/runs").first)
        for which in [id, "last", String(id.prefix(15))] {
            let refused = try await cli.crew(["run", crew, "--resume", which], environment: Self.key)
            #expect(refused.status == 1, "\(refused.stdout)")
            #expect(refused.stderr.contains("run `\(id)` is being run by another crew process (pid \(live.pid)"))
        }
        #expect(requests(server, "SLOW") == 1 && requests(server, "FAST") == 1)
        let listed = try await cli.crew(["runs", "--runs-dir", crew + "/.crew/runs"])
        #expect(listed.stdout.contains("running") && !listed.stdout.contains("crashed"), "\(listed.stdout)")
        kill(live.pid, SIGINT)
        let ended = await live.finish()
        #expect(ended.status == 130)
        #expect(try Self.json("\(crew)/.crew/runs/\(id)/run.json")["status"]?.stringValue == "interrupted")
    }

    // MARK: - 6. kill -9

    @Test func aKilledRunShowsAsCrashedLogsFollowEndsAndResumeFinishesIt() async throws {
        let server = try await ProviderTestServer.start { request in
            request.lastUserText.hasPrefix("SLOW") ? .hang : .reply(text: "fast output")
        }
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(
            server,
            tasks: "  fast: { agent: a, description: FAST }\n  slow: { agent: a, description: SLOW, context: [fast] }")
        let crew = folder.path + "/crew"
        let runs = crew + "/.crew/runs"
        let live = try start(["run", crew], environment: Self.key)
        try await runner.waitFor({ self.requests(server, "SLOW") == 1 }, seconds: 60)
        let id = try #require(Self.runIDs(runs).first)
        // While the run lives, --follow follows: it has not ended after a while.
        let follower = try start(["logs", id, "--runs-dir", runs, "--follow"])
        try await Task.sleep(nanoseconds: 1_500_000_000)
        #expect(follower.process.isRunning, "logs --follow ended while the run was alive")

        kill(live.pid, SIGKILL)
        _ = await live.finish()
        #expect(try Self.json("\(runs)/\(id)/run.json")["status"]?.stringValue == "running")
        let followed = await follower.finish(within: 30)
        #expect(followed.status == 1)
        #expect(followed.stderr.contains("interrupted (crashed)"), "\(followed.stderr)")
        #expect(followed.stdout.contains("finished `fast`"))
        let again = try start(["logs", id, "--runs-dir", runs, "--follow"])
        #expect(await again.finish(within: 30).status == 1)
        let listed = try await cli.crew(["runs", "--runs-dir", runs])
        #expect(listed.stdout.contains("interrupted (crashed)"), "\(listed.stdout)")

        server.setScript { _ in .reply(text: "slow output") }
        let resumed = try await cli.crew(["run", crew, "--resume", id], environment: Self.key)
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(requests(server, "FAST") == 1)
        #expect(requests(server, "SLOW") == 2)
        let after = try await cli.crew(["runs", "--runs-dir", runs])
        #expect(after.stdout.contains("succeeded") && !after.stdout.contains("crashed"), "\(after.stdout)")
        let logs = try start(["logs", id, "--runs-dir", runs, "--follow"])
        #expect(await logs.finish(within: 30).status == 0)
    }

    // MARK: - 7. Signals

    @Test(arguments: [SIGHUP, SIGTERM])
    func aHangupOrTerminateInterruptsTheRun(signal: Int32) async throws {
        let server = try await ProviderTestServer.start { request in
            request.lastUserText.hasPrefix("SLOW") ? .hang : .reply()
        }
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(
            server,
            tasks: "  fast: { agent: a, description: FAST }\n  slow: { agent: a, description: SLOW, context: [fast] }")
        let crew = folder.path + "/crew"
        let live = try start(["run", crew], environment: Self.key)
        try await runner.waitFor({ self.requests(server, "SLOW") == 1 }, seconds: 60)
        kill(live.pid, signal)
        let ended = await live.finish(within: 30)
        #expect(ended.status == 130, "\(ended.stderr)")
        let id = try #require(Self.runIDs(crew + "/.crew/runs").first)
        let run = try Self.json("\(crew)/.crew/runs/\(id)/run.json")
        #expect(run["status"]?.stringValue == "interrupted")
        #expect(run["owner"] == nil)
        let listed = try await cli.crew(["runs", "--runs-dir", crew + "/.crew/runs"])
        #expect(listed.stdout.contains("interrupted") && !listed.stdout.contains("crashed"))
    }

    @Test(arguments: [SIGINT, SIGHUP])
    func aSignalWhileAnMCPServerStartsEndsTheRunAsInterrupted(signal: Int32) async throws {
        let server = try await ProviderTestServer.start()
        defer { Task { try? await server.shutdown() } }
        let marker = "time.sleep(31.\(Int.random(in: 1000...9999)))"
        let folder = crewFolder(
            server, tasks: "  one: { agent: b, description: ONE }",
            extra: """
                tools:
                  slow: { type: mcp, command: python3, args: ["-c", "import time; \(marker)"] }
                """)
        var yaml = try String(contentsOfFile: folder.path + "/crew/crew.yaml", encoding: .utf8)
        yaml = yaml.replacing("agents:\n", with: "agents:\n  b: { role: B, goal: G, model: m, tools: [slow] }\n")
        folder.write("crew/crew.yaml", yaml)
        let crew = folder.path + "/crew"
        let live = try start(["run", crew], environment: Self.key)
        try await runner.waitFor({ RunCommandTests.running("import time; " + marker) }, seconds: 60)
        kill(live.pid, signal)
        let ended = await live.finish(within: 30)
        #expect(ended.status == 130, "\(ended.stdout)\(ended.stderr)")
        let id = try #require(Self.runIDs(crew + "/.crew/runs").first)
        #expect(try Self.json("\(crew)/.crew/runs/\(id)/run.json")["status"]?.stringValue == "interrupted")
        #expect(server.requests.isEmpty)
        // The server being started is stopped with the run, not left behind.
        try await runner.waitFor({ !RunCommandTests.running("import time; " + marker) }, seconds: 15)
    }

    // MARK: - 8. Terminal escapes

    static func raw(_ text: String) -> [String] {
        var found: [String] = []
        if text.unicodeScalars.contains("\u{1B}") { found.append("ESC") }
        if text.unicodeScalars.contains("\u{202E}") { found.append("U+202E") }
        if text.unicodeScalars.contains("\u{07}") { found.append("BEL") }
        return found
    }

    @Test func validateShowsControlAndBidiCharactersEscaped() async throws {
        let folder = TemporaryFolder(prefix: "crew-harden-escape")
        let path = folder.write(
            "crew.yaml",
            #"""
            version: 1
            name: escapes
            models:
              m: { provider: mock }
            agents:
              a: { role: R, goal: G, model: m }
            tasks:
              "pwn\u001b]0;pwned\u0007": { agent: a, description: "x\u001b[2J y" }
              "rev\u202eab": { agent: a, description: "flip \u202e it" }
              ok: { agent: a, description: "clear \u001b[2J \u202e {nope}", context: ["ghost\u001b[2J", "\u202eevil"] }
            """#)
        for format in ["text", "github"] {
            let out = try await cli.crew(["validate", path, "--format", format])
            #expect(out.status == 1)
            #expect(Self.raw(out.stdout + out.stderr).isEmpty, "\(format): raw \(Self.raw(out.stdout + out.stderr))")
        }
        // JSON is for programs: its serializer escapes every control character (U+202E is valid JSON text as is).
        let json = try await cli.crew(["validate", path, "--format", "json"])
        #expect(json.status == 1)
        #expect(!json.stdout.unicodeScalars.contains("\u{1B}") && !json.stdout.unicodeScalars.contains("\u{07}"))
        #expect((try JSONParser.parse(json.stdout))["errors"]?.intValue ?? 0 >= 3)
        let text = try await cli.crew(["validate", path])
        #expect(text.stdout.contains(#"`pwn\x1b]0;pwned\x07` is not a valid name"#), "\(text.stdout)")
        #expect(text.stdout.contains(#"`rev\u{202e}ab` is not a valid name"#))
        #expect(text.stdout.contains(#"unknown task `ghost\x1b[2J`"#))
        for command in ["run", "build", "graph"] {
            let out = try await cli.crew([command, path])
            #expect(out.status == 1)
            #expect(Self.raw(out.stdout + out.stderr).isEmpty, "\(command): \(Self.raw(out.stdout + out.stderr))")
        }
    }

    @Test func modelAnswersAndErrorsAreShownEscaped() async throws {
        let hostile = "A\u{1B}]0;pwned\u{07}B\u{1B}[2J C \u{202E} D\nsecond line"
        let server = try await ProviderTestServer.start { request in
            request.lastUserText.hasPrefix("BAD")
                ? .status(400, message: "bad \u{1B}[31mred\u{1B}[0m \u{202E}txt") : .reply(text: hostile)
        }
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(
            server,
            tasks: """
                  good: { agent: a, description: "GOOD \\u001b[2J \\u202e" }
                  bad: { agent: a, description: BAD }
                """)
        let crew = folder.path + "/crew"
        let runs = crew + "/.crew/runs"
        let ran = try await cli.crew(["run", crew], environment: Self.key)
        #expect(ran.status == 1)
        var shown = [ran.stdout, ran.stderr]
        for arguments in [["show", "last"], ["logs", "last"], ["runs"], ["logs", "last", "--follow"]] {
            let out = try await cli.crew(arguments + ["--runs-dir", runs])
            shown += [out.stdout, out.stderr]
        }
        let dry = try await cli.crew(["run", crew, "--dry-run"])
        shown += [dry.stdout, dry.stderr]
        for (index, text) in shown.enumerated() {
            #expect(Self.raw(text).isEmpty, "output \(index) holds raw \(Self.raw(text)): \(text)")
        }
        let show = try await cli.crew(["show", "last", "--runs-dir", runs])
        #expect(show.stdout.contains(#"A\x1b]0;pwned\x07B\x1b[2J C \u{202e} D"# + "\nsecond line"), "\(show.stdout)")
        #expect(show.stdout.contains("refused (400)"), "\(show.stdout)")
        // The record keeps the answer as it came: escaping is for the terminal only.
        let id = try #require(Self.runIDs(runs).first)
        let output = try String(contentsOfFile: "\(runs)/\(id)/tasks/good/output.md", encoding: .utf8)
        #expect(output == hostile)
    }
}
