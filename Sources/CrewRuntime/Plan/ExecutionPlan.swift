import CrewCore
import CrewDocuments

/// What a run executes: a plan document and the hash of the artifact it came from (the identity of what ran,
/// recorded in every run). The runtime reads only plan documents, never crew files, so a run of an artifact and a
/// run of a crew folder are the same. Members of the document read through: `plan.tasks`, `plan.models`.
@dynamicMemberLookup
public struct ExecutionPlan: Sendable {
    public var document: PlanDocument
    public var artifactHash: String

    public init(_ document: PlanDocument, artifactHash: String) {
        self.document = document
        self.artifactHash = artifactHash
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
