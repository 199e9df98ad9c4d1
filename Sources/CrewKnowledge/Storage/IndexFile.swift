import CrewCore
import Foundation

/// The container every knowledge index file uses (specs/index-format.md): a 64-byte header, a section table,
/// and sections aligned to 64 bytes, all little-endian, so a reader maps the file and points into it — no parsing,
/// no copying.
///
/// Header: magic `CREWIDX\0` (8), format version u32, kind u32, section count u32, reserved u32, file size u64,
/// table checksum u64 (FNV-1a 64 over the header's first 32 bytes and the section table), body checksum u64 (FNV-1a
/// 64 over every byte after the table; checked by `verify()`, not at load), then zeros to 64 bytes. Section table
/// entry (32 bytes): id u32, reserved u32, offset u64, length u64, reserved u64.
public enum IndexFile {
    public static let magic: [UInt8] = Array("CREWIDX\0".utf8)
    public static let version: UInt32 = 1
    public static let headerSize = 64
    public static let entrySize = 32
    public static let alignment = 64

    /// What an index file holds.
    public enum Kind: UInt32, Sendable {
        case chunks = 1
        case bm25 = 2
        case vectors = 3
    }

    /// FNV-1a 64: fast, dependency-free, good enough to catch damage (not an integrity guarantee against an attacker).
    public static func fnv1a(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var hash = seed
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// Builds an index file in memory, then writes it atomically.
public struct IndexFileWriter {
    public let kind: IndexFile.Kind
    private var sections: [(id: UInt32, bytes: [UInt8])] = []

    public init(kind: IndexFile.Kind) {
        self.kind = kind
    }

    /// Adds a section; ids are the kind's own (see the format spec). Order is kept.
    public mutating func add(section id: UInt32, bytes: [UInt8]) {
        sections.append((id, bytes))
    }

    /// Adds a section of fixed-size little-endian values.
    public mutating func add<T: FixedWidthInteger>(section id: UInt32, values: [T]) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
        for value in values { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        add(section: id, bytes: bytes)
    }

    public mutating func add(section id: UInt32, floats: [Float]) {
        add(section: id, values: floats.map(\.bitPattern))
    }

    public func bytes() -> [UInt8] {
        let tableEnd = IndexFile.headerSize + sections.count * IndexFile.entrySize
        var out = [UInt8](repeating: 0, count: Self.align(tableEnd))
        var table = [UInt8]()
        for section in sections {
            let offset = out.count
            out += section.bytes
            out += [UInt8](repeating: 0, count: Self.align(out.count) - out.count)
            table += Self.le(section.id) + Self.le(UInt32(0)) + Self.le(UInt64(offset))
            table += Self.le(UInt64(section.bytes.count)) + Self.le(UInt64(0))
        }
        let bodyStart = Self.align(tableEnd)
        var header = IndexFile.magic + Self.le(IndexFile.version) + Self.le(kind.rawValue)
        header += Self.le(UInt32(sections.count)) + Self.le(UInt32(0)) + Self.le(UInt64(out.count))
        let tableSum = table.withUnsafeBytes { table in
            header.withUnsafeBytes { IndexFile.fnv1a(table, seed: IndexFile.fnv1a($0)) }
        }
        let bodySum = out[bodyStart...].withUnsafeBytes { IndexFile.fnv1a($0) }
        header += Self.le(tableSum) + Self.le(bodySum)
        out.replaceSubrange(0..<header.count, with: header)
        out.replaceSubrange(IndexFile.headerSize..<tableEnd, with: table)
        return out
    }

    static func align(_ value: Int) -> Int {
        (value + IndexFile.alignment - 1) / IndexFile.alignment * IndexFile.alignment
    }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
