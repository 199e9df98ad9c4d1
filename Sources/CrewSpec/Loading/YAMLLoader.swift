import CrewCore
import Foundation

/// Reads one YAML file into a `YAMLNode`, refusing hostile input with a diagnostic instead of crashing or hanging:
/// oversized files, binary data, invalid UTF-8, nesting too deep for a recursive parser, alias bombs.
public struct YAMLLoader: Sendable {
    public struct Limits: Sendable {
        public var maxFileBytes = 16 << 20
        public var maxDepth = 100
        /// Nodes produced after alias and merge-key expansion; bounds an alias bomb's memory and time.
        public var maxNodes = 2_000_000
        /// Bytes of scalar text after alias expansion: twice the largest file.
        public var maxExpandedBytes = 32 << 20
        public init() {}
    }

    public var limits = Limits()
    public init() {}

    /// What loading one file gave: the tree (nil when unusable), problems, and the hash of the file's bytes.
    public struct Loaded: Sendable {
        public var node: YAMLNode?
        public var diagnostics: [Diagnostic]
        public var sha256: String?
    }

    /// Loads `path` (absolute or relative to the current folder); `display` names it in diagnostics.
    public func load(path: String, display: String, sources: SourceText) -> Loaded {
        switch read(path: path, display: display) {
        case .failure(let diagnostic):
            return Loaded(node: nil, diagnostics: [diagnostic], sha256: nil)
        case .success(let (text, hash)):
            sources.add(file: display, text: text)
            let (node, diagnostics) = parse(text, display: display)
            return Loaded(node: node, diagnostics: diagnostics, sha256: hash)
        }
    }

    /// Parses text already in memory; used by `load` and by tests.
    public func parse(_ text: String, display: String) -> (YAMLNode?, [Diagnostic]) {
        if let problem = NestingScanner(limit: limits.maxDepth).scan(text, file: display) {
            return (nil, [problem])
        }
        do {
            var composer = YAMLComposer(file: display, budget: limits.maxNodes, textBudget: limits.maxExpandedBytes)
            guard let node = try composer.compose(Array(text.utf8)) else {
                return (nil, [.error(.e106, "the file is empty", at: .file(display), hint: emptyHint)])
            }
            return (node, composer.diagnostics)
        } catch let problem as YAMLProblem {
            return (nil, [YAMLErrorMapping.diagnostic(for: problem, file: display, text: text)])
        } catch let diagnostic as Diagnostic {
            return (nil, [diagnostic])
        } catch {
            return (nil, [.error(.e101, "cannot parse YAML: \(error)", at: .file(display))])
        }
    }

    private var emptyHint: String { "a crew file starts with `version: 1` and `name: ...`" }

    /// A regular file only, opened without waiting (`O_NONBLOCK`) and checked with `fstat` before a byte is read:
    /// a FIFO or a device named as a crew file is refused, never waited on or read forever.
    private func read(path: String, display: String) -> Result<(String, String), Diagnostic> {
        let bytes: [UInt8]
        do {
            bytes = try ConfinedFolder.readRegular(atPath: path, limit: limits.maxFileBytes)
        } catch {
            switch error.reason {
            case .missing: return .failure(.error(.e102, "file not found", at: .file(display)))
            case .notRegular(.folder):
                return .failure(.error(.e102, "expected a file, found a folder", at: .file(display)))
            case .notRegular(let kind):
                return .failure(
                    .error(.e102, "expected a regular file, found a \(kind.rawValue)", at: .file(display)))
            case .tooLarge(let size, _):
                let mib = (Double(size) / 1_048_576 * 10).rounded(.up) / 10
                let message = "the file is \(mib) MiB; crew files may be at most \(limits.maxFileBytes >> 20) MiB"
                return .failure(.error(.e103, message, at: .file(display), hint: "split the crew with `include:`"))
            default: return .failure(.error(.e102, "file cannot be read (permissions?)", at: .file(display)))
            }
        }
        let data = Data(bytes)
        return TextDecoding.decode(data, file: display).map { ($0, Hashing.sha256(data)) }
    }
}

/// Turns bytes into text, locating the first byte that is not UTF-8 or that marks a binary file.
enum TextDecoding {
    static func decode(_ data: Data, file: String) -> Result<String, Diagnostic> {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let nul = bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress, let found = memchr(base, 0, buffer.count) else { return nil }
            return UnsafeRawPointer(found) - UnsafeRawPointer(base)
        }
        if let nul {
            let at = location(ofByte: nul, in: bytes, file: file)
            return .failure(.error(.e104, "the file contains a NUL byte: it looks binary, not YAML", at: at))
        }
        // The standard library's validation is the fast path; the scalar walk below only finds where it fails.
        if let text = String(validating: bytes, as: UTF8.self) { return .success(text) }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var valid = true
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: break loop
            case .error:
                valid = false
                break loop
            }
        }
        guard valid else {
            let at = location(ofByte: offset, in: bytes, file: file)
            return .failure(
                .error(.e104, "invalid UTF-8 at byte \(offset)", at: at, hint: "save the file as UTF-8"))
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    static func location(ofByte offset: Int, in bytes: [UInt8], file: String) -> SourceLocation {
        let prefix = bytes[..<offset]
        let line = prefix.count { $0 == 0x0A } + 1
        let lineStart = prefix.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).unicodeScalars.count + 1
        return SourceLocation(file: file, line: line, column: column)
    }
}
