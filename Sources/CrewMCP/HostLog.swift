#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Notes from the MCP host on its stderr, which crew keeps (the end of it explains a host that dies) and never
/// prints during a run.
enum HostLog {
    static func note(_ text: String) {
        let line = Array("crew-mcp: \(text)\n".utf8)
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }
}
