import CrewCore

/// A cheap pass over the raw text that bounds nesting depth before the recursive composer (`YAMLComposer`) sees it,
/// and refuses aliases and flow collections used as mapping keys: a crew's keys are names, and a key such as
/// `[*bomb, 1]` would copy a bomb before any budget could name the key. The content of block scalars (`|`, `>`) is skipped,
/// exactly where YAML says it lies, so a Markdown `[ref]: url` there is text; anywhere else the scan errs on the side
/// of refusing (braces in a multi-line quoted string count), never on the side of missing a key.
struct NestingScanner {
    var limit: Int

    func scan(_ text: String, file: String) -> Diagnostic? {
        var text = text
        return text.withUTF8 { bytes in scan(bytes, file: file) }
    }

    private func scan(_ bytes: UnsafeBufferPointer<UInt8>, file: String) -> Diagnostic? {
        var indents: [Int] = []
        var flowDepth = 0
        var lineNumber = 0
        var lineStart = 0
        var blockScalarParent = -1
        while lineStart <= bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
            defer { lineStart = lineEnd + 1 }
            lineNumber += 1
            let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
            let indent = line.prefix { $0 == 0x20 }.count
            guard indent < line.count, line[indent] != 0x23 else { continue }  // blank or comment
            if blockScalarParent >= 0 {
                if indent > blockScalarParent { continue }  // the block scalar's text
                blockScalarParent = -1
            }
            while let last = indents.last, last > indent { indents.removeLast() }
            if indents.last != indent { indents.append(indent) }
            var dashes = 0
            var i = indent
            while i + 1 < line.count, line[i] == 0x2D, line[i + 1] == 0x20 {  // "- "
                dashes += 1
                i += 2
                while i < line.count, line[i] == 0x20 { i += 1 }
            }
            if i < line.count, line[i] == 0x3F, i + 1 == line.count || line[i + 1] == 0x20 {  // "? "
                return complexKey(file, lineNumber, i)
            }
            let flow = scanFlow(line, from: i, depth: &flowDepth)
            if flow.aliasKeyColumn >= 0 {
                return .error(
                    .e105, "an alias may not be used as a mapping key",
                    at: SourceLocation(file: file, line: lineNumber, column: flow.aliasKeyColumn + 1),
                    hint: "write the key out; aliases are allowed as values")
            }
            if flow.collectionKeyColumn >= 0 {
                return .error(
                    .e105, "a list or mapping may not be used as a mapping key",
                    at: SourceLocation(file: file, line: lineNumber, column: flow.collectionKeyColumn + 1),
                    hint: "keys in a crew file are plain names")
            }
            if flowDepth == 0, Self.opensBlockScalar(line, from: i) { blockScalarParent = i }
            let depth = indents.count + dashes + flow.maxDepth
            if depth > limit {
                return .error(
                    .e105, "nesting is deeper than \(limit) levels",
                    at: SourceLocation(file: file, line: lineNumber, column: indent + 1),
                    hint: "a crew file never needs this depth; is this the right file?")
            }
        }
        return nil
    }

    private func complexKey(_ file: String, _ line: Int, _ column: Int) -> Diagnostic {
        .error(
            .e105, "complex mapping keys (`? `) are not supported in crew files",
            at: SourceLocation(file: file, line: line, column: column + 1), hint: "use a plain `key: value`")
    }

    /// Whether the line's value is a block scalar: `key: |`, `- >-`, `key: |2 # note`: an indicator right after
    /// the line's last `: ` or its dashes, then only chomping and indentation indicators and a comment.
    static func opensBlockScalar(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var end = line.count
        if let hash = (start..<line.count).first(where: { line[$0] == 0x23 && $0 > start && line[$0 - 1] == 0x20 }) {
            end = hash
        }
        while end > start, line[end - 1] == 0x20 { end -= 1 }
        var i = end
        while i > start, line[i - 1] == 0x2B || line[i - 1] == 0x2D || (line[i - 1] >= 0x30 && line[i - 1] <= 0x39) {
            i -= 1
        }
        guard i > start, line[i - 1] == 0x7C || line[i - 1] == 0x3E else { return false }  // | or >
        let indicator = i - 1
        if indicator == start { return true }  // `- |`
        return indicator >= start + 2 && line[indicator - 1] == 0x20 && line[indicator - 2] == 0x3A  // `key: |`
    }

    /// Tracks `[`/`{` depth outside quotes and comments, and spots `*alias :` and `[...]:` in key position.
    private func scanFlow(_ line: UnsafeBufferPointer<UInt8>, from start: Int, depth: inout Int) -> (
        maxDepth: Int, aliasKeyColumn: Int, collectionKeyColumn: Int
    ) {
        var maxDepth = depth
        var i = start
        var quote: UInt8 = 0
        while i < line.count {
            let c = line[i]
            let before: UInt8 = i == start ? 0x20 : line[i - 1]
            if quote != 0 {
                if c == quote { quote = 0 }
            } else if c == 0x22 || c == 0x27 {
                if Self.opensToken(before) { quote = c }
            } else if c == 0x23, before == 0x20, i > start {
                break
            } else if c == 0x5B || c == 0x7B {
                depth += 1
                maxDepth = max(maxDepth, depth)
            } else if c == 0x5D || c == 0x7D {
                depth = max(0, depth - 1)
                if isKeyEnd(line, after: i) { return (maxDepth, -1, i) }
            } else if c == 0x2A, Self.opensToken(before), aliasIsKey(line, at: i) {
                return (maxDepth, i, -1)
            }
            i += 1
        }
        return (maxDepth, -1, -1)
    }

    /// `:` after optional spaces, then a space, the end of the line or a flow indicator: what ends a key.
    private func isKeyEnd(_ line: UnsafeBufferPointer<UInt8>, after close: Int) -> Bool {
        var j = close + 1
        while j < line.count, line[j] == 0x20 { j += 1 }
        guard j < line.count, line[j] == 0x3A else { return false }
        let next = j + 1
        return next == line.count || [0x20, 0x2C, 0x5D, 0x7D].contains(line[next])
    }

    private static func opensToken(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x5B || byte == 0x7B || byte == 0x2C || byte == 0x3A
    }

    private func aliasIsKey(_ line: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        var j = start + 1
        while j < line.count, isAnchorByte(line[j]) { j += 1 }
        let nameEnd = j
        while j < line.count, line[j] == 0x20 { j += 1 }
        return nameEnd > start + 1 && j < line.count && line[j] == 0x3A
    }

    private func isAnchorByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
            || c >= 0x80
    }
}
