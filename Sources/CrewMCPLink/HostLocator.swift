import CrewTools
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds `crew-mcp`, the helper that links the MCP SDK so that `crew` does not have to: `CREW_MCP_HOST` when set,
/// else the file next to the running executable (so `.build/debug/crew-mcp` for a test bundle in `.build/debug`).
package enum HostLocator {
    package static let executableName = "crew-mcp"
    package static let environmentKey = "CREW_MCP_HOST"

    package static func locate(environment: [String: String]) throws(ToolSetupError) -> String {
        if let configured = environment[environmentKey], !configured.isEmpty {
            return try check(configured, from: "\(environmentKey)=\(configured)", fix: configuredFix)
        }
        guard let folder = executableFolder() else {
            throw ToolSetupError(
                "MCP servers run through the helper `\(executableName)`, and crew cannot tell which folder it was "
                    + "started from to look for it: set \(environmentKey) to the path of `\(executableName)`")
        }
        let path = folder + "/" + executableName
        let fix =
            "install `\(executableName)` in the folder of `crew` (\(folder)), or set \(environmentKey) to its path"
        return try check(path, from: path, fix: fix)
    }

    private static let configuredFix =
        "set \(environmentKey) to the path of `\(executableName)`, or unset it to use the one next to `crew`"

    private static func check(_ path: String, from origin: String, fix: String) throws(ToolSetupError) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ToolSetupError(
                "MCP servers run through the helper `\(executableName)`, which is not there (\(origin)): \(fix)")
        }
        guard !isFolder.boolValue, access(path, X_OK) == 0 else {
            throw ToolSetupError(
                "MCP servers run through the helper `\(executableName)`, but \(path) is not an executable file: \(fix)"
            )
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
