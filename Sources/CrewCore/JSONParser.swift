/// Parses JSON text into a `JSONValue`. Strict (RFC 8259): no comments, no trailing commas, no NaN; nesting is
/// bounded so hostile input cannot exhaust the stack.
public struct JSONParser {
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        public var message: String
        /// Byte offset of the problem in the input.
        public var offset: Int
        public var description: String { "\(message) at byte \(offset)" }
    }

    public static let maxDepth = 512

    private let bytes: [UInt8]
    private var index = 0
    /// How many objects and arrays a reader (`readObject`, `readArray`) is inside.
    private var nesting = 0
    /// Members and items of the objects and arrays being read, nested ones above their parents': one buffer for the
    /// whole parse, so a small object costs no growing array of its own.
    private var pendingMembers: [(String, JSONValue)] = []
    private var pendingItems: [JSONValue] = []

    public static func parse(_ text: String) throws(Error) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// `keeping`: when the top level is an object, only these members are kept; the others are checked as strictly
    /// but not built (a streamed chunk's id, model and fingerprint were a third of parsing it). Nil keeps everything.
    public static func parse(_ bytes: [UInt8], keeping keys: [String]? = nil) throws(Error) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipSpace()
        let value =
            keys != nil && parser.index < bytes.count && bytes[parser.index] == UInt8(ascii: "{")
            ? try parser.object(depth: 0, keeping: keys) : try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private func error(_ message: String) -> Error { Error(message: message, offset: index) }

    @inline(__always)
    private mutating func skipSpace() {
        // Most calls find none, or one space (`, ` and `: ` between members): those need no walk.
        guard index < bytes.count, bytes[index] <= 0x20 else { return }
        if bytes[index] == 0x20, index + 1 < bytes.count, bytes[index + 1] > 0x20 {
            index += 1
            return
        }
        index = bytes.withUnsafeBufferPointer { buffer in
            var i = index
            while i < buffer.count, buffer[i] == 0x20 || buffer[i] == 0x0A || buffer[i] == 0x0D || buffer[i] == 0x09 {
                i += 1
            }
            return i
        }
    }

    /// From `start` (inside a string): the index of the first quote, backslash or control character, or the end of
    /// the input. Read through a pointer, eight bytes at a time (`JSONBytes`): strings are most of what a parse reads.
    @inline(__always)
    private func stringBreak(from start: Int) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, start < buffer.count else { return buffer.count }
            return JSONBytes.stringBreak(base, from: start, to: buffer.count)
        }
    }

    private mutating func value(depth: Int) throws(Error) -> JSONValue {
        guard depth < Self.maxDepth else { throw error("JSON nested too deeply") }
        guard index < bytes.count else { throw error("unexpected end of JSON") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return try number()
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(Error) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected character") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw error("unexpected character")
        }
        index += count
        return value
    }

    /// `keeping`: the members to keep (nil: all); the others are skipped.
    private mutating func object(depth: Int, keeping: [String]? = nil) throws(Error) -> JSONValue {
        // Members are gathered first and the dictionary made once at its size: growing it a member at a time
        // rehashed every key at each step (a streamed chunk is a handful of small objects).
        let base = pendingMembers.count
        try elements(closing: UInt8(ascii: "}")) { (parser) throws(Error) in
            try parser.expectKey()
            // The key of a member that is kept; nil for one that is not, recognised by its bytes when it has no
            // escape, so that no string is made or hashed for it.
            let key: String?
            if let keeping, let raw = parser.plainKey() {
                parser.index = raw.upperBound + 1
                key =
                    Self.contains(keeping, parser.bytes[raw]) ? String(decoding: parser.bytes[raw], as: UTF8.self) : nil
            } else {
                let parsed = try parser.string()
                key = keeping?.contains(parsed) == false ? nil : parsed
            }
            try parser.colon()
            if let key {
                let member = try parser.value(depth: depth + 1)
                parser.pendingMembers.append((key, member))
            } else {
                try parser.skip(depth: depth + 1)
            }
        }
        var members = [String: JSONValue](minimumCapacity: pendingMembers.count - base)
        // A repeated key: the last one wins, as before.
        for (key, value) in pendingMembers[base...] { members[key] = value }
        pendingMembers.removeSubrange(base...)
        return .object(members)
    }

    /// Reads the object or array whose opening byte is at `index`, calling `element` at each member or item (after
    /// any white space), until `close`: the commas, the closing byte and an empty container are handled here.
    /// Always inlined, so that each caller's closure is too (a call per element cost 1.3 % of a 200-task run).
    @inline(__always)
    private mutating func elements(closing close: UInt8, _ element: (inout JSONParser) throws(Error) -> Void)
        throws(Error)
    {
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == close {
            index += 1
            return
        }
        while true {
            skipSpace()
            try element(&self)
            skipSpace()
            guard index < bytes.count else { throw error("unexpected end of JSON") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == close else {
                throw error(close == UInt8(ascii: "}") ? "expected `,` or `}`" : "expected `,` or `]`")
            }
            index += 1
            return
        }
    }

    private func expectKey() throws(Error) {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
    }

    /// The `:` after a key, and the white space around it.
    private mutating func colon() throws(Error) {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected `:`") }
        index += 1
        skipSpace()
    }

    /// The bytes of the key at `index` (an opening quote), when it has no escape and no control character.
    private func plainKey() -> Range<Int>? {
        let end = stringBreak(from: index + 1)
        return end < bytes.count && bytes[end] == UInt8(ascii: "\"") ? (index + 1)..<end : nil
    }

    private static func contains(_ keys: [String], _ key: ArraySlice<UInt8>) -> Bool {
        keys.contains { $0.utf8.count == key.count && $0.utf8.elementsEqual(key) }
    }

    private mutating func array(depth: Int) throws(Error) -> JSONValue {
        let base = pendingItems.count
        try elements(closing: UInt8(ascii: "]")) { (parser) throws(Error) in
            parser.pendingItems.append(try parser.value(depth: depth + 1))
        }
        let items = Array(pendingItems[base...])
        pendingItems.removeSubrange(base...)
        return .array(items)
    }

    /// Checks a value as `value` would and keeps nothing of it when it is a string (the usual skipped member).
    private mutating func skip(depth: Int) throws(Error) {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
            _ = try value(depth: depth)
            return
        }
        index += 1
        var unescaped: [UInt8] = []  // what escapes decode to, dropped: escapes are checked as `string` checks them
        while true {
            index = stringBreak(from: index)
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            if byte < 0x20 { throw error("control character in string") }
            index += 1
            if byte == UInt8(ascii: "\"") { return }
            try escape(into: &unescaped)
            unescaped.removeAll(keepingCapacity: true)
        }
    }

    /// Most strings have no escape: they are read straight from the input, without copying byte by byte.
    private mutating func string() throws(Error) -> String {
        index += 1
        let start = index
        index = stringBreak(from: start)
        if index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: bytes[start..<(index - 1)], as: UTF8.self)
            }
            if byte < 0x20 { throw error("control character in string") }
        }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"): try escape(into: &out)
            case 0..<0x20: throw error("control character in string")
            default: out.append(byte)
            }
        }
        throw error("unterminated string")
    }

    private mutating func escape(into out: inout [UInt8]) throws(Error) {
        guard index < bytes.count else { throw error("unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                bytes[index + 1] == UInt8(ascii: "u")
            {
                index += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
            out.append(contentsOf: String(Character(value)).utf8)
        default: throw error("invalid escape")
        }
    }

    private mutating func hex4() throws(Error) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// An integer of at most 18 digits (so it cannot overflow), read without making a string; nil for anything else,
    /// which `Int(String)` then reads or refuses as before (leading zeros included).
    private func smallInteger(_ start: Int, _ end: Int) -> Int? {
        let negative = bytes[start] == UInt8(ascii: "-")
        let first = negative ? start + 1 : start
        guard end > first, end - first <= 18, bytes[first] != UInt8(ascii: "0") || end - first == 1 else { return nil }
        var value = 0
        for position in first..<end { value = value * 10 + Int(bytes[position] - UInt8(ascii: "0")) }
        return negative ? -value : value
    }

    private mutating func number() throws(Error) -> JSONValue {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        var isInteger = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                index += 1
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
            {
                isInteger = false
                index += 1
            } else {
                break
            }
        }
        if isInteger, let int = smallInteger(start, index) { return .int(int) }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard !text.isEmpty, text != "-" else { throw error("unexpected character") }
        if isInteger, let int = Int(text) { return .int(int) }
        guard let double = Double(text), double.isFinite else { throw error("invalid number `\(text)`") }
        return .double(double)
    }
}

