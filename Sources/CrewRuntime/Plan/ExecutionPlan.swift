import CrewCore
import CrewDocuments
import Foundation

/// What a run executes: a plan document and the hash of the artifact it came from (the identity of what ran,
/// recorded in every run). The runtime reads only plan documents, never crew files, so a run of an artifact and a
/// run of a crew folder are the same. Members of the document read through: `plan.tasks`, `plan.models`.
@dynamicMemberLookup
public struct ExecutionPlan: Sendable {
    public var document: PlanDocument {
        didSet { documentFile = nil }
    }
    public var artifactHash: String
    /// Each knowledge base's index, as one SHA-256 over its files' hashes in the artifact's manifest: what a task
    /// cache key holds of the knowledge a task reads. Empty for a plan read back from a run folder.
    public var knowledgeHashes: [String: String] = [:]

    /// plan.json's bytes for `document` when they are at hand (the artifact's own file), so that starting a run does
    /// not serialise a large plan a second time. Gone once `document` changes.
    public private(set) var documentFile: Data?

    public init(
        _ document: PlanDocument, artifactHash: String, knowledgeHashes: [String: String] = [:],
        documentFile: Data? = nil
    ) {
        self.document = document
        self.artifactHash = artifactHash
        self.knowledgeHashes = knowledgeHashes
        self.documentFile = documentFile
    }

    /// What a run folder's plan.json holds.
    public var fileData: Data { documentFile ?? Data(document.fileText.utf8) }

    /// `knowledgeHashes` from an artifact manifest's `files` (`indexes/<base>.<kind>` → sha256).
    public static func knowledgeHashes(manifestFiles files: [String: JSONValue], bases: some Collection<String>)
        -> [String: String]
    {
        var hashes: [String: String] = [:]
        for base in bases {
            let prefix = "indexes/\(base)."
            let lines = files.keys.filter { $0.hasPrefix(prefix) }.sorted().map {
                "\($0) \(files[$0]?["sha256"]?.stringValue ?? "")\n"
            }
            if !lines.isEmpty { hashes[base] = Hashing.sha256(lines.joined()) }
        }
        return hashes
    }

    /// Reads a plan.json (see `PlanDocument.decode`).
    public static func decode(_ json: JSONValue, artifactHash: String) throws(DocumentFormatError) -> ExecutionPlan {
        ExecutionPlan(try PlanDocument.decode(json), artifactHash: artifactHash)
    }

    public subscript<T>(dynamicMember path: KeyPath<PlanDocument, T>) -> T { document[keyPath: path] }

    public subscript<T>(dynamicMember path: WritableKeyPath<PlanDocument, T>) -> T {
        get { document[keyPath: path] }
        set { document[keyPath: path] = newValue }
    }

    public func task(named name: String) -> TaskDefinition? { document.task(named: name) }
}
