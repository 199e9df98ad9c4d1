/// HTML to Markdown-ish text, so HTML chunks like Markdown: headings become `#` lines (the heading path works),
/// `<pre>` becomes a fenced block, list items `- ` lines, block elements paragraph breaks; script, style and other
/// invisible elements are dropped, whitespace is collapsed and character references decoded. Not a full HTML
/// parser: it needs no tree, only the text in reading order. Each output line remembers its source lines.
/// Knowledge bases read HTML files with it, and the `http` tool reads pages with it (keeping links, so a model can
/// follow them).
public enum HTMLText {
    public struct Result: Sendable {
        public var text: String
        /// The source lines of each output line.
        public var lines: [ClosedRange<Int>]
    }

    /// `keepLinks`: `<a href="u">text</a>` becomes `[text](u)`.
    public static func convert(_ html: String, keepLinks: Bool = false) -> Result {
        var converter = HTMLConverter(bytes: Array(html.utf8))
        converter.keepLinks = keepLinks
        converter.run()
        return converter.finish()
    }
}

/// The conversion state: a single pass over the bytes.
struct HTMLConverter {
    /// Elements whose content is not text a reader sees.
    static let hidden: Set<String> = ["script", "style", "noscript", "template", "title", "svg", "head"]
    /// Elements that start and end a paragraph.
    static let paragraphs: Set<String> = [
        "p", "div", "section", "article", "header", "footer", "main", "nav", "aside", "table", "ul", "ol",
        "blockquote", "figure", "form", "dl", "hr", "address", "details", "fieldset", "body", "html",
    ]
    /// Elements that start and end a line.
    static let lineBreaks: Set<String> = ["br", "tr", "dt", "dd", "caption", "summary", "figcaption", "li"]

