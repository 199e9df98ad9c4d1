import CrewCore

/// JSON and JSONL sources: each object is one document whose text is its `text` field (else `content`, else
/// `body`). Every document keeps the file's path; its chunks report the object's lines in the file.
enum RecordDocuments {
    /// The fields that may hold a record's text, in order of preference.
    static let textFields = ["text", "content", "body"]

    /// A JSON file: an array of objects, or one object.
    static func json(_ text: String, path: String) throws(DocumentError) -> [SourceDocument] {
        let bytes = Array(text.utf8)
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            let line = DocumentReader.lineNumber(bytes, at: error.offset)
            throw DocumentError(path: path, message: "is not valid JSON: \(error.message) (line \(line))")
        }
        let lineCount = bytes.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        switch value {
        case .object(let members):
            let body = try recordText(members, path: path, where: "the object")
            return [document(body, path: path, format: .json, lines: 1...lineCount)]
        case .array(let items):
            let ranges = elementLines(bytes)
            var documents: [SourceDocument] = []
            for (index, item) in items.enumerated() {
                guard case .object(let members) = item else {
                    throw DocumentError(path: path, message: "element \(index) of the array is not an object")
                }
                let body = try recordText(members, path: path, where: "element \(index)")
                let lines = index < ranges.count ? ranges[index] : 1...lineCount
                documents.append(document(body, path: path, format: .json, lines: lines))
            }
            return documents
        default:
            throw DocumentError(
                path: path, message: "must hold an array of objects or one object, each with a `text` field")
        }
    }

    /// A JSONL file: one object per line; blank lines are skipped. Lines are found as bytes (splitting the text
    /// into characters cost half of a large corpus's whole build) and read on all cores; the first bad line, in
    /// file order, is the error.
    static func jsonLines(_ text: String, path: String) throws(DocumentError) -> [SourceDocument] {
        let bytes = Array(text.utf8)
        var lines: [(number: Int, range: Range<Int>)] = []
        var start = 0
        var number = 0
        while start <= bytes.count {
            number += 1
            let end = DocumentReader.index(of: 0x0A, in: bytes, from: start) ?? bytes.count
            if !isBlank(bytes[start..<end]) { lines.append((number, start..<end)) }
            start = end + 1
        }
        let records = Parallel.map(lines) { line in
            Result { () throws(DocumentError) -> SourceDocument in
                try record(Array(bytes[line.range]), number: line.number, path: path)
            }
        }
        return try records.map { result throws(DocumentError) in try result.get() }
    }

    /// Line `number` of a JSONL file, as a document.
    static func record(_ line: [UInt8], number: Int, path: String) throws(DocumentError) -> SourceDocument {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw DocumentError(path: path, message: "line \(number) is not valid JSON: \(error.message)")
        }
        guard case .object(let members) = value else {
            throw DocumentError(path: path, message: "line \(number) is not a JSON object")
        }
        let body = try recordText(members, path: path, where: "line \(number)")
        return document(body, path: path, format: .jsonl, lines: number...number)
    }

    /// Nothing but white space, Unicode's included (a line of no-break spaces is blank too).
    static func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0B || $0 == 0x0C }) { return true }
        guard line.contains(where: { $0 >= 0x80 }) else { return false }
        return String(decoding: line, as: UTF8.self).allSatisfy(\.isWhitespace)
    }

    static func recordText(_ members: [String: JSONValue], path: String, where place: String) throws(DocumentError)
        -> String
    {
        for field in textFields {
            guard let value = members[field] else { continue }
            guard case .string(let text) = value else {
                throw DocumentError(path: path, message: "\(place): the `\(field)` field must be a string")
            }
            return text
        }
        throw DocumentError(path: path, message: "\(place) has no `text`, `content` or `body` string field")
    }

    /// A record's document: every line of its text maps to the record's lines in the file.
    static func document(_ text: String, path: String, format: DocumentFormat, lines: ClosedRange<Int>)
        -> SourceDocument
    {
        var text = text
        let count = text.withUTF8 { bytes in bytes.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 } }
        return SourceDocument(
            path: path, text: text, format: format, sourceLines: Array(repeating: lines, count: count))
    }

    /// The line range of each element of a top-level JSON array (the text is already known to be valid JSON).
    static func elementLines(_ bytes: [UInt8]) -> [ClosedRange<Int>] {
        var ranges: [ClosedRange<Int>] = []
        var depth = 0
        var line = 1
        var start = 1
        var inString = false
        var escaped = false
        for byte in bytes {
            if byte == 0x0A { line += 1 }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 1 { ranges.append(start...line) }
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                if depth == 1 { start = line }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if depth == 1 { start = line }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 1 { ranges.append(start...line) }
            // A scalar element may be counted more than once; harmless, since it is an error before its range,
            // or any later one, is used.
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "t"), UInt8(ascii: "f"),
                UInt8(ascii: "n"):
                if depth == 1 { ranges.append(line...line) }
            default: break
            }
        }
        return ranges
    }
}
