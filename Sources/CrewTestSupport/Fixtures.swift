import CrewBuild
import CrewCore
import CrewSpec
import Foundation

/// Paths of the test fixtures and the repository, found from this file's location so tests run from any folder.
public enum Fixtures {
    /// The package's root folder.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static let root = packageRoot + "/Tests/Fixtures"
    public static let examples = packageRoot + "/examples"
    /// The crewAI corpus lives beside the repository (../shared), not in it; CREW_CREWAI_CORPUS can point elsewhere.
    public static let crewAIExamples: String = {
        let candidates = [
            ProcessInfo.processInfo.environment["CREW_CREWAI_CORPUS"],
            packageRoot + "/../shared/compat/crewai-examples",
            "/work/shared/compat/crewai-examples",
        ].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[candidates.count - 1]
    }()

    public static var crewAIExamplesAvailable: Bool { FileManager.default.fileExists(atPath: crewAIExamples) }

    /// Entries (files ending in .yaml and folders) of a fixture folder, sorted, as case names.
    public static func cases(_ folder: String) -> [String] {
        let path = root + "/" + folder
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory)
            return exists && (isDirectory.boolValue || name.hasSuffix(".yaml"))
        }.sorted()
    }

    /// Compiles a crew and renders its diagnostics as plain text, with `prefix` removed from paths.
    public static func diagnosticsText(_ path: String, relativeTo prefix: String, loader: CrewLoader = CrewLoader())
        -> (Compiler.Result, String)
    {
        let result = Compiler.compile(path: path, loader: loader)
        let sources = result.sources
        let renderer = DiagnosticRenderer(color: false) { file, line in sources.line(file, line) }
        let text = renderer.render(result.diagnostics.sorted, format: .text)
        return (result, text.replacing(prefix.hasSuffix("/") ? prefix : prefix + "/", with: ""))
    }
}
