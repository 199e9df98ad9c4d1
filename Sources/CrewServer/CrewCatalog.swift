import CrewCore
import CrewDocuments
import CrewKit
import Foundation

/// The crews a server serves: each subfolder of the crews folder, compiled when the server starts and on reload. A
/// crew with errors is listed with its diagnostics and cannot be started.
actor CrewCatalog {
    struct Entry: Sendable {
        /// The subfolder's name: the crew's name in the API.
        var name: String
        var compiled: CompiledCrew
        /// Set when the crew compiled (and, with knowledge, built); nil when it has errors.
        var runnable: RunnablePlan?
        /// Why a crew that compiled still cannot run (its knowledge could not be built).
        var failure: String?
    }

    let engine: CrewEngine
    let folder: String
    private(set) var entries: [String: Entry] = [:]

    init(engine: CrewEngine, folder: String) {
        self.engine = engine
        self.folder = folder
    }

    /// Compiles every crew again. Subfolders are listed through no link, and only those named by the name rule.
    func reload() async {
        var fresh: [String: Entry] = [:]
        for name in Self.crewFolders(in: folder) {
            let compiled = engine.compile(path: FileSystem.join(folder, name))
            var entry = Entry(name: name, compiled: compiled)
            if compiled.succeeded {
                do {
                    entry.runnable = try await engine.runnable(compiled)
                } catch {
                    entry.failure = ErrorReport.text(error).trimmingCharacters(in: .newlines)
                }
            }
            fresh[name] = entry
        }
        entries = fresh
    }

    func entry(_ name: String) -> Entry? { entries[name] }

    /// The entry whose plan names the crew `crewName` (a run record names the crew, not its folder).
    func entry(crewName: String) -> Entry? {
        entries.values.sorted { $0.name < $1.name }.first { $0.runnable?.document.crewName == crewName }
    }

    static func crewFolders(in folder: String) -> [String] {
        guard let root = try? ConfinedFolder(opening: folder), let listed = try? root.entries() else { return [] }
        return listed.filter { $0.kind == .folder && Names.isValid($0.name) }.map(\.name).sorted()
    }
}

/// The runs this server process started and that have not ended: what `cancel` reaches.
actor RunRegistry {
    private var handles: [String: RunHandle] = [:]

    func add(_ handle: RunHandle) {
        handles[handle.runID] = handle
        Task {
            _ = try? await handle.result()
            self.remove(handle.runID)
        }
    }

    func remove(_ id: String) { handles[id] = nil }

    func handle(_ id: String) -> RunHandle? { handles[id] }

    var count: Int { handles.count }
}
