import CrewCore
import CrewDocuments
import Foundation

/// The task cache: one JSON file per key, `<first two hex digits>/<key>.json` below the cache folder
/// (specs/cache.md). Entries are written whole (temporary file, then rename), so two runs storing the same key at
/// once leave one good entry. Anything unreadable, oversized or not matching its key is a miss, never an error: the
/// folder may be shared, and a cache must not fail a run.
struct TaskCache: Sendable {
    static let format = "crew-task-cache"
    static let formatVersion = 1
    /// The largest entry read.
    static let maxEntryBytes = 32 << 20

    let folder: ConfinedPath

    /// What a hit gives back: the output, and what producing it cost the run that stored it.
    struct Entry: Sendable, Equatable {
        var output: String
        var inputTokens: Int
        var outputTokens: Int
        var costUSD: Double?
        /// The run that stored it.
        var runID: String
        var created: String
    }

    static func path(_ key: TaskKey) -> String {
        "\(key.hex.prefix(2))/\(key.hex).json"
    }

    func lookup(_ key: TaskKey) -> Entry? {
        guard let root = try? ConfinedFolder.open(folder),
            let bytes = try? root.read(Self.path(key), limit: Self.maxEntryBytes),
            let json = try? JSONParser.parse(bytes),
            json["format"]?.stringValue == Self.format, json["format_version"]?.intValue == Self.formatVersion,
            json["key"]?.stringValue == key.hex, let output = json["output"]?.stringValue
        else { return nil }
        return Entry(
            output: output, inputTokens: max(0, json["input_tokens"]?.intValue ?? 0),
            outputTokens: max(0, json["output_tokens"]?.intValue ?? 0),
            costUSD: json["cost_usd"]?.doubleValue.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil },
            runID: json["run_id"]?.stringValue ?? "", created: json["created"]?.stringValue ?? "")
    }

    /// Stores an answer; a cache that cannot be written is left as it is (the run goes on).
    func store(_ key: TaskKey, task: String, _ entry: Entry) {
        let json = JSONValue.object(dropping: [
            ("format", .string(Self.format)), ("format_version", .int(Self.formatVersion)),
            ("key", .string(key.hex)), ("task", .string(task)), ("output", .string(entry.output)),
            ("input_tokens", .int(entry.inputTokens)), ("output_tokens", .int(entry.outputTokens)),
            ("cost_usd", entry.costUSD.map { .double(TaskFigures.rounded($0)) }),
            ("run_id", .string(entry.runID)), ("created", .string(entry.created)),
        ])
        guard let root = try? ConfinedFolder.open(folder, create: true) else { return }
        try? root.write(json.serialized(pretty: true) + "\n", to: Self.path(key))
    }
}
