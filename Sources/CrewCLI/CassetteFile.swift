import CrewCore
import CrewDocuments
import CrewRuntime
import Foundation

/// `crew run --record FILE` and `--replay FILE`: the cassette file, read before anything runs and written when the
/// run ends, whatever the outcome (an interrupted run's exchanges are kept too).
enum CassetteFile {
    /// A cassette read and checked, ready to answer; a file that cannot be used stops the command (R522, exit 2).
    static func player(_ path: String) throws -> CassettePlayer {
        let bytes: [UInt8]
        do {
            bytes = try ConfinedFolder.readRegular(atPath: path, limit: Cassette.maxBytes)
        } catch {
            throw Engine.fail(
                CrewFailure(
                    .r522, "cannot read the cassette \(path): \(error)", hint: "record one: crew run --record \(path)"),
                exit: 2)
        }
        do {
            return CassettePlayer(try Cassette.decode(bytes, name: path), name: path)
        } catch {
            throw Engine.fail(
                CrewFailure(
                    .r522, "cannot read the cassette \(path): \(error.message)",
                    hint: "record it again: crew run --record \(path)"),
                exit: 2)
        }
    }

    struct Recording {
        let recorder: CassetteRecorder
        let path: String
        let plan: ExecutionPlan

        /// Writes the exchanges so far, whole (a temporary file renamed over the old one).
        func write() throws {
            let cassette = recorder.cassette(crew: plan.crewName, taskOrder: plan.tasks.map(\.name))
            do {
                try Data(cassette.fileText.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw Engine.fail(
                    CrewFailure(.r522, "cannot write the cassette \(path): \(error.localizedDescription)"))
            }
        }
    }
}
