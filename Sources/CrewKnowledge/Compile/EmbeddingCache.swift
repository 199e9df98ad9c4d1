import CrewCore
import Crypto
import Foundation

/// Vectors already computed, keyed by (embedder identity, SHA-256 of the chunk text), under `.crew/cache/`, so a
/// rebuild after a one-file edit embeds only the changed chunks. One file per embedder identity: switching embedders
/// can never mix dimensions, and a file whose header disagrees is ignored rather than trusted.
public final class EmbeddingCache: @unchecked Sendable {
    static let magic = Array("CREWEMB1".utf8)

    /// The cache folder (`.crew/cache` below the crew's folder), walked through no link.
    public let folder: ConfinedPath
    /// The cache file's name in that folder.
    public let fileName: String
    public let identity: String
    /// A cache file larger than this is ignored rather than read.
    static let maxBytes = 8 << 30
    private let lock = NSLock()
    private var vectors: [[UInt8]: [Float]] = [:]
    private var order: [[UInt8]] = []
    private var dimensions: Int?
    private var dirty = false

    /// Opens (or starts) the cache for `identity` in `folder`.
    public init(folder: ConfinedPath, identity: String) {
        self.identity = identity
        self.folder = folder
        fileName = "embeddings-" + String(Hashing.sha256(identity).prefix(16)) + ".bin"
        load()
    }

    public static func key(_ text: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(text.utf8)))
    }

    public func vector(for key: [UInt8]) -> [Float]? {
        lock.withLock { vectors[key] }
    }

    public func store(_ vector: [Float], for key: [UInt8]) {
        lock.withLock {
            if dimensions == nil { dimensions = vector.count }
            guard vector.count == dimensions, vectors[key] == nil else { return }
            vectors[key] = vector
            order.append(key)
            dirty = true
        }
    }

    public var count: Int { lock.withLock { vectors.count } }

    /// Writes the cache back (atomically) when anything was added.
    public func save() throws {
        let bytes: [UInt8]? = lock.withLock {
            guard dirty, let dimensions else { return nil }
            var out = Self.magic + IndexFileWriter.le(UInt32(dimensions))
            out.reserveCapacity(out.count + order.count * (32 + 4 * dimensions))
            for key in order {
                out += key
                for value in vectors[key] ?? [] { out += IndexFileWriter.le(value.bitPattern) }
            }
            return out
        }
        guard let bytes else { return }
        try ConfinedFolder.open(folder, create: true).write(bytes, to: fileName)
        lock.withLock { dirty = false }
    }

    /// Reads every whole record; a damaged header drops the cache, a cut last record is ignored.
    private func load() {
        guard let bytes = try? ConfinedFolder.open(folder).read(fileName, limit: Self.maxBytes), bytes.count >= 12,
            Array(bytes.prefix(8)) == Self.magic
        else { return }
        let dims = Int(bytes[8..<12].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }.littleEndian)
        guard dims > 0, dims <= 65_536 else { return }
        let record = 32 + 4 * dims
        var offset = 12
        while offset + record <= bytes.count {
            let key = Array(bytes[offset..<(offset + 32)])
            let vector = bytes[(offset + 32)..<(offset + record)].withUnsafeBytes { raw in
                (0..<dims).map {
                    Float(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self).littleEndian)
                }
            }
            if vectors[key] == nil { order.append(key) }
            vectors[key] = vector
            offset += record
        }
        dimensions = dims
    }
}
