import CrewCore
import CrewDocuments
import CrewRuntime
import CrewSpec
import Foundation

/// Runs a crew's tests (specs/testing.md): each test is one run of the crew with its inputs, its answers from its
/// cassette (or, recording, from the models, kept into that cassette), then its assertions checked against the run's
/// record. Runs are recorded in `.crew/test-runs`, apart from the crew's own runs.
public struct CrewTestRunner: Sendable {
    public enum Mode: Sendable {
        /// Cassette tests replay their cassette; live tests call the models.
        case replay
        /// Every test calls the models; cassette tests write what they got into their cassette.
        case record
    }

    let engine: CrewEngine
    let runnable: RunnablePlan
    let mode: Mode
    let reviewer: (any Reviewer)?

    public init(engine: CrewEngine, runnable: RunnablePlan, mode: Mode = .replay, reviewer: (any Reviewer)? = nil) {
        self.engine = engine
        self.runnable = runnable
        self.mode = mode
        self.reviewer = reviewer
    }

    public static let runsFolder = ".crew/test-runs"
    public static let outputsFolder = ".crew/test-outputs"

    public func run(_ test: CrewTest) async -> TestResult {
        let started = Date()
        var result = TestResult(test: test, status: .error, runID: nil, durationMS: 0)
        do {
            result = try await execute(test)
        } catch {
            result.message = ErrorReport.text(error)
        }
        result.durationMS = Int(Date().timeIntervalSince(started) * 1000)
        return result
    }

    private func execute(_ test: CrewTest) async throws -> TestResult {
        let plan = runnable.plan
        let inputs: [String: String]
        switch RunInputs.resolve(plan.inputs, given: test.inputs) {
        case .success(let values): inputs = values
        case .failure(let errors): throw CrewFailure(.r510, "the test's inputs: \(errors.description)")
        }
        var options = RunOptions()
        options.runsFolder = ConfinedPath(base: runnable.baseFolder, below: Self.runsFolder)
        // `output.file` paths land here, not over the crew's own outputs.
        options.outputFolder = FileSystem.join(runnable.baseFolder, Self.outputsFolder)
        options.reviewer = reviewer
        options.cacheDisabled = true
        let recorder = try cassette(test, into: &options)
        let handle = try engine.start(runnable, inputs: inputs, options: options)
        let outcome = try await handle.result()
        var result = TestResult(test: test, status: .passed, runID: outcome.runID, durationMS: 0)
        let store = RunStore(ConfinedPath(base: runnable.baseFolder, below: Self.runsFolder))
        let check = AssertionCheck(store: store, runID: outcome.runID)
        let clients = try ModelClients(
            plan: plan, transport: engine.transport, environment: engine.configuration.environment,
            retry: engine.configuration.retry, cassette: options.cassette)
        let judge = RubricJudge(clients: clients, plan: plan)
        for assertion in test.assertions {
            if case .rubric(let rubric, let model) = assertion.check {
                let output = check.output(assertion.task)
                result.assertions.append(await judge.verdict(assertion, rubric: rubric, judge: model, output: output))
            } else if let verdict = check.verdict(assertion) {
                result.assertions.append(verdict)
            }
        }
        if let recorder, case .cassette(let path) = test.answers { try write(recorder, to: path) }
        // A test's run must succeed: every task of the crew answered, whatever the assertions say.
        if result.assertions.contains(where: { !$0.passed }) || outcome.status != .succeeded {
            result.status = .failed
        }
        if outcome.status != .succeeded {
            let results = store.taskResults(outcome.runID)
            let failures = plan.tasks.compactMap { task in
                results[task.name]?.error.map { "`\(task.name)`: \($0)" }
            }
            result.message =
                "the run \(outcome.status.rawValue)"
                + (failures.isEmpty ? "" : ": " + failures.prefix(3).joined(separator: "; "))
        }
        return result
    }

    /// Sets the run's cassette mode; the recorder when this test records.
    private func cassette(_ test: CrewTest, into options: inout RunOptions) throws -> CassetteRecorder? {
        guard case .cassette(let path) = test.answers else { return nil }
        if mode == .record {
            let recorder = CassetteRecorder()
            options.cassette = .record(recorder)
            return recorder
        }
        let bytes: [UInt8]
        do {
            bytes = try ConfinedFolder(opening: runnable.baseFolder).read(path, limit: Cassette.maxBytes)
        } catch {
            throw CrewFailure(
                .r522, "cannot read the cassette \(path): \(error)",
                hint: "record it: crew test --record (calls the crew's models)")
        }
        do {
            options.cassette = .replay(
                CassettePlayer(
                    try Cassette.decode(bytes, name: path), name: path,
                    recordAgain: "crew test --record --test \(test.name.value)"))
        } catch {
            throw CrewFailure(.r522, "cannot read the cassette \(path): \(error.message)")
        }
        return nil
    }

    private func write(_ recorder: CassetteRecorder, to path: String) throws {
        let plan = runnable.plan
        let cassette = recorder.cassette(crew: plan.crewName, taskOrder: plan.tasks.map(\.name))
        do {
            try ConfinedFolder(opening: runnable.baseFolder).write(cassette.fileText, to: path)
        } catch {
            throw CrewFailure(.r522, "cannot write the cassette \(path): \(error)")
        }
    }
}
