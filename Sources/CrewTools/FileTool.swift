import CrewCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `file` tool: read and list (and, with `write: true`, write) text files in one folder.
///
/// Plan entry: `root` (a folder relative to the crew's folder), `write` (false by default).
///
/// Input schema: `operation` (`read` | `list`, plus `write` when writing is allowed; required), `path` (relative to
/// the folder; `.` or absent lists the folder itself), `content` (the text to write; only when writing is allowed).
///
/// `read` returns UTF-8 text, cut at `maxReadBytes`; binary files are refused. `list` returns the folder's entries
/// (folders end with `/`). `write` creates the folder and missing parents and replaces the file atomically.
/// Paths are confined to the folder (see `PathGuard`).
public struct FileTool: AgentTool {
    public let descriptor: ToolDescriptor
    let guardRail: PathGuard
    let writable: Bool
    let maxReadBytes: Int
    static let maxEntries = 1000

    /// Builds the tool from its `plan.json` entry. `maxReadBytes` caps what one read returns.
    public init(name: String, config: JSONValue, context: ToolContext, maxReadBytes: Int = 1 << 20)
        throws(ToolSetupError)
    {
        let settings = ToolConfig(name: name, type: "file", config: config)
        let root = try settings.requiredString("root")
        guard !root.hasPrefix("/"), !root.contains("\0"),
            (try? PathGuard.components(root)) != nil
        else { throw settings.failure("`root` must be a folder inside the crew's folder") }
        writable = try settings.bool("write") ?? false
        self.maxReadBytes = max(1, maxReadBytes)
        guardRail = PathGuard(root: context.crewFolder + "/" + root)
        let operations = writable ? ["read", "list", "write"] : ["read", "list"]
        let fallback =
            "Reads text files and lists folders"
            + (writable ? ", and writes text files," : "")
            + " inside the folder `\(root)`. Paths are relative to that folder; files larger than "
            + "\(self.maxReadBytes) bytes are cut and binary files are not read."
        descriptor = ToolDescriptor(
            name: name, description: settings.description(default: fallback),
            inputSchema: Self.schema(operations, writable: writable))
    }

    static func schema(_ operations: [String], writable: Bool) -> JSONValue {
        var properties: [String: JSONValue] = [
            "operation": .object(["type": .string("string"), "enum": .strings(operations)]),
            "path": .object([
                "type": .string("string"),
                "description": .string("A path relative to the folder, e.g. notes/todo.md; `.` is the folder itself."),
            ]),
        ]
        if writable {
            properties["content"] = .object([
                "type": .string("string"), "description": .string("The full text to write (write only)."),
            ])
        }
        return .object([
            "type": .string("object"), "properties": .object(properties), "required": .strings(["operation"]),
            "additionalProperties": .bool(false),
        ])
    }

    public func call(_ arguments: JSONValue) async throws(ToolFailure) -> String {
        let path = arguments["path"]?.stringValue ?? "."
        let components = try PathGuard.components(path)
        switch arguments["operation"]?.stringValue {
        case "read":
            return try read(components, shown: path)
        case "list":
            return try list(components, shown: path)
        case "write":
            guard writable else { throw ToolFailure("this tool may not write files") }
            guard let content = arguments["content"]?.stringValue else {
                throw ToolFailure("`content` is required to write")
            }
            return try write(content, to: components, shown: path)
        default:
            throw ToolFailure("`operation` must be one of \(writable ? "read, list, write" : "read, list")")
        }
    }

    func read(_ components: [String], shown: String) throws(ToolFailure) -> String {
        guard !components.isEmpty else { throw ToolFailure("give the path of a file to read (or use list)") }
        let real = try guardRail.existing(components, shown: shown)
        let (bytes, size) = try FileIO.readPrefix(real, limit: maxReadBytes, shown: shown)
        let text = size > bytes.count ? HTTPResult.completeUTF8(bytes) : bytes[...]
        guard !text.contains(0), let decoded = String(validating: text, as: UTF8.self) else {
            throw ToolFailure("`\(shown)` is not a UTF-8 text file (\(size) bytes); this tool reads text only")
        }
        guard size > bytes.count else { return decoded }
        return decoded + "\n\n[file cut after the first \(text.count) bytes of \(size)]"
    }

    func list(_ components: [String], shown: String) throws(ToolFailure) -> String {
        let real = try guardRail.existing(components, shown: shown)
        let realRoot = guardRail.realRoot() ?? real
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: real) else {
            throw ToolFailure("`\(shown)` is not a folder (use read)")
        }
        let sorted = names.sorted()
        var lines = sorted.prefix(Self.maxEntries).map { FileIO.describe(real + "/" + $0, name: $0, root: realRoot) }
        if sorted.count > Self.maxEntries {
            lines.append("[\(sorted.count - Self.maxEntries) more entries not shown]")
        }
        return lines.isEmpty ? "(empty folder)" : lines.joined(separator: "\n")
    }

    func write(_ content: String, to components: [String], shown: String) throws(ToolFailure) -> String {
        let target = try guardRail.writeTarget(components, shown: shown)
        try FileIO.writeAtomically(Array(content.utf8), to: target, shown: shown)
        return "wrote \(content.utf8.count) bytes to \(components.joined(separator: "/"))"
    }
}
