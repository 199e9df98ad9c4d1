import CrewCore
import CrewMCPLink
import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `crew-mcp`: serves one MCP server for crew over the line protocol of `HostRequest`/`HostReply` on stdin and
/// stdout, so that the MCP SDK (and the FoundationNetworking it pulls in) is linked here rather than into `crew`.
public enum MCPHost {
    /// Runs until `close`, end of file on stdin or SIGTERM, then closes the session; returns the exit status.
    public static func run(arguments: [String]) async -> Int32 {
        if arguments == ["--version"] {
            print("crew-mcp \(CrewVersion.current)")
            return 0
        }
        guard arguments.isEmpty, isatty(0) == 0 else {
            HostLog.note(
                "the helper through which crew reaches MCP servers; crew starts it (install it next to `crew`) and "
                    + "talks to it on stdin and stdout. It takes no arguments but --version.")
            return 2
        }
        // crew orchestrates the shutdown on Ctrl-C, which the terminal sends to crew's whole process group; a write
        // to a crew that has gone must be an error, not the end of the host.
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        guard let replies = protocolOutput() else {
            HostLog.note("could not set up its output: \(String(cString: strerror(errno)))")
            return 1
        }
        let session = HostSession(replies: replies)
        let (lines, input) = AsyncStream.makeStream(of: [UInt8].self)
        let reader = LineReader(
            fd: 0, label: "crew.mcp-host.stdin", onLine: { input.yield($0) },
            onOverflow: {
                HostLog.note("a line from crew is longer than 64 MB; closing")
                input.finish()
            },
            onEnd: { input.finish() })
        // SIGTERM (crew stopping a host that did not close in time) closes the session like `close`, so that the
        // server is not left behind.
        signal(SIGTERM, SIG_IGN)
        let terminate = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        terminate.setEventHandler { input.finish() }
        terminate.resume()
        reader.start()
        for await line in lines {
            guard await session.handle(line) else { break }
        }
        await session.finish()
        terminate.cancel()
        return 0
    }

    /// The protocol's own descriptor, a copy of stdout kept from the server processes (close-on-exec); stdout
    /// itself then points at stderr, so that nothing printed by accident (a library's log line) can break a
    /// message.
    private static func protocolOutput() -> LineWriter? {
        let fd = fcntl(1, F_DUPFD_CLOEXEC, 3)
        guard fd >= 0, dup2(2, 1) >= 0 else { return nil }
        return LineWriter(fd: fd, label: "crew.mcp-host.stdout")
    }
}
