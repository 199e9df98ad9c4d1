import ArgumentParser
import CrewBuild
import CrewCore
import CrewSpec

/// Compiles the crew at a path and reports diagnostics the way every command does.
enum Compilation {
    /// Renders diagnostics in `format` to stdout (`toStdout`) or stderr; returns the compile result.
    static func compile(path: String, format: DiagnosticRenderer.Format, toStdout: Bool) -> Compiler.Result {
        let result = Compiler.compile(path: path)
        let diagnostics = result.diagnostics.sorted
        let descriptor: Int32 = toStdout ? 1 : 2
        let sources = result.sources
        let renderer = DiagnosticRenderer(color: Terminal.useColor(fileDescriptor: descriptor)) { file, line in
            sources.line(file, line)
        }
        if !diagnostics.isEmpty || format == .json {
            let text = renderer.render(diagnostics, format: format)
            toStdout ? Terminal.outRaw(text) : Terminal.errRaw(text)
        }
        return result
    }
}

extension DiagnosticRenderer.Format: ExpressibleByArgument {}
