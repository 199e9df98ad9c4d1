import ArgumentParser
import CrewCore
import Foundation

/// `crew init`: write a starter crew that validates, builds and shows the format's main features.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration.crew(
        "init", abstract: "Create a starter crew in a folder (default: the current folder).")

    @Argument(help: "The folder to create the crew in.", completion: .directory)
    var directory: String = "."

    @Option(help: "The crew's name (lowercase letters, digits, -). Default: the folder's name.")
    var name: String?

    @Flag(help: "Replace crew.yaml and notes/overview.md when they exist.")
    var force = false

    static let files = ["crew.yaml", "notes/overview.md"]

    func run() throws {
        let folderName = URL(fileURLWithPath: Glob.realPath(directory)).lastPathComponent
        let crewName = name ?? slug(folderName)
        guard !crewName.isEmpty,
            crewName.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D })
        else {
            Terminal.err(
                "error: `\(TerminalText.escape(crewName))` is not a valid crew name; pass --name with lowercase "
                    + "letters, digits and -\n")
            throw ExitCode(2)
        }
        do {
            try write(crewName: crewName)
        } catch {
            Terminal.err("error: \(error)\n")
            throw ExitCode(1)
        }
        let shown = TerminalText.escape(directory)
        Terminal.out(
            "created \(FileSystem.join(shown, "crew.yaml")) and notes/overview.md; .gitignore leaves out .crew/\n"
                + "next: crew validate \(shown) && crew graph \(shown)\n")
    }

    /// Both files or, without `--force`, neither when one exists: a crew's own files are never replaced unasked.
    /// Writes go below the folder without following links, and never replace a file that appears meanwhile.
    private func write(crewName: String) throws(PathFailure) {
        let folder = try ConfinedFolder(opening: directory, create: true)
        // A link (or a file) where a folder of the starter goes is refused before anything is written, with or
        // without --force: otherwise crew.yaml would be written and notes/overview.md refused, a half-made crew.
        for file in Self.files {
            let parts = file.split(separator: "/").map(String.init)
            for depth in parts.indices.dropLast() {
                let folderPath = parts[...depth].joined(separator: "/")
                switch folder.kind(of: folderPath) {
                case nil, .folder?: continue
                case .link?: throw PathFailure(folder.display(file), .link(parts[depth]))
                case .some: throw PathFailure(folder.display(file), .notFolder(parts[depth]))
                }
            }
        }
        if !force, let existing = Self.files.first(where: { folder.kind(of: $0) != nil }) {
            var failure = PathFailure(folder.display(existing), .exists)
            failure.hint = "`crew init` never overwrites a file; pass --force to replace it"
            throw failure
        }
        let replace: ConfinedFolder.Replace = force ? .always : .never
        try folder.write(StarterCrew.crewFile(name: crewName), to: "crew.yaml", replace: replace)
        try folder.write(StarterCrew.notes, to: "notes/overview.md", replace: replace)
        try ignoreRecords(in: folder)
    }

    /// `.crew/` (runs, builds, the task cache) is the machine's, not the repository's: a `.gitignore` gets the line,
    /// made when missing and added to when it lacks it. A `.gitignore` that is a link is left alone.
    private func ignoreRecords(in folder: ConfinedFolder) throws(PathFailure) {
        switch folder.kind(of: ".gitignore") {
        case nil:
            try folder.write(StarterCrew.gitignore, to: ".gitignore", replace: .never)
        case .file?:
            let text = String(decoding: try folder.read(".gitignore", limit: 1 << 20), as: UTF8.self)
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            guard !lines.contains(where: { [".crew", ".crew/", "/.crew", "/.crew/"].contains($0) }) else { return }
            let fd = try folder.openForAppend(".gitignore")
            defer { close(fd) }
            let addition = (text.isEmpty || text.hasSuffix("\n") ? "" : "\n") + StarterCrew.gitignore
            FileHandle(fileDescriptor: fd, closeOnDealloc: false).write(Data(addition.utf8))
        default:
            return
        }
    }

    private func slug(_ text: String) -> String {
        let mapped = text.lowercased().map { ch -> Character in ch.isASCII && (ch.isLetter || ch.isNumber) ? ch : "-" }
        return String(mapped).split(separator: "-").joined(separator: "-")
    }
}

/// The files `crew init` writes.
enum StarterCrew {
    static let gitignore = "# crew's runs, builds and task cache (crew init)\n.crew/\n"

    static func crewFile(name: String) -> String {
        """
        version: 1
        name: \(name)
        description: Research a topic from three angles, then write one brief.

        inputs:
          topic: { type: string, default: heat pumps }
          max_words: { type: integer, default: 300 }

        models:
          main:
            provider: openai            # any OpenAI-compatible server; set OPENAI_BASE_URL for a local one
            model: gpt-4o-mini
            base_url: ${env:OPENAI_BASE_URL}
            api_key: ${env:OPENAI_API_KEY}
            temperature: 0.2
            timeout: 60s

        knowledge:
          notes: { sources: ["notes/*.md"], chunk: { size: 400, overlap: 40 } }

        tools:
          search_notes: { type: knowledge, knowledge: notes, top_k: 4 }

        agents:
          researcher:
            role: Researcher
            goal: Find what matters about {topic}
            backstory: You read widely and cite what you read.
            tools: [search_notes]
          writer:
            role: Writer
            goal: Turn research into a clear brief
            backstory: You write short, plain sentences.

        tasks:
          costs:
            agent: researcher
            description: What does {topic} cost to buy and to run?
            expected_output: Five bullet points with figures.
          adoption:
            agent: researcher
            description: Who is adopting {topic}, and why?
            expected_output: Five bullet points.
          risks:
            agent: researcher
            description: What are the risks and open problems of {topic}?
            expected_output: Five bullet points.
          brief:
            agent: writer
            context: [costs, adoption, risks]
            description: Write a brief on {topic} of at most {max_words} words.
            expected_output: A markdown brief with a title and three sections.
            output: { file: out/brief.md }

        defaults: { model: main, max_parallel: 4 }

        """
    }

    static let notes = """
        # Notes

        Put the documents your agents should search in this folder. `crew build` compiles them into an index.

        """
}
