import CrewCore
import Foundation

/// Reads knowledge source files into documents. Every failure is a `DocumentError` naming the file and saying what
/// to do; nothing here crashes on bad input.
public enum DocumentReader {
    /// Files larger than this are refused: a knowledge source this big is almost always a mistake (a data dump).
    public static let maximumFileSize = 512 * 1024 * 1024

    /// Reads `relativePath` under `root`; format from the extension (.md/.markdown, .txt/other text, .html/.htm,
    /// .json, .jsonl/.ndjson, .csv, .pdf).
    public static func read(root: String, relativePath: String) throws(DocumentError) -> [SourceDocument] {
        try read(root: root, relativePath: relativePath, searchPath: ProcessInfo.processInfo.environment["PATH"])
    }

    /// As `read(root:relativePath:)`, with the program search path given (tests use a stand-in `pdftotext`).
    static func read(root: String, relativePath: String, searchPath: String?) throws(DocumentError)
        -> [SourceDocument]
    {
        let fullPath = root.hasSuffix("/") ? root + relativePath : root + "/" + relativePath
        let format = DocumentFormat(fileName: relativePath)
        if format == .pdf {
            // pdftotext opens the file by name: check first that the name leads to a regular file through no link.
            try checkRegular(root: root, relativePath: relativePath)
            let text = try PDFText.extract(fullPath: fullPath, relativePath: relativePath, searchPath: searchPath)
            return [SourceDocument(path: relativePath, text: text, format: .pdf)]
        }
        let text = try decodeText(try readBytes(root: root, relativePath: relativePath), path: relativePath)
        return try documents(text: text, path: relativePath, format: format)
    }

    /// Splits decoded text into documents by format.
    static func documents(text: String, path: String, format: DocumentFormat) throws(DocumentError)
        -> [SourceDocument]
    {
        switch format {
        case .markdown, .text, .pdf: return [SourceDocument(path: path, text: text, format: format)]
        case .html:
            let converted = HTMLText.convert(text)
            return [SourceDocument(path: path, text: converted.text, format: .html, sourceLines: converted.lines)]
        case .json: return try RecordDocuments.json(text, path: path)
        case .jsonl: return try RecordDocuments.jsonLines(text, path: path)
        case .csv: return try CSVDocuments.read(text, path: path)
        }
    }

    /// A source file's bytes, read below the crew's folder through no link, from a regular file only: a FIFO or a
    /// device in a crew's folder is refused before a byte is read, never waited on.
    static func readBytes(root: String, relativePath: String) throws(DocumentError) -> [UInt8] {
        do {
            return try ConfinedFolder(opening: root).read(relativePath, limit: maximumFileSize)
        } catch {
            throw DocumentError(path: relativePath, message: message(for: error, relativePath))
        }
    }

    static func checkRegular(root: String, relativePath: String) throws(DocumentError) {
        do {
            close(try ConfinedFolder(opening: root).openRegular(relativePath).fd)
        } catch {
            throw DocumentError(path: relativePath, message: message(for: error, relativePath))
        }
    }

    private static func message(for failure: PathFailure, _ relativePath: String) -> String {
        switch failure.reason {
        case .missing: return "no such file; check the knowledge source's path"
        case .notRegular(.folder): return "is a folder; use a glob such as `\(relativePath)/**/*.md`"
        case .notRegular(let kind): return "is a \(kind.rawValue), not a regular file; remove it from the sources"
        case .link(let part):
            return "goes through the symbolic link `\(part)`; crew follows no link in a crew's folder"
        case .tooLarge: return "is larger than 512 MiB; split it or leave it out"
        default: return "cannot be read (\(failure))"
        }
    }

    /// Strict UTF-8: binary data (a NUL byte) or invalid UTF-8 is an error, never silently replaced. A byte-order
    /// mark is dropped, and CR LF / CR line ends become LF so line numbers match what editors show.
    static func decodeText(_ raw: [UInt8], path: String) throws(DocumentError) -> String {
        var bytes = raw
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let nul = index(of: 0, in: bytes) {
            throw DocumentError(
                path: path,
                message: "looks like binary data (a NUL byte at offset \(nul)), not text; remove it from the sources")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = firstInvalidUTF8(bytes)
            throw DocumentError(
                path: path,
                message:
                    "is not valid UTF-8 (at byte \(offset), line \(lineNumber(bytes, at: offset))); convert it to UTF-8"
            )
        }
        guard index(of: 0x0D, in: bytes) != nil else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// The first `byte` at or after `start` (memchr: a large source is scanned several times).
    static func index(of byte: UInt8, in bytes: [UInt8], from start: Int = 0) -> Int? {
        guard start < bytes.count else { return nil }
        return bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress,
                let found = memchr(base + start, Int32(byte), buffer.count - start)
            else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// The offset of the first byte that does not begin a valid UTF-8 sequence (for the error message only).
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .error: return offset
            case .emptyInput: return offset
            }
        }
    }

    static func lineNumber(_ bytes: [UInt8], at offset: Int) -> Int {
        bytes[0..<min(offset, bytes.count)].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
    }
}
