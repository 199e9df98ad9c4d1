import Foundation

/// HTML turned into readable plain text for a model: tags dropped, block elements on their own lines, links kept as
/// `[text](href)`, scripts, styles and comments removed, common entities decoded. Not a full HTML parser: it only
/// has to make pages readable, and it never fails.
enum HTMLText {
    private static let hidden: Set<String> = ["script", "style", "noscript", "template", "svg", "head"]
    private static let blocks: Set<String> = [
        "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "header", "footer", "ul",
        "ol", "table", "pre", "blockquote", "hr", "main", "nav", "aside", "dl", "dt", "dd", "form", "title", "body",
    ]

    static func text(_ html: String) -> String {
        var scanner = Scanner(Array(html.utf8))
        var out: [UInt8] = []
        out.reserveCapacity(html.utf8.count / 2)
        var link: String?
        while let byte = scanner.next() {
            guard byte == UInt8(ascii: "<") else {
                out.append(byte)
                continue
            }
            if scanner.skip(prefix: "!--") {
                scanner.skip(past: "-->")
                continue
            }
            let tag = scanner.tag()
            switch tag.name {
            case let name where hidden.contains(name) && !tag.closing && !tag.selfClosing:
                scanner.skip(past: "</\(name)")
                scanner.skip(past: ">")
            case "li" where !tag.closing:
                out += Array("\n- ".utf8)
            case "a" where !tag.closing:
                link = tag.href
                if link != nil { out.append(UInt8(ascii: "[")) }
            case "a":
                if let href = link { out += Array("](\(href))".utf8) }
                link = nil
            case "td", "th":
                out.append(UInt8(ascii: " "))
            case let name where blocks.contains(name):
                out.append(UInt8(ascii: "\n"))
            default:
                break
            }
        }
        return tidy(decodeEntities(String(decoding: out, as: UTF8.self)))
    }

    /// Collapses runs of spaces, trims lines and keeps at most one blank line in a row.
    private static func tidy(_ text: String) -> String {
        var lines: [String] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\u{A0}" })
            let line = words.joined(separator: " ")
            if line.isEmpty, lines.last?.isEmpty ?? true { continue }
            lines.append(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "copy": "©", "mdash": "—",
        "ndash": "–", "hellip": "…", "rsquo": "’", "lsquo": "‘", "rdquo": "”", "ldquo": "“",
    ]

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            guard let semi = after.prefix(10).firstIndex(of: ";"), let value = entity(after[..<semi]) else {
                out += "&"
                rest = after
                continue
            }
            out += value
            rest = after[after.index(after: semi)...]
        }
        return out + rest
    }

    private static func entity(_ name: Substring) -> String? {
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
            return UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
        }
        if name.hasPrefix("#") {
            return UInt32(name.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init).map { String($0) }
        }
        return named[String(name)]
    }

    /// A cursor over the page's bytes.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func next() -> UInt8? {
            guard index < bytes.count else { return nil }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func skip(prefix: String) -> Bool {
            let wanted = Array(prefix.utf8)
            guard index + wanted.count <= bytes.count, Array(bytes[index..<index + wanted.count]) == wanted else {
                return false
            }
            index += wanted.count
            return true
        }

        /// Moves past the next occurrence of `marker` (ASCII, case-insensitive), or to the end.
        mutating func skip(past marker: String) {
            let wanted = Array(marker.lowercased().utf8)
            while index < bytes.count {
                if index + wanted.count <= bytes.count,
                    zip(bytes[index..<index + wanted.count], wanted).allSatisfy({ lower($0) == $1 })
                {
                    index += wanted.count
                    return
                }
                index += 1
            }
        }

        /// Reads a tag after its `<`, up to and including `>` (quoted `>` inside attributes are skipped).
        mutating func tag() -> (name: String, closing: Bool, selfClosing: Bool, href: String?) {
            let start = index
            var quote: UInt8?
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    break
                }
            }
            let body = String(decoding: bytes[start..<max(start, index - 1)], as: UTF8.self)
            let closing = body.hasPrefix("/")
            let name = body.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
            return (name, closing, body.hasSuffix("/"), name == "a" ? Self.href(in: body) : nil)
        }

        private static func href(in tag: String) -> String? {
            guard let range = tag.range(of: "href=", options: .caseInsensitive) else { return nil }
            var rest = tag[range.upperBound...]
            let quote = rest.first.flatMap { $0 == "\"" || $0 == "'" ? $0 : nil }
            if quote != nil { rest = rest.dropFirst() }
            let value = rest.prefix { quote == nil ? !$0.isWhitespace && $0 != ">" : $0 != quote }
            guard !value.isEmpty, !value.hasPrefix("#"), !value.lowercased().hasPrefix("javascript:") else {
                return nil
            }
            return decodeEntities(String(value))
        }

        private func lower(_ byte: UInt8) -> UInt8 {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
        }
    }
}
