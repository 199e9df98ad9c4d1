import CrewTools
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A program crew runs that ships next to `crew`, so that `crew` need not link what it links.
package struct HelperProgram: Sendable {
    package let name: String
    /// Where a path to it may be given instead (tests, unusual installs).
    package let environmentKey: String
    /// What runs through it, to open an error message.
    package let role: String

    /// `crew-mcp` links the MCP SDK.
    package static let mcpHost = HelperProgram(
        name: "crew-mcp", environmentKey: "CREW_MCP_HOST", role: "MCP servers run through the helper `crew-mcp`")
    /// `crew-server` links the server: HTTP, its stores' drivers, JWTs. Left out of `crew`, they no longer slow every
    /// command's start: each first run-time protocol lookup scans every conformance the binary holds.
    package static let server = HelperProgram(
        name: "crew-server", environmentKey: "CREW_SERVER",
        role: "`crew serve` and `crew token` run the program `crew-server`")
}

/// Finds a helper program: its environment variable when set, else the file next to the running executable (so
/// `.build/debug/crew-mcp` for a test bundle in `.build/debug`).
package enum HostLocator {
    package static func locate(_ helper: HelperProgram = .mcpHost, environment: [String: String])
        throws(ToolSetupError) -> String
    {
        if let configured = environment[helper.environmentKey], !configured.isEmpty {
            let fix =
                "set \(helper.environmentKey) to the path of `\(helper.name)`, or unset it to use the one next to `crew`"
            return try check(helper, configured, from: "\(helper.environmentKey)=\(configured)", fix: fix)
        }
        guard let folder = executableFolder() else {
            throw ToolSetupError(
                "\(helper.role), and crew cannot tell which folder it was started from to look for it: set "
                    + "\(helper.environmentKey) to the path of `\(helper.name)`")
        }
        let path = folder + "/" + helper.name
        let fix =
            "install `\(helper.name)` in the folder of `crew` (\(folder)), or set \(helper.environmentKey) to its path"
        return try check(helper, path, from: path, fix: fix)
    }

    private static func check(_ helper: HelperProgram, _ path: String, from origin: String, fix: String)
        throws(ToolSetupError) -> String
    {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ToolSetupError("\(helper.role), which is not there (\(origin)): \(fix)")
        }
        guard !isFolder.boolValue, access(path, X_OK) == 0 else {
            throw ToolSetupError("\(helper.role), but \(path) is not an executable file: \(fix)")
        }
        return path
    }

    /// The folder of the running executable, symbolic links resolved (`crew` may be a link into an install folder).
    package static func executableFolder() -> String? {
        #if os(Linux)
            let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        #else
            // A test bundle is loaded by Xcode's `xctest` runner: the bundle's folder is the build folder.
            if let tests = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {
                return tests.bundleURL.deletingLastPathComponent().path
            }
            let path = Bundle.main.executableURL?.resolvingSymlinksInPath().path
        #endif
        guard let path, path.hasPrefix("/") else { return nil }
        return URL(fileURLWithPath: path).deletingLastPathComponent().path
    }
}
