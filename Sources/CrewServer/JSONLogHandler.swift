import CrewCore
import CrewDocuments
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `crew serve`'s log when stderr is not a terminal (a service manager, a container, a file): one JSON object per line,
/// `{"ts", "level", "label", "message", ...metadata}`, so a log pipeline reads fields instead of parsing text. Control
/// characters are escaped by crew's JSON writer; a line is written with one call.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: JSONValue] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = Self.json(value)
        }
        fields["ts"] = .string(Timestamp.iso8601(Date()))
        fields["level"] = .string(event.level.rawValue)
        fields["label"] = .string(label)
        fields["message"] = .string(event.message.description)
        let line = Array((JSONValue.object(fields).serialized() + "\n").utf8)
        line.withUnsafeBytes { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .stringConvertible(let value): return .string(value.description)
        case .array(let values): return .array(values.map(json))
        case .dictionary(let values): return .object(values.mapValues(json))
        }
    }

    /// One info line from outside the server (the CLI saying where it listens), in the same form.
    public static func note(_ message: String, label: String = "crew.serve") {
        JSONLogHandler(label: label).log(
            event: LogEvent(
                level: .info, message: "\(message)", metadata: nil, source: "crew", file: #fileID, function: #function,
                line: #line))
    }

    /// The server's logger: JSON lines unless stderr is a terminal.
    public static func logger(label: String) -> Logger {
        guard isatty(STDERR_FILENO) == 0 else { return Logger(label: label) }
        return Logger(label: label) { JSONLogHandler(label: $0) }
    }
}
