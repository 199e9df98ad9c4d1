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
        /// The crew folder's files (names, sizes, times) when it was compiled.
        var fingerprint: String
    }

    let engine: CrewEngine
    let folder: String
    private(set) var entries: [String: Entry] = [:]

    init(engine: CrewEngine, folder: String) {
        self.engine = engine
        self.folder = folder
    }

    /// Compiles every crew again. Subfolders are listed through no link, and only those named by the name rule.
    func reload() async { await refresh(force: true) }

    /// Compiles the crews whose files changed since they were compiled, the new ones, and drops the gone ones.
    func refresh(force: Bool = false) async {
        var fresh: [String: Entry] = [:]
        for name in Self.crewFolders(in: folder) {
            let path = FileSystem.join(folder, name)
            let fingerprint = Self.fingerprint(path)
            if !force, let known = entries[name], known.fingerprint == fingerprint {
                fresh[name] = known
                continue
            }
            let compiled = engine.compile(path: path)
            var entry = Entry(name: name, compiled: compiled, fingerprint: fingerprint)
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

    /// The crew's files as names, sizes and modification times, without `.crew` (what building writes), `.git` and the
    /// editor's drafts;
    /// at most 5,000 entries are looked at, and links are not followed.
    static func fingerprint(_ path: String) -> String {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return "" }
        var hasher = Hasher()
        var seen = 0
        while let relative = walker.nextObject() as? String, seen < 5_000 {
            seen += 1
            if relative.hasPrefix(CrewFiles.draftPrefix) { continue }
            if relative == ".crew" || relative == ".git" {
                walker.skipDescendants()
                continue
            }
            let attributes = walker.fileAttributes ?? [:]
            hasher.combine(relative)
            hasher.combine((attributes[.size] as? NSNumber)?.int64Value)
            hasher.combine((attributes[.modificationDate] as? Date)?.timeIntervalSince1970)
        }
        return String(hasher.finalize())
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
