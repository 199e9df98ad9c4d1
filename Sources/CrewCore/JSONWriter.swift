import Foundation

/// The serialiser behind `JSONValue`'s output: keys in UTF-8 byte order, integers as integers, no escaped slashes,
/// controls and bidi overrides escaped. Bytes go to a buffer written through a pointer and grown by doubling, so a
/// byte or a run of bytes costs one capacity check and a copy: appending to an array paid a uniqueness check and a
/// generic append each time, which was most of writing a short member.
///
/// A writer owns its buffer until `release()`: it is made, used and released by one call (`JSONValue.serialized`,
/// `append(to:)`, `appendObject`) and never copied out of it.
struct JSONWriter {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    let pretty: Bool

    init(capacity: Int, pretty: Bool) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
        self.pretty = pretty
    }

    /// Frees the buffer; the writer is not used after.
    func release() {
        base.deallocate()
    }

    /// What has been written.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    // MARK: Values

    mutating func value(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: literal("null")
        case .bool(let flag): literal(flag ? "true" : "false")
        case .int(let number): integer(number)
        case .double(let number):
            var text = Self.format(number)
            text.withUTF8 { copy($0.baseAddress, $0.count) }
        case .string(let text): string(text)
        case .array(let items): array(items, indent: indent)
        case .object(let members): object(Self.sorted(members), indent: indent)
        }
    }

    private mutating func array(_ items: [JSONValue], indent: Int) {
        guard !items.isEmpty else { return literal("[]") }
        byte(UInt8(ascii: "["))
        for (position, item) in items.enumerated() {
            if position > 0 { byte(UInt8(ascii: ",")) }
            if pretty { newline(indent + 1) }
            value(item, indent: indent + 1)
        }
        if pretty { newline(indent) }
        byte(UInt8(ascii: "]"))
    }

    /// An object whose members come sorted by key (`sorted`).
    mutating func object(_ members: [SortedMember], indent: Int) {
        guard !members.isEmpty else { return literal("{}") }
        byte(UInt8(ascii: "{"))
        for (position, member) in members.enumerated() {
            if position > 0 { byte(UInt8(ascii: ",")) }
            if pretty { newline(indent + 1) }
            string(member.key)
            if pretty { literal(": ") } else { byte(UInt8(ascii: ":")) }
            value(member.value, indent: indent + 1)
        }
        if pretty { newline(indent) }
        byte(UInt8(ascii: "}"))
    }

    // MARK: Keys in byte order

    /// A member with its key's first eight bytes as one big-endian integer (zeros after a shorter key), which decides
    /// every comparison but those between keys that share them: sorting an event's members compared every pair of
    /// keys whole (2.5 K instructions a line).
    struct SortedMember {
        let prefix: UInt64
        let key: String
        let value: JSONValue
    }

    static func sorted(_ members: some Collection<(key: String, value: JSONValue)>) -> [SortedMember] {
        var sorted: [SortedMember] = []
        sorted.reserveCapacity(members.count)
        for member in members {
            sorted.append(SortedMember(prefix: prefix(member.key), key: member.key, value: member.value))
        }
        sorted.sort { $0.prefix != $1.prefix ? $0.prefix < $1.prefix : bytesPrecede($0.key, $1.key) }
        return sorted
    }

    /// UTF-8 byte order, compared with memcmp where both strings are contiguous (a generic walk over the two UTF-8
    /// views was a fifth of writing a plan).
    private static func bytesPrecede(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right -> Bool in
                let common = min(left.count, right.count)
                let order = common == 0 ? 0 : memcmp(left.baseAddress!, right.baseAddress!, common)
                return order != 0 ? order < 0 : left.count < right.count
            }
        }
        return (fast ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private static func prefix(_ key: String) -> UInt64 {
        var key = key
        return key.withUTF8 { utf8 in
            var value: UInt64 = 0
            let taken = min(8, utf8.count)
            for index in 0..<taken { value = value << 8 | UInt64(utf8[index]) }
            return value << (8 * (8 - taken))  // a shift by 64 (an empty key) is 0
        }
    }

    // MARK: Strings

    /// A string, quoted. Control characters (C0, DEL, C1) and bidi overrides are written as `\uXXXX`: the same
    /// string to a JSON reader, and nothing a terminal would obey when the JSON is printed (`crew run --json`,
    /// `crew logs --json`). Bytes that need no escape are copied in runs.
    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            reserve(utf8.count + 2)
            byte(UInt8(ascii: "\""))
            guard let start = utf8.baseAddress else { return byte(UInt8(ascii: "\"")) }
            Self.mayNeedEscape.withUnsafeBufferPointer { table in
                var index = 0
                var copied = 0
                while index < utf8.count {
                    // Eight plain ASCII bytes at a time, then up to eight through the table.
                    index = JSONBytes.plainASCII(start, from: index, to: utf8.count)
                    let stop = min(index + 8, utf8.count)
                    while index < stop, !table[Int(start[index])] { index += 1 }
                    guard index < stop else { continue }
                    copy(start + copied, index - copied)
                    index += escape(utf8, at: index)
                    copied = index
                }
                copy(start + copied, utf8.count - copied)
            }
            byte(UInt8(ascii: "\""))
        }
    }

    /// Writes the byte at `index`, which the table marks, escaped or as it is; returns how many bytes it took.
    private mutating func escape(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let lead = utf8[index]
        switch lead {
        case UInt8(ascii: "\""): literal(#"\""#)
        case UInt8(ascii: "\\"): literal(#"\\"#)
        case 0x0A: literal(#"\n"#)
        case 0x0D: literal(#"\r"#)
        case 0x09: literal(#"\t"#)
        case 0..<0x20, 0x7F: unicodeEscape(UInt32(lead))
        // Lead bytes of C1 controls (U+0080–U+009F), U+061C and U+200E–U+2069: decode only these.
        default:
            let (scalar, width) = Self.decode(utf8, at: index)
            if let scalar, TerminalText.isUnsafe(scalar, keepLayout: false) {
                unicodeEscape(scalar.value)
            } else {
                copy(utf8.baseAddress.map { $0 + index }, width)
            }
            return width
        }
        return 1
    }

    /// The bytes `string` looks at: quote, backslash, controls, DEL, and the lead bytes above.
    private static let mayNeedEscape: [Bool] = (0...255).map { byte in
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F || byte == 0xC2 || byte == 0xD8 || byte == 0xE2
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    private mutating func unicodeEscape(_ value: UInt32) {
        literal(#"\u"#)
        for shift: UInt32 in [12, 8, 4, 0] { byte(Self.hexDigits.utf8Start[Int((value >> shift) & 0xF)]) }
    }

    /// The scalar of a two- or three-byte sequence starting at `index` (nil when malformed) and its length, which
    /// stops at the end of the text.
    private static func decode(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar?, Int) {
        let width = utf8[index] == 0xE2 ? 3 : 2
        guard index + width <= utf8.count else { return (nil, utf8.count - index) }
        var value = UInt32(utf8[index] & (width == 3 ? 0x0F : 0x1F))
        for offset in 1..<width { value = value << 6 | UInt32(utf8[index + offset] & 0x3F) }
        return (Unicode.Scalar(value), width)
    }

    // MARK: Numbers and layout

    /// Shortest round-trip form; integral values keep a trailing `.0` so the type survives a round trip.
    private static func format(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        return number.description
    }

    /// An integer's decimal digits, without making a string of them (`Int.min`'s magnitude fits a `UInt`).
    private mutating func integer(_ number: Int) {
        if number < 0 { byte(UInt8(ascii: "-")) }
        var rest = number.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits, filled from the end
        withUnsafeMutableBytes(of: &digits) { buffer in
            var position = buffer.count
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            copy(buffer.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) + position }, buffer.count - position)
        }
    }

    private static let spaces: StaticString = "                                                                "

    private mutating func newline(_ indent: Int) {
        byte(UInt8(ascii: "\n"))
        var left = 2 * indent
        while left > 0 {
            let run = min(left, Self.spaces.utf8CodeUnitCount)
            copy(Self.spaces.utf8Start, run)
            left -= run
        }
    }

    // MARK: Bytes

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if capacity - count < extra { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        var larger = capacity * 2
        while larger < needed { larger *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }

    @inline(__always)
    private mutating func byte(_ value: UInt8) {
        reserve(1)
        base[count] = value
        count += 1
    }

    @inline(__always)
    private mutating func literal(_ text: StaticString) {
        copy(text.utf8Start, text.utf8CodeUnitCount)
    }

    @inline(__always)
    private mutating func copy(_ source: UnsafePointer<UInt8>?, _ length: Int) {
        guard let source, length > 0 else { return }
        reserve(length)
        (base + count).update(from: source, count: length)
        count += length
    }
}
