import CrewCore

/// Splits Python source into tokens with 1-based line and column positions. It follows the language's lexical
/// rules closely enough for crew.py files (indentation, implicit joining inside brackets, backslash continuation,
/// every string prefix and quote form) and never evaluates anything.
struct PythonTokenizer {
    private let scalars: [Unicode.Scalar]
    private let file: String
    private var index = 0
    private var line = 1
    private var column = 1
    private var depth = 0
    private var indents = [0]
    private var tokens: [PythonToken] = []
    private var atLineStart = true

    /// Bracket and block nesting beyond this is refused: crew.py files are small and a hostile one must not recurse
    /// deep.
    static let maxDepth = 200

    init(_ text: String, file: String) {
        self.scalars = Array(text.unicodeScalars)
        self.file = file
    }

    static func tokenize(_ text: String, file: String) throws(PythonSyntaxError) -> [PythonToken] {
        var tokenizer = PythonTokenizer(text, file: file)
        return try tokenizer.run()
    }

    private mutating func run() throws(PythonSyntaxError) -> [PythonToken] {
        while index < scalars.count {
            if atLineStart && depth == 0 {
                if try handleIndentation() { continue }
            }
            let scalar = scalars[index]
            switch scalar {
            case " ", "\t", "\u{0C}":
                advance()
            case "#":
                while index < scalars.count && scalars[index] != "\n" { advance() }
            case "\r":
                advance()
            case "\n":
                if depth == 0 && tokens.last.map({ $0.kind != .newline }) == true { emit(.newline, "\n", here) }
                advance()
                // Inside brackets a line break joins lines: the next line's indentation means nothing.
                atLineStart = depth == 0
            case "\\":
                try continuation()
            default:
                try token(scalar)
            }
        }
        if tokens.last.map({ $0.kind != .newline }) == true { emit(.newline, "", here) }
        while indents.count > 1 {
            indents.removeLast()
            emit(.dedent, "", here)
        }
        emit(.end, "", here)
        return tokens
    }

