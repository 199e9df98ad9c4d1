import CrewCore
import CrewTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `crew build --target argo` (specs/argo.md): the WorkflowTemplate is valid against Argo's published schema made
/// strict, and a harness that interprets its DAG as Argo would (dependencies, one `crew` process per step with the
/// step's arguments, environment and artifacts mapped to folders, retries as its retryStrategy says) gets the same
/// outputs as a plain `crew run`, including when a step is killed and retried.
@Suite(.enabled(if: ArgoChecker.available, "needs python3 with jsonschema and yaml"))
struct ArgoHarnessTests {
    let cli = CLITests()
    static let checker = Fixtures.root + "/../../scripts/check_argo.py"
}

/// Whether scripts/check_argo.py can run here (CI installs jsonschema and PyYAML for the schema checks).
enum ArgoChecker {
    static let available: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import jsonschema, yaml"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()
}

extension ArgoHarnessTests {
    /// `a` → `b`, `c` → `d`; every answer names its prompt, so a step given the wrong upstream output is seen.
    static func crew(_ folder: TemporaryFolder, _ server: ProviderTestServer) {
        folder.write(
            "crew/crew.yaml",
            """
            version: 1
            name: argo-demo
            inputs:
              topic: { type: string, default: tides }
            models:
              m: { provider: openai, model: gpt-test, base_url: "\(server.baseURL)/v1", api_key: "${env:CREW_TEST_KEY}", max_retries: 1, temperature: 0 }
            agents:
              w: { role: Writer, goal: Write }
            tasks:
              a: { agent: w, description: "A start on {topic}" }
              b_side: { agent: w, description: B one side, context: [a] }
              c: { agent: w, description: C other side, context: [a] }
              d: { agent: w, description: D join, context: [b_side, c], timeout: 2m }

            """)
    }

    static func server(slowD: Bool = false) async throws -> ProviderTestServer {
        try await ProviderTestServer.start { request in
            let prompt = request.lastUserText
            let reply = Behavior.reply(text: "\(prompt.prefix(1)) says \(Hashing.sha256(prompt).prefix(10))")
            return slowD && prompt.hasPrefix("D") ? .delay(seconds: 3, then: reply) : reply
        }
    }

