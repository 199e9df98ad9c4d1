import CrewCore
import CrewDocuments
import CrewRuntime

/// A recorded run, as `crew runs` lists it.
public struct RunListing: Sendable {
    public var record: RunRecord
    /// Recorded as running, and no process holds its lock: it crashed.
    public var crashed: Bool

    public var id: String { record.id }
}

extension CrewEngine {
    /// The runs recorded in `folder`, newest first; a run whose run.json cannot be read is left out.
    public func runs(in folder: ConfinedPath) -> [RunListing] {
        let store = RunStore(folder)
        return store.runIDs().compactMap { id in
            guard let record = store.record(id) else { return nil }
            return RunListing(record: record, crashed: store.isCrashed(id, run: record))
        }
    }

    /// The record of run `runID` (an id, a prefix of one, or `last`) in `folder`.
    public func record(runID: String, in folder: ConfinedPath) throws -> RunRecord {
        let store = RunStore(folder)
        return try store.recordOrError(try store.find(runID))
    }
}
