import ArgumentParser
import CrewCore
import CrewDocuments
import CrewRuntime
import Foundation

/// `--input key=value` and `--inputs-file FILE`, shared by the commands that run or preview a crew.
struct InputOptions: ParsableArguments {
    @Option(
        name: .customLong("input"),
        help: "An input value, key=value (repeatable); key=@FILE reads the value from FILE, key=@@x is the text @x.")
    var assignments: [String] = []

    /// The longest file `key=@FILE` reads.
    static let fileLimit = 1 << 20

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
        let assigned = try unwrap(RunInputs.parseAssignments(assignments), exit: 2)
        given.merge(try assigned.mapValues(Self.value)) { $1 }
        return try unwrap(RunInputs.resolve(plan.inputs, given: given), exit: 1)
    }

    /// `@FILE` is the file's text (a regular file of at most 1 MiB, UTF-8); `@@text` is the literal `@text`.
    static func value(_ given: String) throws -> String {
        guard given.hasPrefix("@") else { return given }
        if given.hasPrefix("@@") { return String(given.dropFirst()) }
        let path = String(given.dropFirst())
        do {
            let bytes = try ConfinedFolder.readRegular(atPath: path, limit: fileLimit)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw Engine.fail(CrewFailure(.r510, "the input file \(path) is not UTF-8 text"), exit: 2)
            }
            return text
        } catch let error as PathFailure {
            throw Engine.fail(
                CrewFailure(
                    .r510, "cannot read the input file \(path): \(error)",
                    hint:
                        "`key=@FILE` reads a regular file of at most 1 MiB; write `key=@@...` for a value starting with @"
                ),
                exit: 2)
        }
    }

    private func unwrap<T>(_ result: Result<T, RunInputs.InputErrors>, exit code: Int32) throws -> T {
        switch result {
        case .success(let value): return value
        case .failure(let errors): throw Engine.fail(errors, exit: code)
        }
    }
}
