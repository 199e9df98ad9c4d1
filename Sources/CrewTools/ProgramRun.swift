import CrewCore

/// A program crew itself runs (git, for `crew diff` between revisions), through the one spawner: no shell, the
/// child environment's few variables, output captured up to a limit.
package enum ProgramRun {
    package struct Result: Sendable {
        package var status: Int32?
        package var stdout: String
        package var stderr: String
        package var succeeded: Bool { status == 0 }
    }

    /// Runs `program` (looked up on PATH) with `arguments` in `directory`.
    package static func run(_ program: String, _ arguments: [String], in directory: String?, outputLimit: Int = 1 << 20)
        async throws(ToolFailure) -> Result
    {
        guard let executable = ProgramLocator.find(program, crewFolder: directory ?? ".") else {
            throw ToolFailure("program `\(program)` was not found on PATH")
        }
        let output = try await ProcessRunner.run(
            executable: executable, arguments: arguments, environment: ChildEnvironment(), directory: directory,
            outputLimit: outputLimit)
        let status: Int32?
        if case .exited(let code) = output.termination { status = code } else { status = nil }
        return Result(
            status: status, stdout: String(decoding: output.stdout.bytes, as: UTF8.self),
            stderr: String(decoding: output.stderr.bytes, as: UTF8.self))
    }
}