/// Reading a known shape straight from the text: a caller walks the objects and arrays it expects and builds values
/// only for the members it keeps, the rest checked as strictly as `parse` checks them but not built. A streamed
/// chunk read this way costs a fraction of its tree: no dictionary is made and no key hashed.
extension JSONParser {
    /// What the next value is, read from its first byte.
    public enum Next: Equatable {
        case object, array, string, null, other
    }

    /// A member's key, compared by its bytes without making a string.
    public struct Key {
        @usableFromInline let bytes: ArraySlice<UInt8>

        /// Inlinable: a streamed chunk's reader asks it about sixteen times a chunk, and a call cost more than the
        /// comparison.
        @inlinable @inline(__always)
        public func matches(_ name: StaticString) -> Bool {
            let count = name.utf8CodeUnitCount
            guard bytes.count == count else { return false }
            return bytes.withUnsafeBufferPointer { key in
                for offset in 0..<count where key[offset] != name.utf8Start[offset] { return false }
                return true
            }
        }
    }

    /// A reader at the start of `bytes`.
    public init(reading bytes: [UInt8]) {
        self.init(bytes: bytes)
    }

    /// The next value's kind, after any whitespace.
    public mutating func next() -> Next {
        skipSpace()
        guard index < bytes.count else { return .other }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "n"): return .null
        default: return .other
        }
    }

    /// Reads the object that comes next, calling `member` with each key and this reader at the member's value, which
    /// `member` reads or skips. A repeated key calls `member` again: a caller keeps the last, as `parse` does.
    public mutating func readObject(_ member: (Key, inout JSONParser) throws(Error) -> Void) throws(Error) {
        guard next() == .object else { throw error("expected an object") }
        try nested { (parser) throws(Error) in
            try parser.elements(closing: UInt8(ascii: "}")) { (parser) throws(Error) in
                try parser.expectKey()
                let key: Key
                if let raw = parser.plainKey() {
                    parser.index = raw.upperBound + 1
                    key = Key(bytes: parser.bytes[raw])
                } else {
                    key = Key(bytes: ArraySlice(try parser.string().utf8))
                }
                try parser.colon()
                try member(key, &parser)
            }
        }
    }

    /// Reads the array that comes next, calling `item` with each item's position and this reader at the item.
    public mutating func readArray(_ item: (Int, inout JSONParser) throws(Error) -> Void) throws(Error) {
        guard next() == .array else { throw error("expected an array") }
        try nested { (parser) throws(Error) in
            var position = 0
            try parser.elements(closing: UInt8(ascii: "]")) { (parser) throws(Error) in
                try item(position, &parser)
                position += 1
            }
        }
    }

    /// One level deeper for what `body` reads, within the bound on nesting.
    @inline(__always)
    private mutating func nested(_ body: (inout JSONParser) throws(Error) -> Void) throws(Error) {
        guard nesting < Self.maxDepth else { throw error("JSON nested too deeply") }
        nesting += 1
        defer { nesting -= 1 }
        try body(&self)
    }

    /// Reads the next value whole.
    public mutating func readValue() throws(Error) -> JSONValue {
        skipSpace()
        return try value(depth: nesting)
    }

    /// Checks the next value and keeps nothing of it.
    public mutating func skipValue() throws(Error) {
        skipSpace()
        try skip(depth: nesting)
    }

    /// Checks that nothing but whitespace is left.
    public mutating func readEnd() throws(Error) {
        skipSpace()
        guard index == bytes.count else { throw error("unexpected text after the JSON value") }
    }
}

extension JSONValue {
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }
}
