import CrewCore

/// The text an `http` call hands back: status line, content type, final URL after redirects, and the body as text
/// (HTML made readable, JSON and other text as is, binary bodies described but not shown), with a note when the
/// body was cut.
struct HTTPResult {
    var status: Int
    var reason: String
    var contentType: String?
    /// Set when redirects were followed.
    var finalURL: HTTPURL?
    var body: [UInt8]
    /// True when the body was longer than the cap and reading stopped.
    var truncated: Bool
    /// The `Content-Length` the server announced, if any.
    var announcedLength: Int?

    func render() -> String {
        var lines = ["HTTP \(status) \(reason)".trimmingASCIISpaces()]
        if let contentType { lines.append("Content-Type: \(contentType)") }
        if let finalURL { lines.append("URL: \(finalURL)") }
        var text = lines.joined(separator: "\n") + "\n\n" + bodyText()
        if truncated {
            let size = announcedLength.map { "of \($0) bytes" } ?? "(full size unknown)"
            text += "\n\n[body cut after the first \(body.count) bytes \(size)]"
        }
        return text
    }

    private var mediaType: String {
        (contentType ?? "").split(separator: ";").first.map { $0.trimmingASCIISpaces().lowercased() } ?? ""
    }

    private func bodyText() -> String {
        guard !body.isEmpty else { return "(empty body)" }
        let type = mediaType
        let binaryPrefixes = [
            "image/", "audio/", "video/", "font/", "application/octet-stream", "application/pdf",
            "application/zip", "application/gzip",
        ]
        if binaryPrefixes.contains(where: { type.hasPrefix($0) }) || body.contains(0) {
            return "(binary body of \(body.count) bytes, not shown)"
        }
        let text = String(decoding: Self.completeUTF8(body), as: UTF8.self)
        if type == "text/html" || type == "application/xhtml+xml" {
            return HTMLText.convert(text, keepLinks: true).text
        }
        return text
    }

    /// Drops a UTF-8 sequence cut in half at the end (the cap falls anywhere), so no replacement character appears.
    static func completeUTF8(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var start = bytes.count
        while start > 0, bytes.count - start < 4, bytes[start - 1] & 0xC0 == 0x80 { start -= 1 }
        guard start > 0 else { return bytes[...] }
        let lead = bytes[start - 1]
        let needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return bytes.count - (start - 1) < needed ? bytes[..<(start - 1)] : bytes[...]
    }
}
