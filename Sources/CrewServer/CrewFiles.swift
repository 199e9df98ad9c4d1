import CrewCore
import CrewKit
import Crypto
import Foundation
import HTTPTypes

/// A crew's `crew.yaml` in the crews folder, for the dashboard's editor: read with its entity tag, saved over only
/// when the caller saw the latest version (so two editors never silently overwrite each other), and drafts checked
/// in the crew's own folder so the files they name are found. Every path is walked through no link.
struct CrewFiles: Sendable {
    static let fileName = "crew.yaml"
    /// Drafts are checked under this prefix, next to crew.yaml; the catalog's fingerprint skips them.
    static let draftPrefix = ".crew-draft-"
    static let limit = 1 << 20

    let crewsFolder: String

    struct File: Sendable {
        var text: String
        var tag: String
    }

    static func tag(_ text: String) -> String {
        "\"" + SHA256.hash(data: Array(text.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }

    func folder(_ crew: String) throws -> ConfinedFolder {
        do {
            return try ConfinedFolder(opening: crewsFolder).folder(crew, shownAs: crew)
        } catch {
            throw APIError.notFound("no crew `\(crew.prefix(128))`")
        }
    }

    func read(_ crew: String) throws -> File {
        let folder = try folder(crew)
        let bytes: [UInt8]
        do {
            bytes = try folder.read(Self.fileName, limit: Self.limit)
        } catch let failure {
            if failure.reason == .missing {
                throw APIError(
                    .conflict, .conflict,
                    "crew `\(crew)` has no crew.yaml (it is a crewAI project): edit its files where they are kept")
            }
            throw APIError(.conflict, .conflict, "crew `\(crew)`: \(failure.description)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw APIError(.conflict, .conflict, "crew `\(crew)`: crew.yaml is not UTF-8")
        }
        return File(text: text, tag: Self.tag(text))
    }

    /// Replaces crew.yaml when `expected` is the tag of what is there now; the write is atomic.
    func save(_ crew: String, text: String, expected: String?) throws -> File {
        guard let expected else {
            throw APIError(
                .preconditionRequired, .preconditionRequired,
                "send If-Match with the ETag of the crew file you edited, so a newer version is not overwritten")
        }
        // The check and the write as one step: two saves made from the same version cannot both pass the check.
        try Self.saving.withLock {
            let current = try read(crew)
            guard current.tag == expected else {
                throw APIError(
                    .preconditionFailed, .preconditionFailed,
                    "crew `\(crew)` changed since you opened it; reload it, then apply your change again")
            }
            do {
                try folder(crew).write(text, to: Self.fileName)
            } catch {
                throw APIError(.internalServerError, .internalError, "crew `\(crew)`: the file could not be written")
            }
        }
        return File(text: text, tag: Self.tag(text))
    }

    private static let saving = NSLock()

    /// Compiles `text` as the crew file of `crew`'s folder without replacing it: as a hidden draft beside it, removed
    /// at once. Nil when the folder cannot take the draft (read-only crews), so the caller checks it alone.
    func checkDraft(_ text: String, crew: String, engine: CrewEngine) throws -> CompiledCrew? {
        let folder = try folder(crew)
        let name = Self.draftPrefix + UUID().uuidString + ".yaml"
        guard (try? folder.write(text, to: name, replace: .never)) != nil else { return nil }
        defer { try? folder.remove(name) }
        return engine.compile(path: FileSystem.join(FileSystem.join(crewsFolder, crew), name))
    }
}
