import CrewCore
import CrewDocuments
import CrewPlanner
import CrewSpec
import Foundation

/// A build artifact in memory: file names (relative to the artifact folder) and their bytes. `manifest.json` is
/// derived from the rest, so identical input gives identical bytes (see `specs/artifact.md`).
public struct Artifact: Sendable {
    public static let formatVersion = 1
    public static let manifestName = "manifest.json"

    /// Every file but the manifest, keyed by relative path.
    public private(set) var files: [String: Data]
    public let manifest: JSONValue
    /// What plan.json holds.
    public let document: PlanDocument

    /// `extraFiles` are compiled knowledge indexes (`indexes/<name>.*`), relative to the artifact folder.
    public init(validated: ValidatedCrew, plan: Plan, inputFiles: [SourceFile], extraFiles: [String: [UInt8]] = [:]) {
        document = PlanBuilder.document(validated, plan)
        var text = document.fileText
        // From the bytes themselves: `Data(String.UTF8View)` casts the view to a protocol at run time.
        files = ["plan.json": text.withUTF8 { Data(buffer: $0) }]
        for (path, bytes) in extraFiles { files[path] = Data(bytes) }
        manifest = Self.manifest(crew: validated.crew.name.value, files: files, inputs: inputFiles)
    }

    /// The identity of the whole artifact, as its manifest records it.
    public var artifactHash: String { manifest["artifact_sha256"]?.stringValue ?? "" }

    public var manifestData: Data { Data((manifest.serialized(pretty: true) + "\n").utf8) }

    /// The hash of the whole artifact: SHA-256 over `path\tsha256\n` lines of every file but the manifest, sorted.
    public static func artifactHash(fileHashes: [String: String]) -> String {
        var lines = ""
        for path in fileHashes.keys.sorted() { lines += "\(path)\t\(fileHashes[path]!)\n" }
        return Hashing.sha256(lines)
    }

    static func manifest(crew: String, files: [String: Data], inputs: [SourceFile]) -> JSONValue {
        let hashes = files.mapValues { Hashing.sha256($0) }
        let fileEntries = files.keys.reduce(into: [String: JSONValue]()) { entries, path in
            entries[path] = .object(["sha256": .string(hashes[path]!), "bytes": .int(files[path]!.count)])
        }
        let inputEntries = inputs.sorted { $0.path < $1.path }.map { file in
            JSONValue.object([
                "path": .string(file.path), "sha256": .string(file.sha256), "role": .string(file.role.rawValue),
            ])
        }
        return .object([
            "format": .string("crew-artifact"),
            "format_version": .int(formatVersion),
            "crew": .string(crew),
            "tool": .object(["name": .string("crew"), "version": .string(CrewVersion.current)]),
            "inputs": .array(inputEntries),
            "files": .object(fileEntries),
            "artifact_sha256": .string(artifactHash(fileHashes: hashes)),
        ])
    }

    /// Writes every file atomically, the manifest last (it is the commit point), and removes files a previous
    /// build listed that this one does not make.
    /// Every path is written below `location` without following a link: a crew whose `.crew` is a link cannot
    /// make `crew build` write elsewhere.
    public func write(to location: ConfinedPath) throws(PathFailure) {
        let folder = try ConfinedFolder.open(location, create: true)
        let previous = Self.listedFiles(in: folder)
        for path in files.keys.sorted() {
            try folder.write(files[path]!, to: path)
        }
        try folder.write(manifestData, to: Self.manifestName)
        for stale in previous.subtracting(files.keys) {
            try? folder.remove(stale)
        }
    }

    static func listedFiles(in folder: ConfinedFolder) -> Set<String> {
        guard let bytes = try? folder.read(manifestName, limit: 16 << 20),
            let manifest = try? JSONParser.parse(bytes), let files = manifest["files"]?.objectValue
        else { return [] }
        return Set(files.keys)
    }
}

extension Artifact {
    /// A source file's SHA-256, read through no link a chunk at a time; the hash of nothing when it cannot be read
    /// (the knowledge compiler then reports why).
    static func hash(_ path: String, in root: String) -> String {
        guard let (fd, _) = try? ConfinedFolder(opening: root).openRegular(path) else { return Hashing.sha256("") }
        defer { close(fd) }
        return Hashing.sha256(reading: fd)?.hex ?? Hashing.sha256("")
    }

    /// Hashes the knowledge source files a build depends on, so the manifest names every input.
    public static func inputFiles(for validated: ValidatedCrew) -> [SourceFile] {
        var files = validated.crew.files + validated.schemaFiles
        var seen = Set(files.map(\.path))
        for path in validated.knowledgeFiles.flatMap({ $0 }) where seen.insert(path).inserted {
            files.append(SourceFile(path: path, sha256: hash(path, in: validated.crew.root), role: .knowledge))
        }
        return files
    }
}
