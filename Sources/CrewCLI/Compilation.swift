import ArgumentParser
import CrewCore
import CrewKit
import CrewSpec

/// Compiles the crew at a path and reports diagnostics the way every command does.
enum Compilation {
    /// Renders diagnostics in `format` to stdout (`toStdout`) or stderr; returns the compiled crew.
    static func compile(
        path: String, crewAI: CrewAIOptions = CrewAIOptions(), format: DiagnosticRenderer.Format, toStdout: Bool
    ) -> CompiledCrew {
        let compiled = Engine.shared.compile(path: path, crewAI: crewAI)
        let diagnostics = compiled.diagnostics.sorted
        let descriptor: Int32 = toStdout ? 1 : 2
        let sources = compiled.sources
        let renderer = DiagnosticRenderer(color: Terminal.useColor(fileDescriptor: descriptor)) { file, line in
            sources.line(file, line)
        }
        if !diagnostics.isEmpty || format == .json {
            let text = renderer.render(diagnostics, format: format)
            toStdout ? Terminal.outRaw(text) : Terminal.errRaw(text)
        }
        return compiled
    }
}

extension DiagnosticRenderer.Format: ExpressibleByArgument {}
