import CrewCore
import Foundation

/// The text of every file the compiler read, kept for source excerpts under diagnostics and for finding the exact
/// column of a placeholder inside a multi-line scalar.
public final class SourceText: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [String: [Substring]] = [:]

    public init() {}

    public func add(file: String, text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        lock.withLock { files[file] = lines }
    }

    public func line(_ file: String, _ number: Int) -> String? {
        lock.withLock {
            guard let lines = files[file], number >= 1, number <= lines.count else { return nil }
            return String(lines[number - 1])
        }
    }

    public func lineCount(_ file: String) -> Int {
        lock.withLock { files[file]?.count ?? 0 }
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
