import ArgumentParser
import CrewCore
import CrewRuntime
import Foundation

/// `--input key=value` and `--inputs-file FILE`, shared by the commands that run or preview a crew.
struct InputOptions: ParsableArguments {
    @Option(name: .customLong("input"), help: "An input value, key=value (repeatable).")
    var assignments: [String] = []

    @Option(help: "A JSON file of input values.", completion: .file())
    var inputsFile: String?

    /// The given values (`--inputs-file`, then each `--input`), checked against the plan's inputs: a malformed
    /// value is a usage error (2), a missing or mistyped one a failure (1).
    func resolve(_ plan: ExecutionPlan) throws -> [String: String] {
        var given: [String: String] = [:]
        if let inputsFile {
            guard let data = FileManager.default.contents(atPath: inputsFile) else {
                throw Engine.fail(CrewFailure(.r510, "cannot read the inputs file \(inputsFile)"), exit: 2)
            }
            given = try unwrap(RunInputs.parseFile(Array(data), path: inputsFile), exit: 2)
        }
        given.merge(try unwrap(RunInputs.parseAssignments(assignments), exit: 2)) { $1 }
        return try unwrap(RunInputs.resolve(plan.inputs, given: given), exit: 1)
    }

    private func unwrap<T>(_ result: Result<T, RunInputs.InputErrors>, exit code: Int32) throws -> T {
        switch result {
        case .success(let value): return value
        case .failure(let errors): throw Engine.fail(errors, exit: code)
        }
    }
}
