import Foundation

/// A JSON document with a deterministic serialisation: object keys sorted by their UTF-8 bytes,
/// integers kept as integers, no escaped slashes. Build artifacts are written through this type so that
/// the same input always gives the same bytes.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The serialised document. `pretty` indents by two spaces with one key per line.
    public func serialized(pretty: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(to: &out, pretty: pretty, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the compact serialisation to `out`, for writers that put many documents in one buffer.
    public func append(to out: inout [UInt8]) {
        write(to: &out, pretty: false, indent: 0)
    }

    /// Writes UTF-8 bytes directly: large plans serialise in a few milliseconds.
    func write(to out: inout [UInt8], pretty: Bool, indent: Int) {
        switch self {
        case .null: JSONValue.append("null", to: &out)
        case .bool(let b): JSONValue.append(b ? "true" : "false", to: &out)
        case .int(let i): JSONValue.appendInteger(i, to: &out)
        case .double(let d): out += JSONValue.format(d).utf8
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let items): writeArray(items, to: &out, pretty: pretty, indent: indent)
        case .object(let members): writeObject(members, to: &out, pretty: pretty, indent: indent)
        }
    }

    private func writeArray(_ items: [JSONValue], to out: inout [UInt8], pretty: Bool, indent: Int) {
        guard !items.isEmpty else { return JSONValue.append("[]", to: &out) }
        out.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            if pretty { JSONValue.newline(&out, indent + 1) }
            item.write(to: &out, pretty: pretty, indent: indent + 1)
        }
        if pretty { JSONValue.newline(&out, indent) }
        out.append(UInt8(ascii: "]"))
    }

    private func writeObject(_ members: [String: JSONValue], to out: inout [UInt8], pretty: Bool, indent: Int) {
        // Pairs sorted once, so that no value is looked up again by its key.
        Self.writeSorted(
            members.sorted { JSONValue.bytesPrecede($0.key, $1.key) }, to: &out, pretty: pretty, indent: indent)
    }

    /// Appends the compact serialisation of the object whose members are `members` (their keys distinct), the same
    /// bytes as `.object` of them, without making its dictionary: for a writer that has the pairs already (a run
    /// event's line, its fields and three more).
    public static func appendObject(_ members: [(key: String, value: JSONValue)], to out: inout [UInt8]) {
        writeSorted(members.sorted { bytesPrecede($0.key, $1.key) }, to: &out, pretty: false, indent: 0)
    }

    private static func writeSorted(
        _ sorted: [(key: String, value: JSONValue)], to out: inout [UInt8], pretty: Bool, indent: Int
    ) {
        guard !sorted.isEmpty else { return append("{}", to: &out) }
        out.append(UInt8(ascii: "{"))
        for (i, member) in sorted.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            if pretty { JSONValue.newline(&out, indent + 1) }
            JSONValue.writeString(member.key, to: &out)
            append(pretty ? ": " : ":", to: &out)
            member.value.write(to: &out, pretty: pretty, indent: indent + 1)
        }
        if pretty { JSONValue.newline(&out, indent) }
        out.append(UInt8(ascii: "}"))
    }

    /// UTF-8 byte order, compared with memcmp where both strings are contiguous (a generic walk over the two UTF-8
    /// views was a fifth of writing a plan).
    static func bytesPrecede(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right -> Bool in
                let common = min(left.count, right.count)
                let order = common == 0 ? 0 : memcmp(left.baseAddress!, right.baseAddress!, common)
                return order != 0 ? order < 0 : left.count < right.count
            }
        }
        return (fast ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private static func newline(_ out: inout [UInt8], _ indent: Int) {
        out.append(UInt8(ascii: "\n"))
        var spaces = 2 * indent
        while spaces > 0 {
            let run = min(spaces, Self.spaces.utf8CodeUnitCount)
            out.append(contentsOf: UnsafeBufferPointer(start: Self.spaces.utf8Start, count: run))
            spaces -= run
        }
    }

    private static let spaces: StaticString = "                                                                "

    /// Appends a literal's bytes in one copy.
    @inline(__always)
    static func append(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// An integer's decimal digits, without making a string of them (`Int.min`'s magnitude fits a `UInt`).
    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var rest = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 19 digits, filled from the end
        withUnsafeMutableBytes(of: &digits) { buffer in
            var position = buffer.count
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[position...]))
        }
    }

    /// Shortest round-trip form; integral values keep a trailing `.0` so the type survives a round trip.
    static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        return d.description
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// Control characters (C0, DEL, C1) and bidi overrides are written as `\uXXXX`: the same string to a JSON
    /// reader, and nothing a terminal would obey when the JSON is printed (`crew run --json`, `crew logs --json`).
    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            // The table is read through a pointer: as a global array, each byte paid for its lazy initialisation
            // check and a bounds check (strings are most of what a run's record writes).
            Self.mayNeedEscape.withUnsafeBufferPointer { table in
                var i = 0
                var copied = 0  // Bytes before this one that need no escape are copied as one run.
                while i < bytes.count {
                    let byte = bytes[i]
                    guard table[Int(byte)] else {
                        i += 1
                        continue
                    }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<i]))
                    switch byte {
                    case UInt8(ascii: "\""): append(#"\""#, to: &out)
                    case UInt8(ascii: "\\"): append(#"\\"#, to: &out)
                    case 0x0A: append(#"\n"#, to: &out)
                    case 0x0D: append(#"\r"#, to: &out)
                    case 0x09: append(#"\t"#, to: &out)
                    case 0..<0x20, 0x7F: escape(UInt32(byte), to: &out)
                    // Lead bytes of C1 controls (U+0080–U+009F), U+061C and U+200E–U+2069: decode only these.
                    default:
                        let (scalar, width) = decode(bytes, at: i)
                        if let scalar, TerminalText.isUnsafe(scalar, keepLayout: false) {
                            escape(scalar.value, to: &out)
                        } else {
                            out.append(
                                contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<min(i + width, bytes.count)]))
                        }
                        i += width
                        copied = i
                        continue
                    }
                    i += 1
                    copied = i
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<i]))
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The bytes `writeString` looks at: quote, backslash, controls, DEL, and the lead bytes above.
    private static let mayNeedEscape: [Bool] = (0...255).map { byte in
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F || byte == 0xC2 || byte == 0xD8 || byte == 0xE2
    }

    private static func escape(_ value: UInt32, to out: inout [UInt8]) {
        append(#"\u"#, to: &out)
        for shift: UInt32 in [12, 8, 4, 0] { out.append(hexDigits[Int((value >> shift) & 0xF)]) }
    }

    /// The scalar of a two- or three-byte sequence starting at `i` (nil when malformed) and its length.
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar?, Int) {
        let width = bytes[i] == 0xE2 ? 3 : 2
        guard i + width <= bytes.count else { return (nil, bytes.count - i) }
        var value = UInt32(bytes[i] & (width == 3 ? 0x0F : 0x1F))
        for k in 1..<width { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
        return (Unicode.Scalar(value), width)
    }
}

extension JSONValue {
    /// An object from pairs whose value may be absent; absent values are left out rather than written as null.
    public static func object(dropping pairs: [(String, JSONValue?)]) -> JSONValue {
        var members: [String: JSONValue] = [:]
        members.reserveCapacity(pairs.count)
        for (key, value) in pairs {
            if let value { members[key] = value }
        }
        return .object(members)
    }

    public static func strings(_ items: [String]) -> JSONValue {
        .array(items.map { .string($0) })
    }
}
