import CrewCore
import Foundation

/// Loads a crew (native or crewAI) from disk into the typed model, collecting every diagnostic on the way.
public struct CrewLoader: Sendable {
    public var yaml = YAMLLoader()
    public var crewAI = CrewAIOptions()

    public init(crewAI: CrewAIOptions = CrewAIOptions()) {
        self.crewAI = crewAI
    }

    /// The outcome of loading: a crew when one could be read at all, and every problem found.
    public struct Output: Sendable {
        public var crew: Crew?
        public var diagnostics: Diagnostics
        public var sources: SourceText
    }

    public func load(path: String) -> Output {
        let sources = SourceText()
        switch CrewLocation.locate(path) {
        case .failure(let diagnostic):
            var diagnostics = Diagnostics()
            diagnostics.append(diagnostic)
            return Output(crew: nil, diagnostics: diagnostics, sources: sources)
        case .success(.native(let root, let file)):
            return loadNative(root: root, file: file, sources: sources)
        case .success(.crewAI(let root, let agents, let tasks)):
            let reader = CrewAIReader(yaml: yaml, options: crewAI)
            return reader.load(root: root, agents: agents, tasks: tasks, sources: sources)
        }
    }

    /// The path shown to users for a file of the crew: the root as the user wrote it, then the relative path.
    static func display(_ root: String, _ relative: String) -> String {
        let joined = FileSystem.join(root, relative)
        return joined.hasPrefix("./") ? String(joined.dropFirst(2)) : joined
    }

    private func loadNative(root: String, file: String, sources: SourceText) -> Output {
        var diagnostics = Diagnostics()
        let decoder = CrewDecoder(sources: sources)
        let loaded = yaml.load(path: FileSystem.join(root, file), display: Self.display(root, file), sources: sources)
        diagnostics.append(contentsOf: loaded.diagnostics)
        if let node = loaded.node, let pairs = node.pairs, pairs.contains(where: { $0.keyText == "crewai" }) {
            return loadCrewAISettings(node, root: root, file: file, sha256: loaded.sha256, sources: sources)
        }
        guard let node = loaded.node, let (header, includes) = decoder.decodeRoot(node, root: Glob.realPath(root))
        else {
            diagnostics.append(contentsOf: decoder.diagnostics.items)
            return Output(crew: nil, diagnostics: diagnostics, sources: sources)
        }
        var crew = header
        crew.displayRoot = root
        crew.files.append(SourceFile(path: file, sha256: loaded.sha256 ?? "", role: .crew))
        for relative in includedFiles(includes, root: root, except: file, decoder: decoder) {
            let part = yaml.load(
                path: FileSystem.join(root, relative), display: Self.display(root, relative), sources: sources)
            diagnostics.append(contentsOf: part.diagnostics)
            if let sha = part.sha256 { crew.files.append(SourceFile(path: relative, sha256: sha, role: .crew)) }
            if let partNode = part.node { decoder.decodeFragment(partNode, into: &crew) }
        }
        diagnostics.append(contentsOf: decoder.diagnostics.items)
        return Output(crew: crew, diagnostics: diagnostics, sources: sources)
    }

    /// A crew.yaml holding only `crewai:` sets how the crewAI project beside it is read (specs/crewai.md); the
    /// command line's `--python` wins over its `python`.
    private func loadCrewAISettings(_ node: YAMLNode, root: String, file: String, sha256: String?, sources: SourceText)
        -> Output
    {
        let decoder = NodeDecoder(sources: sources)
        var options = crewAI
        if let fields = decoder.fields(node, "the crew file", known: ["crewai"]),
            let section = fields["crewai"],
            let settings = decoder.fields(section, "`crewai`", known: ["python"])
        {
            if options.python == nil, let python = decoder.string(settings["python"], "`crewai.python`") {
                options.python = python.value
            }
        }
        let folder = try? ConfinedFolder(opening: root)
        guard let folder, case .crewAI(_, let agents, let tasks)? = CrewLocation.crewAIProject(in: folder, at: root)
        else {
            decoder.error(
                .e303, "\(Self.display(root, file)) has a `crewai:` section, but no crewAI project is beside it",
                at: node.location,
                hint: "put it in the project folder, next to config/agents.yaml and config/tasks.yaml")
            return Output(crew: nil, diagnostics: decoder.diagnostics, sources: sources)
        }
        var output = CrewAIReader(yaml: yaml, options: options).load(
            root: root, agents: agents, tasks: tasks, sources: sources)
        output.diagnostics.append(contentsOf: decoder.diagnostics.items)
        if let sha256 { output.crew?.files.append(SourceFile(path: file, sha256: sha256, role: .crew)) }
        return output
    }

    /// Expands `include:` globs in order; each file is read once, the root file never again.
    private func includedFiles(
        _ patterns: [Located<String>], root: String, except rootFile: String, decoder: CrewDecoder
    )
        -> [String]
    {
        var seen: Set<String> = [rootFile]
        var files: [String] = []
        for pattern in patterns {
            do {
                let result = try Glob(pattern.value).expand(in: root)
                Validator.report(
                    result, of: "`include` pattern `\(pattern.value)`", at: pattern.location,
                    diagnostics: &decoder.decoder.diagnostics)
                if result.files.isEmpty && result.links.isEmpty && result.special.isEmpty {
                    decoder.decoder.error(
                        .e208, "`include` pattern `\(pattern.value)` matches no file", at: pattern.location,
                        hint: "paths are relative to the crew's folder")
                }
                for file in result.files where seen.insert(file).inserted { files.append(file) }
            } catch .leavesRoot {
                decoder.decoder.error(
                    .e207, "`include` pattern `\(pattern.value)` leaves the crew's folder", at: pattern.location,
                    hint: "paths are relative to the crew's folder and may not start with `/` or climb out with `..`")
            } catch {
                decoder.decoder.error(
                    .e105, "`include` pattern `\(pattern.value)` is too costly to expand: \(error)",
                    at: pattern.location, hint: "write a simpler pattern, or list the files")
            }
        }
        return files
    }
}
