import ArgumentParser
import CrewCore
import CrewKit
import CrewServer

/// `crew serve [CREWS_DIR]`: the crews of a folder as an HTTP API, run through the same library as `crew run`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve a folder of crews over HTTP (API v1, live events).")

    @Argument(
        help: "A folder whose subfolders are crews (a crew.yaml or a crewAI project each).", completion: .directory)
    var crewsDir: String = "."

    @Option(
        help: "Where run records and outputs go (default: .crew/serve in the current folder).", completion: .directory)
    var data: String = ".crew/serve"

    @Option(help: "HOST:PORT to listen on; only this machine's addresses until tokens exist.")
    var listen: String = "127.0.0.1:8080"

    func validate() throws {
        guard Self.address(listen) != nil else {
            throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8080")
        }
    }

    static func address(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port), colon != text.startIndex
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    func run() async throws {
        let (host, port) = Self.address(listen)!
        let server = CrewServer(
            configuration: ServerConfiguration(crewsFolder: crewsDir, dataFolder: data, host: host, port: port),
            engine: Engine.shared)
        do {
            try await server.run { bound in
                Terminal.err("crew serve: crews from \(crewsDir), data in \(data), on http://\(host):\(bound)\n")
            }
        } catch {
            throw Engine.fail(error)
        }
    }
}
