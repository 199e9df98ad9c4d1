import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ports on 127.0.0.1 for servers a test starts as child processes.
public enum LocalPorts {
    public struct Unavailable: Error {}

    /// A port nothing listens on (the kernel's pick, released again).
    public static func free() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, named == 0 else { throw Unavailable() }
        return UInt16(bigEndian: address.sin_port)
    }

    public static func isListening(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// Waits up to 30 s for `process` to listen on `port`; false when it did not (or ended).
    public static func waitUntilListening(_ port: UInt16, _ process: Process) async -> Bool {
        for _ in 0..<600 {
            if isListening(port) { return true }
            guard process.isRunning else { return false }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return false
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// The tests' MCP demo server (`demo_server.py http PORT`) over Streamable HTTP, started for one test and stopped at
/// its end.
public struct HTTPDemoServer: Sendable {
    public let process: Process
    public let url: String

    public static func start(script: String) async throws -> HTTPDemoServer {
        let port = try LocalPorts.free()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "http", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = HTTPDemoServer(process: process, url: "http://127.0.0.1:\(port)/mcp")
        if await LocalPorts.waitUntilListening(port, process) { return server }
        server.stop()
        throw LocalPorts.Unavailable()
    }

    /// SIGKILL: on SIGTERM the server would wait for its open requests (a 60 s `slow`) to finish.
    public func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
