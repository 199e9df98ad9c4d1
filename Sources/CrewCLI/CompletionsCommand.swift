import ArgumentParser

/// `crew completions SHELL`: print a completion script (bash, zsh or fish).
struct CompletionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration.crew(
        "completions", abstract: "Print a shell completion script.",
        discussion: "bash: crew completions bash > /etc/bash_completion.d/crew")

    @Argument(help: "bash, zsh or fish.")
    var shell: String

    func validate() throws {
        guard CompletionShell(rawValue: shell) != nil else {
            throw ValidationError("unknown shell `\(shell)`; use bash, zsh or fish")
        }
    }

    func run() throws {
        guard let kind = CompletionShell(rawValue: shell) else { return }
        print(CrewCommand.completionScript(for: kind))
    }
}