    @Test func theTemplateIsValidAndRunsAsArgoWouldRunIt() async throws {
        let server = try await Self.server()
        defer { Task { try? await server.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-argo")
        Self.crew(folder, server)
        let built = try await cli.crew([
            "build", folder.path + "/crew", "-o", folder.path + "/artifact", "--target", "argo", "--image",
            "crew:test", "--secret", "model-keys",
        ])
        #expect(built.status == 0, "\(built.stderr)")
        let template = folder.path + "/artifact/argo/workflow-template.yaml"
        let checked = try await cli.run("/usr/bin/env", ["python3", Self.checker, template])
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        // The check is strict: a misspelt key is refused.
        let text = try String(contentsOfFile: template, encoding: .utf8)
        let misspelt = folder.write("bad.yaml", text.replacingOccurrences(of: "dependencies:", with: "dependecies:"))
        let refused = try await cli.run("/usr/bin/env", ["python3", Self.checker, misspelt])
        #expect(refused.status == 1 && refused.stdout.contains("'dependecies' was unexpected"))

        let harness = try await Harness.load(template, artifact: folder.path + "/artifact", cli: cli)
        #expect(harness.steps.map(\.name).sorted() == ["a", "b-side", "c", "d"])
        #expect(harness.steps.first { $0.name == "d" }?.dependencies.sorted() == ["b-side", "c"])
        let outputs = try await harness.run(in: folder.path + "/pods", secrets: ["CREW_TEST_KEY": "k"])
        // A plain run of the same crew against the same server gives the same outputs.
        let plain = try await cli.crew(["run", folder.path + "/crew", "--json"], environment: ["CREW_TEST_KEY": "k"])
        #expect(plain.status == 0, "\(plain.stderr)")
        let id = try #require(
            plain.stdout.split(separator: "\n").first.flatMap { try? JSONParser.parse(Array($0.utf8)) }?["run_id"]?
                .stringValue)
        for task in ["a", "b_side", "c", "d"] {
            let expected = try String(
                contentsOfFile: folder.path + "/crew/.crew/runs/\(id)/tasks/\(task)/output.md", encoding: .utf8)
            #expect(outputs[task] == expected, "\(task)")
        }
    }

    @Test func aCrewOf500TasksCompilesToAValidTemplate() async throws {
        let folder = TemporaryFolder(prefix: "crew-argo-500")
        folder.write("crew/crew.yaml", CrewGenerator(tasks: 500, agents: 20, edgesPerTask: 3).yaml())
        let built = try await cli.crew([
            "build", folder.path + "/crew", "-o", folder.path + "/artifact", "--target", "argo", "--cache-claim",
            "crew-cache",
        ])
        #expect(built.status == 0, "\(built.stderr)")
        let template = folder.path + "/artifact/argo/workflow-template.yaml"
        let checked = try await cli.run("/usr/bin/env", ["python3", Self.checker, template])
        #expect(checked.status == 0, "\(checked.stdout.prefix(2000))")
        let text = try String(contentsOfFile: template, encoding: .utf8)
        #expect(text.contains("claimName: crew-cache") && text.contains("- \"--cache-dir\""))
    }

    @Test func aKilledStepIsRetriedAndTheFinishedOnesAreNotRunAgain() async throws {
        let server = try await Self.server(slowD: true)
        defer { Task { try? await server.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-argo-kill")
        Self.crew(folder, server)
        let built = try await cli.crew([
            "build", folder.path + "/crew", "-o", folder.path + "/artifact", "--target", "argo",
        ])
        #expect(built.status == 0, "\(built.stderr)")
        let harness = try await Harness.load(
            folder.path + "/artifact/argo/workflow-template.yaml", artifact: folder.path + "/artifact", cli: cli)
        let outputs = try await harness.run(
            in: folder.path + "/pods", secrets: ["CREW_TEST_KEY": "k"], killFirstAttemptOf: "d")
        #expect(outputs["d"]?.hasPrefix("D says") == true)
        let asked = server.requests.map { String($0.lastUserText.prefix(1)) }
        #expect(asked.filter { $0 == "A" }.count == 1 && asked.filter { $0 == "B" }.count == 1)
        #expect(asked.filter { $0 == "C" }.count == 1)
        #expect(asked.filter { $0 == "D" }.count == 2, "the killed attempt and its retry")
        #expect(harness.attempts["d"] == 2 && harness.attempts["a"] == 1)
    }
}

/// Argo's reading of a WorkflowTemplate, for the parts crew's template uses: the DAG's dependencies, a container's
/// command, arguments and `secretKeyRef` environment, input artifacts placed at their paths, the output artifact
/// taken from its path, and the retry strategy (`limit`, and `expression` on the exit code).
final class Harness: @unchecked Sendable {
    struct Step {
        var name: String
        var dependencies: [String]
        var template: JSONValue
        /// The crew task it runs (its `--task` argument).
        var task: String
    }

    let steps: [Step]
    let parameters: [String: String]
    let artifact: String
    let cli: CLITests
    private let lock = NSLock()
    private var records: [String: String] = [:]
    private(set) var attempts: [String: Int] = [:]

    init(steps: [Step], parameters: [String: String], artifact: String, cli: CLITests) {
        self.steps = steps
        self.parameters = parameters
        self.artifact = artifact
        self.cli = cli
    }

    static func load(_ path: String, artifact: String, cli: CLITests) async throws -> Harness {
        let converted = try await cli.run(
            "/usr/bin/env",
            ["python3", "-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", path])
        let json = try JSONParser.parse(Array(converted.stdout.utf8))
        let templates = json["spec"]?["templates"]?.arrayValue ?? []
        let entry = json["spec"]?["entrypoint"]?.stringValue
        let dag = templates.first { $0["name"]?.stringValue == entry }?["dag"]?["tasks"]?.arrayValue ?? []
        let steps = dag.compactMap { task -> Step? in
            guard let name = task["name"]?.stringValue,
                let template = templates.first(where: { $0["name"] == task["template"] })
            else { return nil }
            let args = template["container"]?["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let crewTask = args.firstIndex(of: "--task").map { args[$0 + 1] } ?? name
            return Step(
                name: name, dependencies: task["dependencies"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                template: template, task: crewTask)
        }
        var parameters: [String: String] = [:]
        for parameter in json["spec"]?["arguments"]?["parameters"]?.arrayValue ?? [] {
            if let name = parameter["name"]?.stringValue { parameters[name] = parameter["value"]?.stringValue ?? "" }
        }
        return Harness(steps: steps, parameters: parameters, artifact: artifact, cli: cli)
    }

    /// Runs every step as soon as its dependencies have succeeded, those that are ready at once in parallel;
    /// returns each crew task's output.
    func run(in root: String, secrets: [String: String], killFirstAttemptOf killed: String? = nil) async throws
        -> [String: String]
    {
        var done: Set<String> = []
        while done.count < steps.count {
            let ready = steps.filter { !done.contains($0.name) && $0.dependencies.allSatisfy(done.contains) }
            guard !ready.isEmpty else { throw HarnessFailure("the DAG cannot go on") }
            try await withThrowingTaskGroup(of: String.self) { group in
                for step in ready {
                    group.addTask {
                        try await self.runWithRetries(step, root: root, secrets: secrets, kill: step.task == killed)
                        return step.name
                    }
                }
                for try await name in group { done.insert(name) }
            }
        }
        var outputs: [String: String] = [:]
        for step in steps {
            let record = lock.withLock { records[step.name] } ?? ""
            outputs[step.task] = try? String(contentsOfFile: record + "/output.md", encoding: .utf8)
        }
        return outputs
    }

    private func runWithRetries(_ step: Step, root: String, secrets: [String: String], kill: Bool) async throws {
        let strategy = step.template["retryStrategy"]
        let limit = Int(strategy?["limit"]?.stringValue ?? "0") ?? 0
        for attempt in 1...(limit + 1) {
            lock.withLock { attempts[step.name] = attempt }
            let status = try await attemptStep(
                step, root: root + "/\(step.name)-\(attempt)", secrets: secrets,
                kill: kill && attempt == 1)
            if status == 0 { return }
            // `asInt(lastRetry.exitCode) == 75`; a pod killed by a signal is retried as Argo retries an error.
            let retryable = status == 75 || status < 0
            guard retryable, attempt <= limit else { throw HarnessFailure("step \(step.name) failed with \(status)") }
        }
    }

    /// One pod: a fresh state folder with the input artifacts in it, the container's command, the output artifact.
    private func attemptStep(_ step: Step, root: String, secrets: [String: String], kill: Bool) async throws -> Int32 {
        let state = root + "/state/run"
        try FileManager.default.createDirectory(atPath: state + "/tasks", withIntermediateDirectories: true)
        for input in step.template["inputs"]?["artifacts"]?.arrayValue ?? [] {
            guard let name = input["name"]?.stringValue, let path = input["path"]?.stringValue,
                let record = lock.withLock({ records[name] })
            else { throw HarnessFailure("step \(step.name): input artifact missing") }
            try FileManager.default.copyItem(atPath: record, toPath: map(path, state: state))
        }
        let container = step.template["container"]
        let args = (container?["args"]?.arrayValue ?? []).compactMap(\.stringValue).map { map($0, state: state) }
        var environment: [String: String] = [:]
        for variable in container?["env"]?.arrayValue ?? [] {
            guard let name = variable["name"]?.stringValue,
                let key = variable["valueFrom"]?["secretKeyRef"]?["key"]?.stringValue
            else { continue }
            environment[name] = secrets[key] ?? ""
        }
        let status: Int32
        if kill {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLITests.binary)
            process.arguments = args
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            try await Task.sleep(nanoseconds: 800_000_000)
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            status = -1
        } else {
            status = try await cli.crew(args, environment: environment).status
        }
        if status == 0, let output = step.template["outputs"]?["artifacts"]?.arrayValue?.first?["path"]?.stringValue {
            let record = map(output, state: state)
            lock.withLock { records[step.name] = record }
        }
        return status
    }

    /// The pod's paths on this machine: the artifact baked into the image, the state folder, the parameters.
    private func map(_ text: String, state: String) -> String {
        var mapped = text.replacingOccurrences(of: "/crew/artifact", with: artifact)
            .replacingOccurrences(of: "/state/run", with: state)
        for (name, value) in parameters {
            mapped = mapped.replacingOccurrences(of: "{{workflow.parameters.\(name)}}", with: value)
        }
        return mapped
    }

    struct HarnessFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
