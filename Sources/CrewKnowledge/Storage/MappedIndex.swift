import CrewCore
import Foundation

/// An index file mapped into memory: opening checks the header, size and section table only, so a large index is
/// ready in microseconds; sections are raw buffers into the mapping. Damage (wrong magic, version, kind, size,
/// table checksum, a section outside the file) is an error, never a crash.
public final class MappedIndex: @unchecked Sendable {
    public struct LoadError: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var problem: String
        public var description: String { "\(path): \(problem); rebuild it with `crew build`" }
    }

    public let path: String
    public let kind: IndexFile.Kind
    private let base: UnsafeRawPointer
    private let size: Int
    private var sections: [UInt32: UnsafeRawBufferPointer] = [:]
    private let storedBodyChecksum: UInt64
    private let bodyStart: Int

    public init(path: String, expecting kind: IndexFile.Kind) throws(LoadError) {
        self.path = path
        // No link, and no FIFO or device in place of an index: opening one must not wait, reading one must not hang.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { throw LoadError(path: path, problem: "cannot open (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw LoadError(path: path, problem: "cannot stat") }
        guard EntryKind(mode: info.st_mode) == .file else {
            throw LoadError(path: path, problem: "not a regular file (\(EntryKind(mode: info.st_mode).rawValue))")
        }
        size = Int(info.st_size)
        guard size >= IndexFile.headerSize else { throw LoadError(path: path, problem: "truncated: no header") }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw LoadError(path: path, problem: "cannot map into memory")
        }
        base = UnsafeRawPointer(mapped)
        self.kind = kind
        let header = UnsafeRawBufferPointer(start: base, count: IndexFile.headerSize)
        do {
            (storedBodyChecksum, bodyStart) = try Self.checkHeader(header, size: size, kind: kind, path: path)
            sections = try Self.readTable(base: base, size: size, path: path)
        } catch {
            munmap(mapped, size)
            throw error
        }
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), size)
    }

    /// A section's bytes; nil when the file has no such section.
    public func section(_ id: UInt32) -> UnsafeRawBufferPointer? { sections[id] }

    /// Typed view of a section of fixed-width little-endian values (this format is only read on little-endian hosts).
    public func values<T: FixedWidthInteger>(_ id: UInt32, as type: T.Type) -> UnsafeBufferPointer<T>? {
        guard let raw = sections[id], raw.count % MemoryLayout<T>.stride == 0 else { return nil }
        return raw.bindMemory(to: T.self)
    }

    public func floats(_ id: UInt32) -> UnsafeBufferPointer<Float>? {
        guard let raw = sections[id], raw.count % 4 == 0 else { return nil }
        return raw.bindMemory(to: Float.self)
    }

    /// Asks the kernel to read the whole file ahead (a cold index then pages in at disk speed, not per query).
    public func prefetch() {
        madvise(UnsafeMutableRawPointer(mutating: base), size, MADV_WILLNEED)
    }

    /// Asks the kernel to read these sections ahead, without waiting for them.
    public func prefetch(sections ids: [UInt32]) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        for id in ids {
            guard let raw = sections[id], let start = raw.baseAddress, raw.count > 0 else { continue }
            let offset = (start - base) / page * page
            madvise(UnsafeMutableRawPointer(mutating: base + offset), start - base - offset + raw.count, MADV_WILLNEED)
        }
    }

    /// Checks every byte against the body checksum: slow for large files, so not part of loading.
    public func verify() throws(LoadError) {
        let body = UnsafeRawBufferPointer(start: base + bodyStart, count: size - bodyStart)
        guard IndexFile.fnv1a(body) == storedBodyChecksum else {
            throw LoadError(path: path, problem: "checksum mismatch: the file is damaged")
        }
    }

    static func checkHeader(_ header: UnsafeRawBufferPointer, size: Int, kind: IndexFile.Kind, path: String)
        throws(LoadError) -> (UInt64, Int)
    {
        guard Array(header[0..<8]) == IndexFile.magic else {
            throw LoadError(path: path, problem: "not a crew index file")
        }
        let version = header.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian
        guard version == IndexFile.version else {
            throw LoadError(
                path: path, problem: "index format version \(version), this crew reads \(IndexFile.version)")
        }
        let fileKind = header.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian
        guard fileKind == kind.rawValue else {
            throw LoadError(path: path, problem: "an index of another kind (\(fileKind))")
        }
        let declared = Int(header.loadUnaligned(fromByteOffset: 24, as: UInt64.self).littleEndian)
        guard declared == size else {
            throw LoadError(path: path, problem: "truncated or extended: \(size) bytes, header says \(declared)")
        }
        let count = Int(header.loadUnaligned(fromByteOffset: 16, as: UInt32.self).littleEndian)
        let tableEnd = IndexFile.headerSize + count * IndexFile.entrySize
        guard count < 1024, tableEnd <= size else { throw LoadError(path: path, problem: "damaged section table") }
        let tableSum = header.loadUnaligned(fromByteOffset: 32, as: UInt64.self).littleEndian
        let first = UnsafeRawBufferPointer(rebasing: header[0..<32])
        let table = UnsafeRawBufferPointer(
            start: header.baseAddress! + IndexFile.headerSize, count: count * IndexFile.entrySize)
        guard IndexFile.fnv1a(table, seed: IndexFile.fnv1a(first)) == tableSum else {
            throw LoadError(path: path, problem: "header checksum mismatch: the file is damaged")
        }
        return (header.loadUnaligned(fromByteOffset: 40, as: UInt64.self).littleEndian, IndexFileWriter.align(tableEnd))
    }

    static func readTable(base: UnsafeRawPointer, size: Int, path: String) throws(LoadError) -> [UInt32:
        UnsafeRawBufferPointer]
    {
        let count = Int(base.loadUnaligned(fromByteOffset: 16, as: UInt32.self).littleEndian)
        var sections: [UInt32: UnsafeRawBufferPointer] = [:]
        for i in 0..<count {
            let entry = IndexFile.headerSize + i * IndexFile.entrySize
            let id = base.loadUnaligned(fromByteOffset: entry, as: UInt32.self).littleEndian
            let offset = Int(
                truncatingIfNeeded: base.loadUnaligned(fromByteOffset: entry + 8, as: UInt64.self).littleEndian)
            let length = Int(
                truncatingIfNeeded: base.loadUnaligned(fromByteOffset: entry + 16, as: UInt64.self).littleEndian)
            guard offset >= 0, length >= 0, offset % IndexFile.alignment == 0, offset <= size, length <= size - offset
            else {
                throw LoadError(path: path, problem: "section \(id) lies outside the file")
            }
            sections[id] = UnsafeRawBufferPointer(start: base + offset, count: length)
        }
        return sections
    }
}
