/// Text from a crew, a model or a tool made safe to print: control characters (which a terminal obeys: colours,
/// cursor moves, title changes, clearing the screen) and bidirectional overrides (which make a name read as another,
/// Trojan Source style) are shown as visible escapes instead of being sent raw.
public enum TerminalText {
    /// One value on one line (a name, a path, a message): every control character is escaped, newlines included.
    public static func escape(_ text: String) -> String {
        render(text, keepLayout: false)
    }

    /// Text of several lines (an output, a prompt): newlines and tabs are kept, every other control is escaped.
    public static func escapeBlock(_ text: String) -> String {
        render(text, keepLayout: true)
    }

    /// True when printing `text` raw could change what a terminal shows.
    public static func needsEscaping(_ text: String, keepLayout: Bool = false) -> Bool {
        text.unicodeScalars.contains { isUnsafe($0, keepLayout: keepLayout) }
    }

    private static func render(_ text: String, keepLayout: Bool) -> String {
        guard needsEscaping(text, keepLayout: keepLayout) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar, keepLayout: keepLayout) {
                out.append(contentsOf: visible(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    public static func isUnsafe(_ scalar: Unicode.Scalar, keepLayout: Bool) -> Bool {
        let value = scalar.value
        if keepLayout && (value == 0x0A || value == 0x09) { return false }
        return value < 0x20 || (0x7F...0x9F).contains(value) || isBidiControl(value)
    }

    /// Embeddings, overrides, isolates and marks: U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069.
    static func isBidiControl(_ value: UInt32) -> Bool {
        value == 0x061C || value == 0x200E || value == 0x200F || (0x202A...0x202E).contains(value)
            || (0x2066...0x2069).contains(value)
    }

    private static func visible(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case let value where value < 0x100: return "\\x" + hex(value, width: 2)
        case let value: return "\\u{" + hex(value, width: 4) + "}"
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
