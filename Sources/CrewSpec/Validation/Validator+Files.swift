import CrewCore
import Foundation

extension Validator {
    /// Expands each knowledge base's globs; every pattern must match and stay inside the crew's folder.
    mutating func checkKnowledgeSources() -> [[String]] {
        crew.knowledge.map { kb in
            var files: [String] = []
            for case .path(let pattern) in kb.sources {
                files += expand(pattern, what: "source pattern", in: "knowledge base `\(kb.name.value)`")
            }
            var seen = Set<String>()
            return files.filter { seen.insert($0).inserted }
        }
    }

    mutating func expand(_ pattern: Located<String>, what: String, in owner: String) -> [String] {
        do {
            let result = try Glob(pattern.value).expand(in: crew.root)
            Self.report(result, of: "\(what) `\(pattern.value)`", at: pattern.location, diagnostics: &diagnostics)
            if result.files.isEmpty && result.links.isEmpty && result.special.isEmpty {
                diagnostics.error(
                    .e208, "\(what) `\(pattern.value)` of \(owner) matches no file", at: pattern.location,
                    hint: "paths are relative to the crew's folder")
            }
            return result.files
        } catch .leavesRoot {
            diagnostics.error(
                .e207, "\(what) `\(pattern.value)` of \(owner) leaves the crew's folder", at: pattern.location,
                hint: "use a path inside the crew's folder, without a leading `/` or `..`")
        } catch {
            diagnostics.error(
                .e105, "\(what) `\(pattern.value)` of \(owner) is too costly to expand: \(error)",
                at: pattern.location, hint: "write a simpler pattern, or list the files")
        }
        return []
    }

    /// Links and special files a pattern matched: never followed, never read, each one an error.
    static func report(
        _ result: Glob.Result, of what: String, at location: SourceLocation, diagnostics: inout Diagnostics
    ) {
        for link in result.links {
            diagnostics.error(
                .e207, "`\(link)` (matched by \(what)) is or goes through a symbolic link", at: location,
                hint: "crew follows no link in a crew's folder; put the file itself there")
        }
        for file in result.special {
            diagnostics.error(
                .e102, "`\(file)` (matched by \(what)) is not a regular file (a FIFO, device or socket)",
                at: location, hint: "crew reads regular files only; remove it or narrow the pattern")
        }
    }

    /// Output files stay inside the crew's folder and are written by one task each; schema files are read here.
    mutating func checkOutputs() -> ([JSONValue?], [SourceFile]) {
        var writers: [String: String] = [:]
        var schemaFiles: [SourceFile] = []
        let schemas: [JSONValue?] = crew.tasks.map { task in
            guard let output = task.output else { return nil }
            if let file = output.file { checkOutputFile(file, task: task.name.value, writers: &writers) }
            switch output.schema {
            case .none: return nil
            case .inline(let value, let location):
                checkSchemaShape(value, at: location)
                return value
            case .file(let path):
                guard let (value, file) = readSchema(path) else { return nil }
                if !schemaFiles.contains(where: { $0.path == file.path }) { schemaFiles.append(file) }
                checkSchemaShape(value, at: path.location)
                return value
            }
        }
        return (schemas, schemaFiles)
    }

    private mutating func checkOutputFile(_ file: Located<String>, task: String, writers: inout [String: String]) {
        guard !file.value.hasPrefix("/"), let normalized = FileSystem.normalize(file.value),
            !normalized.hasPrefix(".."),
            normalized != "."
        else {
            diagnostics.error(
                .e207, "the output file of task `\(task)` leaves the crew's folder", at: file.location,
                hint: "write a path relative to the crew's folder; `crew run --output-dir` moves all outputs")
            return
        }
        if let other = writers[normalized] {
            diagnostics.error(
                .e212, "tasks `\(other)` and `\(task)` both write `\(normalized)`", at: file.location,
                hint: "give each task its own output file")
        }
        writers[normalized] = task
    }

    private mutating func readSchema(_ path: Located<String>) -> (JSONValue, SourceFile)? {
        Self.readSchemaFile(path, crew: crew, sources: sources, diagnostics: &diagnostics)
    }

