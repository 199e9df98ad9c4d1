import CrewCore

/// A passage of a source document: the unit that is indexed, searched and quoted to agents.
public struct Chunk: Sendable, Hashable {
    /// Stable while the chunk's text and source path stay the same (see `Chunk.id(source:text:occurrence:)`).
    public var id: String
    /// The source's text, exactly as written (for HTML: the converted text).
    public var text: String
    /// The document's path, relative to the crew's folder, or `inline:<n>`.
    public var source: String
    /// The Markdown headings the chunk sits under, outermost first, e.g. ["Guide", "Install", "Debian"].
    public var headingPath: [String]
    /// 1-based, inclusive line range in the source file.
    public var lineStart: Int
    public var lineEnd: Int

    public init(id: String, text: String, source: String, headingPath: [String], lineStart: Int, lineEnd: Int) {
        self.id = id
        self.text = text
        self.source = source
        self.headingPath = headingPath
        self.lineStart = lineStart
        self.lineEnd = lineEnd
    }

    /// The first 16 hex digits of SHA-256 of `source + "\n" + text`, so an id survives rebuilds and edits elsewhere
    /// (caches of embeddings key on it). The n-th repeat (n ≥ 1) of the same text in the same source hashes
    /// `source + "\n" + text + "\n#" + n` instead, so identical passages still get distinct ids.
    public static func id(source: String, text: String, occurrence: Int = 0) -> String {
        let key = occurrence == 0 ? source + "\n" + text : source + "\n" + text + "\n#\(occurrence)"
        return String(Hashing.sha256(key).prefix(16))
    }
}
