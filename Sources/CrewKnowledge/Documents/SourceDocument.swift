/// One document read from a knowledge source, ready for chunking. A file can give several documents (the records
/// of a JSON, JSONL or CSV file); they then share the file's path, so citations name the file.
public struct SourceDocument: Sendable, Hashable {
    /// Relative to the crew's folder, or `inline:<n>` for text written in the crew file.
    public var path: String
    public var text: String
    public var format: DocumentFormat
    /// Where each line of `text` comes from in the source file (1-based, inclusive), when the text is not the
    /// file's own lines — converted HTML, or a record of a JSON, JSONL or CSV file. Nil: line n of `text` is line n
    /// of the file.
    public var sourceLines: [ClosedRange<Int>]?

    public init(path: String, text: String, format: DocumentFormat, sourceLines: [ClosedRange<Int>]? = nil) {
        self.path = path
        self.text = text
        self.format = format
        self.sourceLines = sourceLines
    }

    /// A document for text written inline in the crew file (`{ text: ... }`), read as Markdown; `number` is the
    /// text's position among the knowledge base's inline texts (the compiler counts from 1).
    public static func inline(_ text: String, number: Int) -> SourceDocument {
        SourceDocument(path: "inline:\(number)", text: text, format: .markdown)
    }
}

/// How a source file is read; chosen from its extension.
public enum DocumentFormat: String, Sendable, Hashable, CaseIterable {
    case markdown, text, html, json, jsonl, csv, pdf

    /// The format for a file name: `.md`/`.markdown`, `.html`/`.htm`, `.json`, `.jsonl`/`.ndjson`, `.csv`, `.pdf`;
    /// anything else is read as plain text (and must be UTF-8).
    public init(fileName: String) {
        let name = fileName.split(separator: "/").last.map(String.init) ?? fileName
        let ext = name.contains(".") ? (name.split(separator: ".").last.map { $0.lowercased() } ?? "") : ""
        switch ext {
        case "md", "markdown": self = .markdown
        case "html", "htm", "xhtml": self = .html
        case "json": self = .json
        case "jsonl", "ndjson": self = .jsonl
        case "csv": self = .csv
        case "pdf": self = .pdf
        default: self = .text
        }
    }

    /// Whether Markdown structure (headings, fenced code) drives chunking. HTML is converted to Markdown-ish text.
    var hasMarkdownStructure: Bool { self == .markdown || self == .html }
}

/// A source that cannot be read, with what to do about it.
public struct DocumentError: Error, CustomStringConvertible, Equatable {
    /// The path as given (relative to the crew's folder).
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