    private var here: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    private mutating func advance() {
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private mutating func emit(_ kind: PythonToken.Kind, _ text: String, _ at: SourceLocation) {
        tokens.append(PythonToken(kind: kind, text: text, location: at))
    }

    /// Measures a line's indentation; blank and comment-only lines change nothing. Returns true when the line was
    /// skipped whole.
    private mutating func handleIndentation() throws(PythonSyntaxError) -> Bool {
        var width = 0
        var cursor = index
        while cursor < scalars.count, scalars[cursor] == " " || scalars[cursor] == "\t" || scalars[cursor] == "\u{0C}" {
            width = scalars[cursor] == "\t" ? (width / 8 + 1) * 8 : width + 1
            cursor += 1
        }
        if cursor >= scalars.count || ["\n", "#", "\r"].contains(scalars[cursor]) {
            while index < cursor { advance() }
            if index < scalars.count && scalars[index] == "#" {
                while index < scalars.count && scalars[index] != "\n" { advance() }
            }
            if index < scalars.count { advance() }
            return true
        }
        while index < cursor { advance() }
        atLineStart = false
        if width > indents[indents.count - 1] {
            // Each block is a level of the parser's recursion: a hostile file must not nest them without end.
            guard indents.count <= Self.maxDepth else {
                throw PythonSyntaxError(message: "blocks nested more than \(Self.maxDepth) deep", location: here)
            }
            indents.append(width)
            emit(.indent, "", here)
        } else {
            while width < indents[indents.count - 1] {
                indents.removeLast()
                emit(.dedent, "", here)
            }
            if width != indents[indents.count - 1] {
                throw PythonSyntaxError(message: "unindent does not match any outer indentation level", location: here)
            }
        }
        return false
    }

    private mutating func continuation() throws(PythonSyntaxError) {
        let at = here
        advance()
        if index < scalars.count && scalars[index] == "\r" { advance() }
        guard index < scalars.count, scalars[index] == "\n" else {
            throw PythonSyntaxError(message: "unexpected character after line continuation", location: at)
        }
        advance()
    }

    private mutating func token(_ scalar: Unicode.Scalar) throws(PythonSyntaxError) {
        if let prefixLength = stringPrefixLength() {
            try string(prefixLength: prefixLength)
        } else if Self.isIdentifierStart(scalar) {
            name()
        } else if scalar.properties.numericType != nil && scalar.isASCII
            || (scalar == "." && next(1).map { $0.isASCII && $0.properties.numericType != nil } == true)
        {
            number()
        } else {
            try op()
        }
    }

    private func next(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isXIDStart
    }

    private mutating func name() {
        let at = here
        var text = ""
        while index < scalars.count, scalars[index] == "_" || scalars[index].properties.isXIDContinue {
            text.unicodeScalars.append(scalars[index])
            advance()
        }
        emit(.name, text, at)
    }

    private mutating func number() {
        let at = here
        var text = ""
        while let scalar = next(0) {
            let isPart =
                scalar.properties.isXIDContinue || scalar == "."
                || ((scalar == "+" || scalar == "-") && (text.last == "e" || text.last == "E") && !text.hasPrefix("0x"))
            guard isPart else { break }
            text.unicodeScalars.append(scalar)
            advance()
        }
        emit(.number, text, at)
    }

    private static let operators = [
        "**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=", "<=", ">=", "**", "//", "<<", ">>", "+=", "-=",
        "*=", "/=", "%=", "&=", "|=", "^=", "@=",
    ]

    private mutating func op() throws(PythonSyntaxError) {
        let at = here
        for candidate in Self.operators where matches(candidate) {
            for _ in candidate.unicodeScalars { advance() }
            emit(.op, candidate, at)
            return
        }
        let scalar = scalars[index]
        guard "()[]{}:,;.+-*/%&|^~<>=@!".unicodeScalars.contains(scalar) else {
            throw PythonSyntaxError(message: "unexpected character `\(scalar.escaped(asASCII: true))`", location: at)
        }
        switch scalar {
        case "(", "[", "{":
            depth += 1
            if depth > Self.maxDepth {
                throw PythonSyntaxError(message: "brackets nested more than \(Self.maxDepth) deep", location: at)
            }
        case ")", "]", "}":
            depth = max(0, depth - 1)
        default: break
        }
        advance()
        emit(.op, String(scalar), at)
    }

    private func matches(_ candidate: String) -> Bool {
        var offset = 0
        for scalar in candidate.unicodeScalars {
            guard next(offset) == scalar else { return false }
            offset += 1
        }
        return true
    }

    /// The length of a string prefix (`r`, `b`, `f`, `u`, `rb`, `fr`, … in any case) followed by a quote, or 0 for
    /// a bare quote; nil when no string starts here.
    private func stringPrefixLength() -> Int? {
        var length = 0
        while let scalar = next(length), "rRbBuUfF".unicodeScalars.contains(scalar), length < 2 { length += 1 }
        if let quote = next(length), quote == "'" || quote == "\"" { return length }
        if let quote = next(0), quote == "'" || quote == "\"" { return 0 }
        return nil
    }

    private mutating func string(prefixLength: Int) throws(PythonSyntaxError) {
        let at = here
        let start = index
        var prefix = ""
        for _ in 0..<prefixLength {
            prefix.unicodeScalars.append(scalars[index])
            advance()
        }
        let lowered = prefix.lowercased()
        let raw = lowered.contains("r")
        let quote = scalars[index]
        let triple = next(1) == quote && next(2) == quote
        for _ in 0..<(triple ? 3 : 1) { advance() }
        var value = ""
        while true {
            guard index < scalars.count else {
                throw PythonSyntaxError(message: "unterminated string literal", location: at)
            }
            let scalar = scalars[index]
            if scalar == quote && (!triple || (next(1) == quote && next(2) == quote)) {
                for _ in 0..<(triple ? 3 : 1) { advance() }
                break
            }
            if scalar == "\n" && !triple {
                throw PythonSyntaxError(message: "unterminated string literal", location: at)
            }
            if scalar == "\\", index + 1 < scalars.count {
                advance()
                if raw {
                    value.unicodeScalars.append("\\")
                    value.unicodeScalars.append(scalars[index])
                    advance()
                } else {
                    escape(into: &value)
                }
                continue
            }
            value.unicodeScalars.append(scalar)
            advance()
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[start..<index])
        var token = PythonToken(kind: .string, text: text, location: at)
        token.value = value
        token.isFormatted = lowered.contains("f")
        tokens.append(token)
    }

    private mutating func escape(into value: inout String) {
        let scalar = scalars[index]
        advance()
        switch scalar {
        case "\n": return
        case "n": value += "\n"
        case "t": value += "\t"
        case "r": value += "\r"
        case "0": value += "\0"
        case "\\", "'", "\"": value.unicodeScalars.append(scalar)
        case "x": value.unicodeScalars.append(hexScalar(digits: 2) ?? "x")
        case "u": value.unicodeScalars.append(hexScalar(digits: 4) ?? "u")
        case "U": value.unicodeScalars.append(hexScalar(digits: 8) ?? "U")
        default:
            value.unicodeScalars.append("\\")
            value.unicodeScalars.append(scalar)
        }
    }

    private mutating func hexScalar(digits: Int) -> Unicode.Scalar? {
        var text = ""
        for offset in 0..<digits {
            guard let scalar = next(offset), scalar.properties.isASCIIHexDigit else { return nil }
            text.unicodeScalars.append(scalar)
        }
        guard let code = UInt32(text, radix: 16), let scalar = Unicode.Scalar(code) else { return nil }
        for _ in 0..<digits { advance() }
        return scalar
    }
}
