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
                .error("E102", "no such file or folder: \(path)", at: nil, hint: "run `crew init` to create a crew"))
        }
        if !isDirectory.boolValue {
            let url = URL(fileURLWithPath: path)
            let parent = (path as NSString).deletingLastPathComponent
            return .success(.native(root: parent.isEmpty ? "." : parent, file: url.lastPathComponent))
        }
        for name in crewFileNames where FileManager.default.fileExists(atPath: FileSystem.join(path, name)) {
            return .success(.native(root: path, file: name))
        }
        if let project = crewAIProject(in: path) { return .success(project) }
        return .failure(
            .error(
                "E102", "no crew found in \(path)", at: nil,
                hint:
                    "a crew folder holds `crew.yaml` (or a crewAI project's `config/agents.yaml` and `config/tasks.yaml`); `crew init` makes one"
            ))
    }

    /// crewAI layouts: `config/`, `src/<name>/config/`, or the two files side by side.
    static func crewAIProject(in folder: String) -> CrewLocation? {
        var candidates = ["config", "."]
        let src = FileSystem.join(folder, "src")
        if let names = try? FileManager.default.contentsOfDirectory(atPath: src) {
            candidates += names.sorted().map { "src/\($0)/config" }
        }
        for candidate in candidates {
            let agents = FileSystem.join(candidate, "agents.yaml")
            let tasks = FileSystem.join(candidate, "tasks.yaml")
            let hasAgents = FileManager.default.fileExists(atPath: FileSystem.join(folder, agents))
            let hasTasks = FileManager.default.fileExists(atPath: FileSystem.join(folder, tasks))
            if hasAgents || hasTasks { return .crewAI(root: folder, agents: agents, tasks: tasks) }
        }
        return nil
    }
}
