import CrewCore
import Foundation

/// Finds what a user's PATH argument names: a crew file, a folder with `crew.yaml`, or a crewAI project.
public enum CrewLocation: Sendable, Equatable {
    /// `root` is the crew's folder as the user wrote it; `file` is relative to it.
    case native(root: String, file: String)
    /// A crewAI project: `agents` and `tasks` are relative to `root`.
    case crewAI(root: String, agents: String, tasks: String)

    public var root: String {
        switch self {
        case .native(let root, _), .crewAI(let root, _, _): return root
        }
    }

    public static let crewFileNames = ["crew.yaml", "crew.yml"]

    /// Resolves `path` (default `.`), or returns the diagnostic that says why nothing was found.
    public static func locate(_ path: String) -> Result<CrewLocation, Diagnostic> {
        let path = path.isEmpty ? "." : path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(
                .error(.e102, "no such file or folder: \(path)", at: nil, hint: "run `crew init` to create a crew"))
        }
        if !isDirectory.boolValue {
            let (folder, name) = FileSystem.split(path)
            return .success(.native(root: folder, file: name))
        }
        // The folder is the user's; what is in it comes with the crew, and is read through no link.
        guard let folder = try? ConfinedFolder(opening: path) else {
            return .failure(.error(.e102, "cannot open the folder \(path)", at: nil))
        }
        for name in crewFileNames where folder.kind(of: name) != nil {
            return checked(.native(root: path, file: name), [name], in: folder)
        }
        if let project = crewAIProject(in: folder, at: path), case .crewAI(_, let agents, let tasks) = project {
            return checked(project, [agents, tasks], in: folder)
        }
        return .failure(
            .error(
                .e102, "no crew found in \(path)", at: nil,
                hint:
                    "a crew folder holds `crew.yaml` (or a crewAI project's `config/agents.yaml` and `config/tasks.yaml`); `crew init` makes one"
            ))
    }

    /// crewAI layouts: `config/`, `src/<name>/config/`, or the two files side by side.
    static func crewAIProject(in folder: ConfinedFolder, at path: String) -> CrewLocation? {
        var candidates = ["config", "."]
        if let names = try? folder.entries("src") {
            candidates += names.filter { $0.kind == .folder }.map { "src/\($0.name)/config" }
        }
        for candidate in candidates {
            let agents = FileSystem.join(candidate, "agents.yaml")
            let tasks = FileSystem.join(candidate, "tasks.yaml")
            if folder.kind(of: agents) != nil || folder.kind(of: tasks) != nil {
                return .crewAI(root: path, agents: agents, tasks: tasks)
            }
        }
        return nil
    }

    /// The location, unless one of its files is (or goes through) a symbolic link: a crew's own files are never
    /// read through one, so a `crew.yaml` linked to a file elsewhere cannot show that file's lines in diagnostics.
    static func checked(_ location: CrewLocation, _ files: [String], in folder: ConfinedFolder)
        -> Result<CrewLocation, Diagnostic>
    {
        for file in files where folder.kind(of: file) == .link {
            return .failure(
                .error(
                    .e207, "\(FileSystem.join(location.root, file)) is, or goes through, a symbolic link", at: nil,
                    hint: "crew follows no link in a crew's folder; put the file itself there"))
        }
        return .success(location)
    }
}
