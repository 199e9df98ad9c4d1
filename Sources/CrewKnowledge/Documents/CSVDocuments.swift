/// CSV sources (RFC 4180): the first record is the header; every other record is one document of
/// `header: value` lines (empty values left out), reporting the record's lines in the file.
enum CSVDocuments {
    /// One parsed record and the file lines it spans.
    struct Record {
        var fields: [String]
        var lines: ClosedRange<Int>
    }

    static func read(_ text: String, path: String) throws(DocumentError) -> [SourceDocument] {
        let records = try parse(text, path: path)
        guard let header = records.first else { return [] }
        var documents: [SourceDocument] = []
        for record in records.dropFirst() {
            guard record.fields.count <= header.fields.count else {
                throw DocumentError(
                    path: path,
                    message: "line \(record.lines.lowerBound): \(record.fields.count) fields, but the header has "
                        + "\(header.fields.count); quote values that contain commas")
            }
            var lines: [String] = []
            for (name, value) in zip(header.fields, record.fields) where !value.isEmpty {
                lines.append("\(name): \(value)")
            }
            guard !lines.isEmpty else { continue }
            documents.append(
                RecordDocuments.document(lines.joined(separator: "\n"), path: path, format: .csv, lines: record.lines))
        }
        return documents
    }

    /// Splits the text into records; blank lines between records are skipped. Quoted fields may hold commas,
    /// line breaks and doubled quotes.
    static func parse(_ text: String, path: String) throws(DocumentError) -> [Record] {
        var parser = Parser(bytes: Array(text.utf8), path: path)
        var records: [Record] = []
        while let record = try parser.next() {
            if record.fields != [""] { records.append(record) }
        }
        return records
    }

    /// A byte-level reader of one record at a time.
    struct Parser {
        let bytes: [UInt8]
        let path: String
        var index = 0
        var line = 1

        init(bytes: [UInt8], path: String) {
            self.bytes = bytes
            self.path = path
        }

        mutating func next() throws(DocumentError) -> Record? {
            guard index < bytes.count else { return nil }
            let first = line
            var fields: [String] = []
            while true {
                fields.append(try field())
                let last = line
                guard index < bytes.count else { return Record(fields: fields, lines: first...last) }
                let separator = bytes[index]
                index += 1
                if separator == 0x0A {
                    line += 1
                    return Record(fields: fields, lines: first...last)
                }
            }
        }

        /// One field; leaves `index` on the comma or line end that follows (or at the end).
        mutating func field() throws(DocumentError) -> String {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return unquoted() }
            let opening = line
            index += 1
            var value: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == 0x0A { line += 1 }
                guard byte == UInt8(ascii: "\"") else {
                    value.append(byte)
                    continue
                }
                if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                    value.append(byte)
                    index += 1
                    continue
                }
                guard index >= bytes.count || bytes[index] == UInt8(ascii: ",") || bytes[index] == 0x0A else {
                    throw DocumentError(
                        path: path,
                        message: "line \(line): text after a closing quote; double quotes inside a quoted field")
                }
                return String(decoding: value, as: UTF8.self)
            }
            throw DocumentError(path: path, message: "line \(opening): a quoted field is never closed")
        }

        mutating func unquoted() -> String {
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: ","), bytes[index] != 0x0A { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }
}
