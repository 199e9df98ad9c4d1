import Foundation

/// `crew serve` started as a process of its own, its stderr in a file, and the port it said it listens on: what the
/// CLI tests and `crew-bench serve` drive over HTTP.
public struct ServeProcess: Sendable {
    public let process: Process
    public let port: Int
    /// The server's stderr, as a file.
    public let log: String

    public enum Failure: Error, CustomStringConvertible {
        case silent(String)
        public var description: String {
            switch self {
            case .silent(let log): return "crew serve did not say where it listens: \(log)"
            }
        }
    }

    /// Starts `binary serve ARGUMENTS --listen 127.0.0.1:0`, with `environment` over this process's, and waits up
    /// to 30 s for the line that names its port.
    public static func start(
        binary: String, arguments: [String], environment: [String: String], logFolder: String
    ) async throws -> ServeProcess {
        let log = logFolder + "/serve-\(UUID().uuidString).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve"] + arguments + ["--listen", "127.0.0.1:0"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardError = FileHandle(forWritingAtPath: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<600 {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "on http://127.0.0.1:"),
                let port = Int(text[range.upperBound...].prefix { $0.isNumber })
            {
                return ServeProcess(process: process, port: port, log: log)
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        process.terminate()
        throw Failure.silent((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    /// A line of /proc/PID/status in KiB (`VmRSS`, `VmHWM`); 0 when it cannot be read.
    public func memoryKiB(_ field: String) -> Int {
        let text = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return 0 }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
}
