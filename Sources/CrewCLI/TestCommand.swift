import ArgumentParser
import CrewBuild
import CrewCore
import CrewKit
import CrewSpec
import Foundation

/// `crew test`: run a crew's tests (specs/testing.md) and report each; exit 0 when all pass, 1 when one fails or
/// the crew or a test file has errors, 2 on a usage error, as `crew validate` does.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration.crew(
        "test",
        abstract: "Run the crew's tests: each a run from its cassette (or live), then its assertions.",
        discussion: "Tests live in tests/*.yaml or under `tests:` in crew.yaml; see specs/testing.md.")

    @OptionGroup var crew: CrewPathOptions

    @Option(help: "Output format: text, or github (GitHub Actions annotations for failures).")
    var format: TestReport.Format = .text

    @Option(help: "Also write the results as JUnit XML to this file.", completion: .file())
    var junit: String?

    @Option(name: .customLong("test"), help: "Run only the tests with these names (repeatable).")
    var only: [String] = []

    @Flag(help: "Call the crew's models and write what they answer into each test's cassette.")
    var record = false

    func run() async throws {
        let diagnosticFormat: DiagnosticRenderer.Format = format == .github ? .github : .text
        let compiled = Compilation.compile(
            path: crew.path, crewAI: crew.crewAI, format: diagnosticFormat, toStdout: true)
        guard compiled.succeeded, let source = compiled.result.crew else { throw ExitCode(1) }
        let loaded = CrewTestLoader().load(source, sources: compiled.sources)
        if !loaded.diagnostics.items.isEmpty {
            let renderer = DiagnosticRenderer(color: Terminal.useColor(fileDescriptor: 1)) { file, line in
                compiled.sources.line(file, line)
            }
            Terminal.outRaw(renderer.render(loaded.diagnostics.sorted, format: diagnosticFormat))
            if loaded.diagnostics.errorCount > 0 { throw ExitCode(1) }
        }
        let unknown = only.filter { name in !loaded.tests.contains { $0.name.value == name } }
        if !unknown.isEmpty {
            let names = unknown.map { "`\(TerminalText.escape($0))`" }.joined(separator: ", ")
            let known = loaded.tests.map(\.name.value).joined(separator: ", ")
            Terminal.err("error: no test named \(names); the tests are: \(known.isEmpty ? "none" : known)\n")
            throw ExitCode(2)
        }
        let chosen = loaded.tests.filter { only.isEmpty || only.contains($0.name.value) }
        let runnable: RunnablePlan
        do {
            runnable = try await Engine.shared.runnable(compiled)
        } catch {
            throw Engine.fail(error)
        }
        let runner = CrewTestRunner(
            engine: Engine.shared, runnable: runnable, mode: record ? .record : .replay, reviewer: ApproveAll())
        let report = TestReport(format: format, root: source.displayRoot)
        var results: [TestResult] = []
        for test in chosen {
            let result = await runner.run(test)
            report.show(result)
            results.append(result)
        }
        report.summary(results, crew: source.name.value)
        if let junit {
            do {
                try Data(TestReport.junit(results, suite: source.name.value).utf8).write(
                    to: URL(fileURLWithPath: junit), options: .atomic)
            } catch {
                throw Engine.fail(CrewFailure(.r510, "cannot write \(junit): \(error.localizedDescription)"), exit: 2)
            }
        }
        if results.contains(where: { $0.status != .passed }) { throw ExitCode(1) }
    }
}
