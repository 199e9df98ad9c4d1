import CrewCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading a build artifact back: its manifest, then every file it lists held to the manifest's size and SHA-256,
/// and no index file that the manifest does not list. An artifact is a folder anyone could have edited; a plan or an
/// index that differs from what was built is refused, never used. Files are opened below the artifact folder through
/// no link, regular files only.
public struct ArtifactCheck {
    public struct Failure: CodedFailure {
        public var code: FailureCode { .r502 }
        public var folder: String
        public var problem: String
        public var description: String {
            "\(folder) is not a usable build artifact: \(TerminalText.escape(problem)); rebuild it with `crew build`"
        }
    }

    /// What a checked artifact gives: its manifest and the bytes of its plan.json.
    public struct Checked: Sendable {
        public var manifest: JSONValue
        public var plan: [UInt8]
    }

    static let maxDocumentBytes = 256 << 20

    public static func read(_ folder: String) throws(Failure) -> Checked {
        func fail(_ problem: String) -> Failure { Failure(folder: folder, problem: problem) }
        let files: ConfinedFolder
        let manifest: JSONValue
        let plan: [UInt8]
        do {
            files = try ConfinedFolder(opening: folder)
            manifest = try JSONParser.parse(try files.read(Artifact.manifestName, limit: maxDocumentBytes))
            plan = try files.read("plan.json", limit: maxDocumentBytes)
        } catch {
            throw fail("\(error)")
        }
        guard let listed = manifest["files"]?.objectValue else { throw fail("its manifest lists no files") }
        for (path, entry) in listed.sorted(by: { $0.key < $1.key }) {
            if let problem = mismatch(files, path, entry) { throw fail(problem) }
        }
        if let extra = unlisted(files, listed) { throw fail("`\(extra)` is not in its manifest") }
        return Checked(manifest: manifest, plan: plan)
    }

    /// Why `path` does not match its manifest entry, or nil when it does.
    static func mismatch(_ files: ConfinedFolder, _ path: String, _ entry: JSONValue) -> String? {
        guard let sha = entry["sha256"]?.stringValue, let bytes = entry["bytes"]?.intValue else {
            return "its manifest's entry for `\(path)` is incomplete"
        }
        let opened: (fd: Int32, size: Int)
        do {
            opened = try files.openRegular(path)
        } catch {
            return "\(error)"
        }
        defer { close(opened.fd) }
        guard opened.size == bytes else { return "`\(path)` is \(opened.size) bytes, its manifest says \(bytes)" }
        guard let digest = Hashing.sha256(reading: opened.fd), digest.hex == sha, digest.bytes == bytes else {
            return "`\(path)` does not match its manifest (edited or damaged)"
        }
        return nil
    }

    /// An index file on disk that the manifest does not list (it would be mapped and searched unchecked).
    static func unlisted(_ files: ConfinedFolder, _ listed: [String: JSONValue]) -> String? {
        guard let entries = try? files.entries("indexes") else { return nil }
        return entries.map { "indexes/" + $0.name }.first { listed[$0] == nil }
    }
}