    let bytes: [UInt8]
    var index = 0
    var sourceLine = 1
    var out: [UInt8] = []
    var lines: [ClosedRange<Int>] = []
    var lineFirst: Int?
    var lineLast = 1
    var pendingBreaks = 0
    var pendingSpace = false
    var pendingPrefix: [UInt8] = []
    var inPre = false
    var skipNewline = false
    var inHeading = false
    var keepLinks = false
    /// The `href` of the open `<a>`, when links are kept.
    var link: [UInt8]?

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func run() {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<"), markup() { continue }
            if byte == UInt8(ascii: "&"), let (text, next) = HTMLEntities.decode(bytes, at: index) {
                index = next
                emit(Array(text.utf8))
                continue
            }
            text()
        }
    }

    mutating func finish() -> HTMLText.Result {
        lines.append((lineFirst ?? lineLast)...max(lineLast, lineFirst ?? lineLast))
        return HTMLText.Result(text: String(decoding: out, as: UTF8.self), lines: lines)
    }

    /// A run of text up to the next markup or reference; whitespace collapses outside `<pre>`.
    mutating func text() {
        let byte = bytes[index]
        if byte == 0x0A || byte == 0x20 || byte == 0x09 || byte == 0x0D {
            index += 1
            if byte == 0x0A { sourceLine += 1 }
            if inPre && byte == 0x0A {
                if skipNewline { skipNewline = false } else { flushPending(); newline() }
            } else if inPre {
                emit([byte])
            } else {
                pendingSpace = true
            }
            return
        }
        let start = index
        while index < bytes.count, !Self.isSpecial(bytes[index]) { index += 1 }
        if index == start { index += 1 }  // a lone `<` or `&` that is not markup
        emit(Array(bytes[start..<index]))
    }

    static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "<") || byte == UInt8(ascii: "&") || byte == 0x20 || byte == 0x0A || byte == 0x09
            || byte == 0x0D
    }

    /// Appends visible text, first writing the line breaks, space or prefix it waits for.
    mutating func emit(_ text: [UInt8]) {
        skipNewline = false
        flushPending()
        if pendingSpace, let last = out.last, last != 0x0A, last != 0x20 { out.append(0x20) }
        pendingSpace = false
        if lineFirst == nil { lineFirst = sourceLine }
        lineLast = sourceLine
        out += text
    }

    mutating func flushPending() {
        if !out.isEmpty {
            for _ in 0..<pendingBreaks { newline() }
        }
        pendingBreaks = 0
        if !pendingPrefix.isEmpty {
            out += pendingPrefix
            pendingPrefix = []
            pendingSpace = false
        }
    }

    mutating func newline() {
        let first = lineFirst ?? lineLast
        lines.append(first...max(first, lineLast))
        out.append(0x0A)
        lineFirst = nil
    }

    mutating func requestBreaks(_ count: Int) {
        pendingBreaks = max(pendingBreaks, count)
        pendingSpace = false
    }

    /// Handles `<...>` at `index`; false when the `<` is plain text.
    mutating func markup() -> Bool {
        let rest = bytes[index...]
        if rest.starts(with: Array("<!--".utf8)) {
            skip(past: Array("-->".utf8))
            return true
        }
        guard index + 1 < bytes.count else { return false }
        let next = bytes[index + 1]
        if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") {
            skip(past: [UInt8(ascii: ">")])
            return true
        }
        let closing = next == UInt8(ascii: "/")
        let nameStart = index + (closing ? 2 : 1)
        var nameEnd = nameStart
        while nameEnd < bytes.count, Self.isNameByte(bytes[nameEnd]) { nameEnd += 1 }
        guard nameEnd > nameStart, Self.isLetter(bytes[nameStart]) else { return false }
        let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self).lowercased()
        index = nameEnd
        skipTagRest()
        if keepLinks, name == "a" {
            anchor(closing: closing, attributes: bytes[nameEnd..<index])
        } else {
            element(name, closing: closing)
        }
        return true
    }

    /// Moves past the `>` ending a tag, stepping over quoted attribute values.
    mutating func skipTagRest() {
        var quote: UInt8?
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == 0x0A { sourceLine += 1 }
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return
            }
        }
    }

    /// Moves past the next occurrence of `marker` (or to the end), counting lines.
    mutating func skip(past marker: [UInt8]) {
        while index < bytes.count {
            if bytes[index...].starts(with: marker) {
                index += marker.count
                return
            }
            if bytes[index] == 0x0A { sourceLine += 1 }
            index += 1
        }
    }

    /// Skips a hidden element's content up to its end tag, whatever its case.
    mutating func skipElement(_ name: String) {
        let marker = Array("</\(name)".utf8)
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "<"), index + marker.count <= bytes.count,
                bytes[index..<(index + marker.count)].map({ $0 | 0x20 }) == marker.map({ $0 | 0x20 })
            {
                index += marker.count
                skipTagRest()
                return
            }
            if bytes[index] == 0x0A { sourceLine += 1 }
            index += 1
        }
    }

    mutating func element(_ name: String, closing: Bool) {
        if !closing, Self.hidden.contains(name) { return skipElement(name) }
        if name.count == 2, name.first == "h", let level = Int(name.dropFirst()), (1...6).contains(level) {
            requestBreaks(2)
            inHeading = !closing
            pendingPrefix = closing ? [] : Array(repeating: UInt8(ascii: "#"), count: level) + [0x20]
        } else if name == "pre" {
            requestBreaks(closing ? 1 : 2)
            emit(Array("```".utf8))
            inPre = !closing
            skipNewline = !closing
            requestBreaks(closing ? 2 : 1)
        } else if Self.paragraphs.contains(name) {
            requestBreaks(2)
        } else if Self.lineBreaks.contains(name), !inHeading {
            requestBreaks(1)
            if name == "li", !closing { pendingPrefix = Array("- ".utf8) }
        } else if name == "td" || name == "th" {
            pendingSpace = true
        }
    }

    /// Opens `[` for a link with an `href`, and closes it with `](href)`.
    mutating func anchor(closing: Bool, attributes: ArraySlice<UInt8>) {
        if closing {
            if let href = link { emit(Array("](".utf8) + href + [UInt8(ascii: ")")]) }
            link = nil
        } else if let href = Self.href(attributes) {
            emit([UInt8(ascii: "[")])
            link = href
        }
    }

    /// The value of an `href="..."` (or `'...'`) attribute.
    static func href(_ attributes: ArraySlice<UInt8>) -> [UInt8]? {
        let text = Array(attributes)
        let key = Array("href=".utf8)
        guard
            let start = (0..<max(0, text.count - key.count)).first(where: { i in
                text[i..<(i + key.count)].map { $0 | 0x20 } == key.map { $0 | 0x20 }
            })
        else { return nil }
        var i = start + key.count
        guard i < text.count, text[i] == UInt8(ascii: "\"") || text[i] == UInt8(ascii: "'") else { return nil }
        let quote = text[i]
        i += 1
        guard let end = text[i...].firstIndex(of: quote), end > i else { return nil }
        return Array(text[i..<end])
    }

    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    static func isNameByte(_ byte: UInt8) -> Bool { isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D }
}