    /// A JSON Schema file of the crew (an output schema, a test's schema): inside its folder, a plain file, and JSON
    /// or YAML. Problems are reported at `path`.
    static func readSchemaFile(
        _ path: Located<String>, crew: Crew, sources: SourceText, diagnostics: inout Diagnostics
    ) -> (JSONValue, SourceFile)? {
        guard !path.value.hasPrefix("/"), let normalized = FileSystem.normalize(path.value), !normalized.hasPrefix("..")
        else {
            diagnostics.error(.e207, "schema file `\(path.value)` is outside the crew's folder", at: path.location)
            return nil
        }
        let full = FileSystem.join(crew.root, normalized)
        var probe = Glob.Result()
        switch (try? ConfinedFolder(opening: crew.root))?.kind(of: normalized) {
        case .link?: probe.links = [normalized]
        case .fifo?, .device?, .socket?: probe.special = [normalized]
        default: break
        }
        if !probe.links.isEmpty || !probe.special.isEmpty {
            Self.report(probe, of: "schema file `\(path.value)`", at: path.location, diagnostics: &diagnostics)
            return nil
        }
        guard FileManager.default.fileExists(atPath: full) else {
            diagnostics.error(
                .e209, "schema file `\(path.value)` not found", at: path.location,
                hint: "the path is relative to the crew's folder; or write the schema inline as a mapping")
            return nil
        }
        // JSON is YAML, so one loader reads both, with positions and the same limits.
        let loaded = YAMLLoader().load(
            path: full, display: CrewLoader.display(crew.displayRoot, normalized), sources: sources)
        diagnostics.append(contentsOf: loaded.diagnostics)
        guard let node = loaded.node, let sha = loaded.sha256,
            let value = JSONConversion.value(of: node, decoder: nil, what: "the schema")
        else { return nil }
        return (value, SourceFile(path: normalized, sha256: sha, role: .schema))
    }

    /// Light shape check: a JSON Schema is an object whose `type`, if present, is a JSON type name.
    private mutating func checkSchemaShape(_ value: JSONValue, at location: SourceLocation) {
        guard case .object(let members) = value else {
            diagnostics.error(.e209, "an output schema must be a JSON object", at: location)
            return
        }
        let types = ["object", "array", "string", "number", "integer", "boolean", "null"]
        if let type = members["type"], case .string(let name) = type, !types.contains(name) {
            diagnostics.error(
                .e209, "output schema has unknown type `\(name)`", at: location,
                hint: Suggestions.didYouMean(name, in: types) ?? "types: \(types.joined(separator: ", "))")
        }
    }

    /// Settings that need the crew's folder or URL syntax to check.
    mutating func checkToolSettings() {
        for tool in crew.tools {
            switch tool.settings {
            case .file(let settings):
                if let root = settings.root,
                    root.value.hasPrefix("/") || (FileSystem.normalize(root.value)?.hasPrefix("..") ?? true)
                {
                    diagnostics.error(
                        .e207, "the root of file tool `\(tool.name.value)` leaves the crew's folder",
                        at: root.location,
                        hint: "give a folder relative to the crew's folder")
                }
            case .command(let settings):
                checkCommandArguments(settings, tool: tool.name.value)
            case .http(let settings):
                for pattern in settings.allow
                where !(pattern.value.hasPrefix("https://") || pattern.value.hasPrefix("http://")) {
                    diagnostics.error(
                        .e114,
                        "allow-list pattern `\(pattern.value)` of tool `\(tool.name.value)` must start with https:// or http://",
                        at: pattern.location)
                }
            default: break
            }
        }
    }

    /// `{name}` in a command's arguments is filled from the model's call, so it must be in the input schema.
    private mutating func checkCommandArguments(_ settings: ToolSpec.Command, tool: String) {
        var properties: [String] = []
        if case .object(let schema)? = settings.inputSchema, case .object(let members)? = schema["properties"] {
            properties = members.keys.sorted()
        }
        for argument in settings.args {
            for name in argument.inputNames where !properties.contains(name) {
                diagnostics.error(
                    .e210, "argument placeholder `{\(name)}` of command tool `\(tool)` is not in its `input_schema`",
                    at: sources.find("{\(name)}", from: argument.location) ?? argument.location,
                    hint: "declare it: `input_schema: { type: object, properties: { \(name): { type: string } } }`")
            }
        }
    }
}
