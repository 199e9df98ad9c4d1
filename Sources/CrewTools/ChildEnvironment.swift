import Foundation

/// The environment of a process crew starts for a tool: a few variables a program needs to behave (find programs,
/// a home, a language, a place for temporary files), never the rest of crew's environment, which holds model keys
/// and other tools' tokens. What a tool needs besides, its entry declares (`env:`); those values are resolved
/// through `ToolContext`, so that the run records them as secrets.
public struct ChildEnvironment: Sendable, Equatable {
    /// The variables copied from crew's own environment when set.
    public static let inherited = ["PATH", "HOME", "LANG", "TMPDIR"]
    /// What `crew-mcp` gets on top: it may reach an HTTPS server through a private certificate authority.
    public static let hostExtras = ["SSL_CERT_FILE", "SSL_CERT_DIR"]

    public private(set) var variables: [String: String]

    /// `names` taken from `source` (those it has), then `declared` on top.
    public init(
        inheriting names: [String] = ChildEnvironment.inherited,
        from source: [String: String] = ProcessInfo.processInfo.environment, declared: [String: String] = [:]
    ) {
        var variables: [String: String] = [:]
        for name in names { if let value = source[name] { variables[name] = value } }
        variables.merge(declared) { _, new in new }
        self.variables = variables
    }

    /// `NAME=value` strings in name order, as `posix_spawn` takes them.
    public var entries: [String] {
        variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// Calls `body` with a NULL-terminated C array of the entries.
    public func withCArray<T>(_ body: ([UnsafeMutablePointer<CChar>?]) throws -> T) rethrows -> T {
        let pointers = entries.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        return try body(pointers + [nil])
    }
}
