import CrewCore
import Foundation

/// The runs under a runs folder (default `.crew/runs`): listing, finding by id or prefix, and reading a record back,
/// tolerating a last line cut by a crash.
public struct RunStore: Sendable {
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    /// Run ids, newest first.
    public func runIDs() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: folder + "/" + $0 + "/run.json") }.sorted(by: >)
    }

    public enum LookupError: Error, CustomStringConvertible {
        case notFound(String, String)
        case ambiguous(String, [String])

        public var description: String {
            switch self {
            case .notFound(let id, let folder): return "no run `\(id)` in \(folder); `crew runs` lists them"
            case .ambiguous(let id, let matches):
                return "`\(id)` matches several runs: \(matches.prefix(5).joined(separator: ", "))"
            }
        }
    }

    /// The run whose id is `id` or starts with it; `last` names the newest run.
    public func find(_ id: String) throws(LookupError) -> String {
        let ids = runIDs()
        if id == "last", let newest = ids.first { return newest }
        if ids.contains(id) { return id }
        let matches = ids.filter { $0.hasPrefix(id) }
        if matches.count == 1 { return matches[0] }
        throw matches.isEmpty ? .notFound(id, folder) : .ambiguous(id, matches)
    }

    public func runJSON(_ id: String) -> JSONValue? {
        read(folder + "/" + id + "/run.json")
    }

    /// Every complete event line; a partial last line (a crash mid-write) is skipped.
    public func events(_ id: String) -> [RunEvent] {
        guard let data = FileManager.default.contents(atPath: folder + "/" + id + "/events.jsonl") else { return [] }
        return data.split(separator: 0x0A).compactMap { line in
            (try? JSONParser.parse(Array(line))).flatMap(RunEvent.init(json:))
        }
    }

    /// Outputs of the tasks that finished: the result says succeeded and the output file is there.
    public func finishedOutputs(_ id: String) -> [String: String] {
        let tasks = folder + "/" + id + "/tasks"
        var outputs: [String: String] = [:]
        for task in (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? [] {
            guard let result = read(tasks + "/" + task + "/result.json"), result["status"]?.stringValue == "succeeded"
            else { continue }
            let name = RunRecorder.outputName(isJSON: result["output_format"]?.stringValue == "json")
            if let data = FileManager.default.contents(atPath: tasks + "/" + task + "/" + name) {
                outputs[task] = String(decoding: data, as: UTF8.self)
            }
        }
        return outputs
    }

    public func taskResult(_ id: String, task: String) -> JSONValue? {
        read(folder + "/" + id + "/tasks/" + task + "/result.json")
    }

    func read(_ path: String) -> JSONValue? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONParser.parse(Array(data))
    }
}
