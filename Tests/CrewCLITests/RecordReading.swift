import CrewCore
import CrewDocuments
import CrewRuntime

/// What a CLI run left in its record, read the way crew reads it back (`RunStore`): results are events and messages
/// are lines of a log (specs/run-record.md), not files to open.
enum Record {
    static func result(_ runs: String, _ id: String, _ task: String) -> JSONValue? {
        RunStore(ConfinedPath(base: runs)).taskResult(id, task: task)?.json
    }

    static func messages(_ runs: String, _ id: String, _ task: String) -> String {
        RunStore(ConfinedPath(base: runs)).messages(id, task: task).map { JSONValue.array($0).serialized() } ?? ""
    }
}
