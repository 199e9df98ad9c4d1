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
/// Paths are confined to the folder: `root` below the crew's folder and every path below `root` are walked one
/// component at a time without following a link (see `ConfinedFolder`).
public struct FileTool: AgentTool {
    public let descriptor: ToolDescriptor
    /// The crew's folder (trusted) and `root` below it (from the crew file, untrusted).
    let location: ConfinedPath
    let writable: Bool
    let maxReadBytes: Int
    static let maxEntries = 1000

    /// Builds the tool from its `plan.json` entry. `maxReadBytes` caps what one read returns.
    public init(name: String, config: JSONValue, context: ToolContext, maxReadBytes: Int = 1 << 20)
        throws(ToolSetupError)
    {
        let settings = ToolConfig(name: name, type: "file", config: config)
        let root = try settings.requiredString("root")
        guard (try? ConfinedFolder.components(root)) != nil else {
            throw settings.failure("`root` must be a folder inside the crew's folder")
        }
        writable = try settings.bool("write") ?? false
        self.maxReadBytes = max(1, maxReadBytes)
        location = ConfinedPath(base: context.crewFolder, below: root)
        // A root that is (or goes through) a link, or is a file, is refused now rather than at the model's first call.
        do {
            _ = try ConfinedFolder.open(location)
        } catch  where error.reason != .missing {
            throw settings.failure("`root` \(error)")
        } catch {}
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
        let components: [String]
        do {
            components = try ConfinedFolder.components(path)
        } catch {
            throw ToolFailure(error)
        }
        let relative = components.joined(separator: "/")
        switch arguments["operation"]?.stringValue {
        case "read":
            return try read(relative, shown: path)
        case "list":
            return try list(relative, shown: path)
        case "write":
            guard writable else { throw ToolFailure("this tool may not write files") }
            guard let content = arguments["content"]?.stringValue else {
                throw ToolFailure("`content` is required to write")
            }
            return try write(content, to: relative, shown: path)
        default:
            throw ToolFailure("`operation` must be one of \(writable ? "read, list, write" : "read, list")")
        }
    }

    /// The tool's folder, opened now: a link swapped in since the last call is refused like one planted before.
    func folder(create: Bool = false) throws(ToolFailure) -> ConfinedFolder {
        do {
            return try ConfinedFolder.open(location, create: create, shownAs: "")
        } catch  where error.reason == .missing {
            throw ToolFailure("the folder of this tool does not exist yet (nothing has been written to it)")
        } catch {
            throw ToolFailure("the folder of this tool cannot be opened: \(ToolFailure(error).message)")
        }
    }

    func read(_ relative: String, shown: String) throws(ToolFailure) -> String {
        guard !relative.isEmpty else { throw ToolFailure("give the path of a file to read (or use list)") }
        let opened: (fd: Int32, size: Int)
        let folder = try folder()
        do {
            opened = try folder.openRegular(relative)
        } catch {
            throw ToolFailure(PathFailure(shown, error.reason))
        }
        defer { Glibc.close(opened.fd) }
        let (bytes, size) = try FileIO.readPrefix(opened.fd, size: opened.size, limit: maxReadBytes, shown: shown)
        let text = size > bytes.count ? HTTPResult.completeUTF8(bytes) : bytes[...]
        guard !text.contains(0), let decoded = String(validating: text, as: UTF8.self) else {
            throw ToolFailure("`\(shown)` is not a UTF-8 text file (\(size) bytes); this tool reads text only")
        }
        guard size > bytes.count else { return decoded }
        return decoded + "\n\n[file cut after the first \(text.count) bytes of \(size)]"
    }

    func list(_ relative: String, shown: String) throws(ToolFailure) -> String {
        let entries: [(name: String, kind: EntryKind)]
        let folder = try folder()
        do {
            entries = try folder.entries(relative)
        } catch {
            if case .notFolder(let part) = error.reason, relative == part || relative.hasSuffix("/" + part) {
                throw ToolFailure("`\(shown)` is not a folder (use read)")
            }
            throw ToolFailure(PathFailure(shown, error.reason))
        }
        var lines = entries.prefix(Self.maxEntries).map { FileIO.describe($0.name, $0.kind) }
        if entries.count > Self.maxEntries {
            lines.append("[\(entries.count - Self.maxEntries) more entries not shown]")
        }
        return lines.isEmpty ? "(empty folder)" : lines.joined(separator: "\n")
    }

    func write(_ content: String, to relative: String, shown: String) throws(ToolFailure) -> String {
        guard !relative.isEmpty else { throw ToolFailure("give the path of a file to write") }
        let folder = try folder(create: true)
        do {
            try folder.write(Array(content.utf8), to: relative)
        } catch {
            throw ToolFailure(PathFailure(shown, error.reason))
        }
        return "wrote \(content.utf8.count) bytes to \(relative)"
    }
}
