import CrewCore
import Foundation

/// The text of every file the compiler read, kept for source excerpts under diagnostics and for finding the exact
/// column of a placeholder inside a multi-line scalar. Lines are found through a byte-offset index built once.
public final class SourceText: @unchecked Sendable {
    private struct File {
        var bytes: [UInt8]
        /// Offset of the first byte of each line.
        var lineStarts: [Int]
    }

    private let lock = NSLock()
    private var files: [String: File] = [:]

    public init() {}

    public func add(file: String, text: String) {
        let bytes = Array(text.utf8)
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == 0x0A { starts.append(offset + 1) }
        lock.withLock { files[file] = File(bytes: bytes, lineStarts: starts) }
    }

    public func line(_ file: String, _ number: Int) -> String? {
        lock.withLock {
            guard let entry = files[file], number >= 1, number <= entry.lineStarts.count else { return nil }
            let start = entry.lineStarts[number - 1]
            var end = number < entry.lineStarts.count ? entry.lineStarts[number] - 1 : entry.bytes.count
            if end > start, entry.bytes[end - 1] == 0x0D { end -= 1 }
            return String(decoding: entry.bytes[start..<max(start, end)], as: UTF8.self)
        }
    }

    public func lineCount(_ file: String) -> Int {
        lock.withLock { files[file]?.lineStarts.count ?? 0 }
    }

    /// The first place at or after `start` where `needle` occurs, within `maxLines` lines.
    public func find(_ needle: String, from start: SourceLocation, maxLines: Int = 200) -> SourceLocation? {
        for offset in 0..<maxLines {
            let number = start.line + offset
            guard let text = line(start.file, number) else { return nil }
            let scalars = Array(text.unicodeScalars)
            let from = offset == 0 ? max(0, start.column - 1) : 0
            if let index = Self.index(of: Array(needle.unicodeScalars), in: scalars, from: from) {
                return SourceLocation(file: start.file, line: number, column: index + 1)
            }
        }
        return nil
    }

    private static func index(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else {
            return nil
        }
        for i in from...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return i
        }
        return nil
    }
}
