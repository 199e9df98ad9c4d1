/// Model APIs accept tool names of `[A-Za-z0-9_-]{1,64}`; MCP servers may use dots, slashes or longer names.
enum ToolName {
    static let maxLength = 64

    static func sanitize(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars.prefix(maxLength) {
            out.unicodeScalars.append(isAllowed(scalar) ? scalar : "_")
        }
        return out.isEmpty ? "tool" : out
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
        default: false
        }
    }
}
