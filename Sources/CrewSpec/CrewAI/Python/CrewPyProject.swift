import CrewCore
import Foundation

/// Finds and reads a crewAI project's crew.py, and the project modules it takes Pydantic models from. Files are
/// read inside the project folder only (no link followed, size-limited); nothing is imported or run.
struct CrewPyProject {
    let root: String
    let displayRoot: String
    /// The folder holding the config folder, relative to `root`: where crew.py lives.
    let packageFolder: String
    let sources: SourceText

    /// crew.py files are small; a larger file is refused like an oversized YAML file.
    static let maxFileBytes = 1 << 20

    struct Loaded {
        var crew: CrewPyFile?
        /// crew.py relative to the project folder, when there is one.
        var crewFile: String?
        /// crew.py relative to the project folder, with its hash, for the artifact's inputs.
        var files: [SourceFile] = []
        var diagnostics: [Diagnostic] = []
    }

    /// The folder of crew.py for a config folder (`src/pkg/config` → `src/pkg`; `config` or `.` → `.`).
    static func packageFolder(forConfig agentsPath: String) -> String {
        var parts = agentsPath.split(separator: "/").map(String.init).dropLast()
        if parts.last == "config" { parts = parts.dropLast() }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    func load() -> Loaded {
        var loaded = Loaded()
        guard let folder = try? ConfinedFolder(opening: root), let relative = crewFile(in: folder) else {
            return loaded
        }
        let display = CrewLoader.display(displayRoot, relative)
        guard let (text, sha) = read(relative, display: display, in: folder, diagnostics: &loaded.diagnostics) else {
            return loaded
        }
        loaded.files.append(SourceFile(path: relative, sha256: sha, role: .crew))
        loaded.crewFile = relative
        let statements: [PyStatement]
        do {
            let parsed = try PythonParser.parse(text, file: display)
            statements = parsed.0
            loaded.diagnostics += parsed.skipped.map(Self.skippedStatement)
        } catch {
            loaded.diagnostics.append(
                .error(
                    .e305, "crew.py cannot be read: \(error.message)", at: error.location,
                    hint: "crewAI could not import it either; fix the syntax"))
            return loaded
        }
        var reader = CrewPyReader(file: display)
        guard var crew = reader.read(statements) else {
            loaded.diagnostics.append(
                .warning(
                    .w408, "\(relative) defines no `@CrewBase` class, so crew reads the crew from the YAML files only",
                    at: .file(display), hint: "crew reads crew.py files written with crewAI's project decorators"))
            return loaded
        }
        loaded.diagnostics += reader.warnings
        crew.models = models(for: crew, reader: reader, in: folder, loaded: &loaded)
        loaded.crew = crew
        return loaded
    }

    /// `crew.py` beside the config folder, else the one Python file there with a `@CrewBase` class.
    private func crewFile(in folder: ConfinedFolder) -> String? {
        let standard = FileSystem.join(packageFolder, "crew.py")
        if folder.kind(of: standard) == .file { return standard }
        guard let entries = try? folder.entries(packageFolder == "." ? "" : packageFolder) else { return nil }
        for entry in entries where entry.kind == .file && entry.name.hasSuffix(".py") {
            let path = FileSystem.join(packageFolder, entry.name)
            if let bytes = try? folder.read(path, limit: Self.maxFileBytes),
                String(decoding: bytes, as: UTF8.self).contains("@CrewBase")
            {
                return path
            }
        }
        return nil
    }

    private func read(_ relative: String, display: String, in folder: ConfinedFolder, diagnostics: inout [Diagnostic])
        -> (String, String)?
    {
        do {
            let bytes = try folder.read(relative, limit: Self.maxFileBytes)
            let data = Data(bytes)
            switch TextDecoding.decode(data, file: display) {
            case .success(let text):
                sources.add(file: display, text: text)
                return (text, Hashing.sha256(data))
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
                return nil
            }
        } catch {
            diagnostics.append(
                .error(
                    .e305, "\(relative) cannot be read: \(error)", at: .file(display),
                    hint: "crew.py must be a regular file of at most 1 MiB in the project folder"))
            return nil
        }
    }

    private static func skippedStatement(_ error: PythonSyntaxError) -> Diagnostic {
        .warning(
            .w408, "a statement crew does not read is skipped (\(error.message))", at: error.location,
            hint: "crew reads the decorators, constructors and literals of crew.py; this line is not one of them")
    }

    // MARK: Pydantic models

    /// The JSON Schema of every model a task names, read from crew.py or the project module it is imported from.
    private func models(
        for crew: CrewPyFile, reader: CrewPyReader, in folder: ConfinedFolder, loaded: inout Loaded
    ) -> [String: CrewPyFile.ModelSchema] {
        let named = crew.tasks.compactMap { $0.outputModel?.className }
        guard !named.isEmpty else { return [:] }
        var classes = reader.classes
        var visited: Set<String> = []
        for name in named {
            guard classes[name.value] == nil, let (module, _) = reader.importTable[name.value],
                visited.insert(module).inserted
            else { continue }
            for (key, value) in moduleClasses(module, in: folder, loaded: &loaded) where classes[key] == nil {
                classes[key] = value
            }
        }
        var builder = PydanticSchema(classes: classes)
        var schemas: [String: CrewPyFile.ModelSchema] = [:]
        for name in named where schemas[name.value] == nil {
            guard let schema = builder.schema(for: name) else {
                loaded.diagnostics.append(
                    .warning(
                        .w408,
                        "model `\(name.value)` is not defined in the project's source, so its shape is not checked",
                        at: name.location,
                        hint: "define the Pydantic model in the project, or give `output.schema` in a crew.yaml"))
                continue
            }
            schemas[name.value] = CrewPyFile.ModelSchema(schema: schema, location: name.location)
        }
        loaded.diagnostics += builder.warnings
        return schemas
    }

    /// The classes of a project module (`pkg.models`, or `.models` relative to crew.py), found under the project
    /// folder or its `src/`; a module outside the project (an installed package) gives nothing.
    private func moduleClasses(_ module: String, in folder: ConfinedFolder, loaded: inout Loaded) -> [String: PyClass] {
        for relative in candidates(module) where folder.kind(of: relative) == .file {
            let display = CrewLoader.display(displayRoot, relative)
            guard let (text, sha) = read(relative, display: display, in: folder, diagnostics: &loaded.diagnostics),
                let parsed = try? PythonParser.parse(text, file: display)
            else { return [:] }
            loaded.files.append(SourceFile(path: relative, sha256: sha, role: .crew))
            var classes: [String: PyClass] = [:]
            for case .classDef(let type) in parsed.0 { classes[type.name] = type }
            return classes
        }
        return [:]
    }

    private func candidates(_ module: String) -> [String] {
        let dots = module.prefix { $0 == "." }.count
        let path = module.dropFirst(dots).split(separator: ".").joined(separator: "/")
        var bases: [String]
        if dots > 0 {
            var base = packageFolder.split(separator: "/").map(String.init)
            if packageFolder == "." { base = [] }
            base = Array(base.dropLast(max(0, dots - 1)))
            bases = [base.isEmpty ? "." : base.joined(separator: "/")]
        } else {
            bases = [".", "src"]
        }
        var paths = bases.map { ($0, path) }
        // `from my_project.models import M` inside my_project/crew.py: the project's own package is crew.py's folder,
        // whatever that folder is called where crew reads it.
        let parts = path.split(separator: "/")
        if dots == 0, parts.count > 1 {
            paths.append((packageFolder, parts.dropFirst().joined(separator: "/")))
        }
        return paths.flatMap { base, path in
            [FileSystem.join(base, path + ".py"), FileSystem.join(base, path, "__init__.py")]
        }.compactMap(FileSystem.normalize)
    }
}
