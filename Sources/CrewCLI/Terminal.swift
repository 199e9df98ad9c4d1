import CrewCore
import Foundation

/// What the process writes to: colour only on a terminal, never when NO_COLOR is set.
package enum Terminal {
    static func useColor(fileDescriptor: Int32) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(fileDescriptor) == 1
    }

    /// Prints text that holds names, outputs or messages from a crew or a model: control characters (but newline and
    /// tab) and bidi overrides are shown as escapes, so no crew can drive the terminal.
    package static func out(_ text: String) {
        outRaw(TerminalText.escapeBlock(text))
    }

    package static func err(_ text: String) {
        errRaw(TerminalText.escapeBlock(text))
    }

    /// For text made safe already: JSON (its serializer escapes every control character) and rendered diagnostics
    /// (the renderer escapes what came from the crew, then adds its own colours).
    static func outRaw(_ text: String) {
        write(text, to: .standardOutput)
    }

    static func outRaw(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }

    static func errRaw(_ text: String) {
        write(text, to: .standardError)
    }

    /// From the string's own bytes: `Data(String.UTF8View)` casts the view to a protocol at run time, a scan of every
    /// conformance in the binary the first time.
    private static func write(_ text: String, to handle: FileHandle) {
        var text = text
        text.withUTF8 { handle.write(Data(buffer: $0)) }
    }
}
