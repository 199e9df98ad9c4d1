import CrewCore
import CrewDocuments
import CrewRuntime
import Logging

/// A run's course in the server's log: its start and end, and each task that failed or was skipped, with `run_id`
/// and `task` as metadata (JSON fields when stderr is not a terminal). Finished tasks are logged at debug level:
/// the record has them all, and a big crew would flood the log. Messages come from the record's events, which hold
/// no secret.
struct RunLog: RunObserver {
    let logger: Logger
    let runID: String

    func handle(_ event: RunEvent) {
        var metadata: Logger.Metadata = ["run_id": "\(runID)"]
        if let task = event.task { metadata["task"] = "\(task)" }
        let fields = event.fields
        switch event.kind {
        case .runStarted:
            logger.info("run \(runID) started", metadata: metadata)
        case .taskFailed:
            metadata["error"] = "\(fields["error"]?.stringValue ?? "")"
            logger.warning("run \(runID): task \(event.task ?? "") failed", metadata: metadata)
        case .taskSkipped:
            logger.info("run \(runID): task \(event.task ?? "") skipped", metadata: metadata)
        case .taskFinished:
            if fields["cached"] == .bool(true) { metadata["cached"] = "true" }
            logger.debug("run \(runID): task \(event.task ?? "") finished", metadata: metadata)
        case .runFinished:
            let status = fields["status"]?.stringValue ?? ""
            metadata["status"] = "\(status)"
            metadata["duration_ms"] = "\(fields["duration_ms"]?.intValue ?? 0)"
            logger.info("run \(runID) \(status)", metadata: metadata)
        default:
            break
        }
    }
}
