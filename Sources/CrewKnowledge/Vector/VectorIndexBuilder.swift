/// Collects vectors and writes a `.vectors` index file: vectors normalized (cosine similarity = dot product),
/// stored as float32, float16 or int8, and — for IVF — clustered at build time so a query scans a few contiguous
/// lists. The output is deterministic: same vectors, options and seed, same bytes.
public struct VectorIndexBuilder {
    public let dimensions: Int
    public let storage: VectorStorage
    public let kind: VectorIndexKind
    public let seed: UInt64
    /// Vectors whose length was not `dimensions`: stored as zero vectors (they score 0 against every query) so ids
    /// stay sequential; `crew build` reports the count instead of crashing on bad input.
    public private(set) var mismatchedVectors = 0
    /// Whether an IVF index gets search codes (4-bit row codes for float32, int8 centroid codes for every storage);
    /// files written before them lack the sections, and tests turn this off to make one.
    var searchCodes = true
    /// Normalized rows, each zero-padded to `stride` floats.
    private var rows: [Float] = []
    private let stride: Int

    /// `dimensions` must be at least 1: a builder with none holds nothing, and its file does not load.
    public init(dimensions: Int, storage: VectorStorage = .float32, kind: VectorIndexKind = .auto, seed: UInt64 = 1) {
        self.dimensions = max(0, dimensions)
        self.storage = storage
        self.kind = kind
        self.seed = seed
        stride = VectorFormat.stride(for: max(0, dimensions))
    }

    public var count: Int { stride == 0 ? 0 : rows.count / stride }

    /// Adds a vector and returns its document id (0, 1, 2, … in order of addition).
    @discardableResult
    public mutating func add(_ vector: [Float]) -> UInt32 {
        let id = UInt32(truncatingIfNeeded: count)
        if vector.count == dimensions {
            rows += normalized(vector)
            rows += [Float](repeating: 0, count: stride - dimensions)
        } else {
            mismatchedVectors += 1
            rows += [Float](repeating: 0, count: stride)
        }
        return id
    }

    /// The list count this builder will use: 0 for an exact index.
    var resolvedLists: Int {
        switch kind {
        case .exact: return 0
        case .ivf(let lists): return count == 0 ? 0 : min(max(1, lists), count)
        case .auto: return count < VectorFormat.ivfThreshold ? 0 : VectorFormat.defaultLists(count: count)
        }
    }

    /// The index file's bytes (runs the clustering for IVF: seconds for 100k vectors).
    public func bytes() -> [UInt8] {
        let lists = resolvedLists
        var order = Array(0..<count)
        var centroids: [Float] = []
        var starts: [UInt32] = []
        var probes = 0
        if lists > 0 {
            let kmeans = KMeans(stride: stride, lists: lists, seed: seed)
            centroids = kmeans.train(rows)
            let assignment = kmeans.assign(rows, to: centroids)
            order.sort { (assignment[$0], $0) < (assignment[$1], $1) }
            starts = Self.listStarts(assignment, lists: lists)
            probes = ProbeCalibration(stride: stride, lists: lists).defaultProbes(
                rows: rows, centroids: centroids, assignment: assignment, seed: seed)
        }
        return fileBytes(order: order, centroids: centroids, starts: starts, probes: probes)
    }

    private func fileBytes(order: [Int], centroids: [Float], starts: [UInt32], probes: Int) -> [UInt8] {
        let lists = starts.isEmpty ? 0 : starts.count - 1
        var writer = IndexFileWriter(kind: .vectors)
        let header: [UInt32] = [
            VectorFormat.layoutVersion, UInt32(truncatingIfNeeded: dimensions), UInt32(truncatingIfNeeded: stride),
            UInt32(truncatingIfNeeded: count), storage.code,
            UInt32(truncatingIfNeeded: lists), UInt32(truncatingIfNeeded: probes), 0,
        ]
        writer.add(section: VectorFormat.Section.header, values: header)
        // Small sections first: loading reads the header and list starts, and a cold load then needs one disk read.
        if lists > 0 {
            writer.add(section: VectorFormat.Section.listStarts, bytes: Self.raw(starts))
            if searchCodes {
                let codes = SearchCodes.int8(centroids, order: Array(0..<lists), stride: stride)
                writer.add(section: VectorFormat.Section.centroidScales, bytes: Self.raw(codes.scales))
                writer.add(section: VectorFormat.Section.centroidCodes, bytes: codes.codes)
            }
            writer.add(section: VectorFormat.Section.centroids, bytes: Self.raw(centroids))
        }
        let (vectors, scales) = encode(order)
        if storage == .int8 { writer.add(section: VectorFormat.Section.scales, bytes: Self.raw(scales)) }
        writer.add(section: VectorFormat.Section.ids, bytes: Self.raw(order.map { UInt32($0) }))
        // A float32 IVF index also gets 4-bit search codes: probes scan them, then the best rows are re-ranked.
        if searchCodes && storage == .float32 && lists > 0 {
            let ranges = SearchCodes.ranges(rows, order: order, starts: starts, stride: stride)
            writer.add(section: VectorFormat.Section.codeRanges, bytes: Self.raw(ranges))
            let codes = SearchCodes.nibbles(rows, order: order, starts: starts, stride: stride, ranges: ranges)
            writer.add(section: VectorFormat.Section.codes, bytes: codes)
        }
        writer.add(section: VectorFormat.Section.vectors, bytes: vectors)
        return writer.bytes()
    }

    /// The stored rows in `order`, and the per-row scales for int8.
    private func encode(_ order: [Int]) -> ([UInt8], [Float]) {
        switch storage {
        case .float32:
            var out = [Float]()
            out.reserveCapacity(rows.count)
            for row in order { out += rows[row * stride..<(row + 1) * stride] }
            return (Self.raw(out), [])
        case .float16:
            var out = [Float16]()
            out.reserveCapacity(rows.count)
            for row in order { out += rows[row * stride..<(row + 1) * stride].map { Float16($0) } }
            return (Self.raw(out), [])
        case .int8:
            let codes = SearchCodes.int8(rows, order: order, stride: stride)
            return (codes.codes, codes.scales)
        }
    }

    /// The first row of each list (rows are sorted by list), then the row count.
    static func listStarts(_ assignment: [Int], lists: Int) -> [UInt32] {
        var sizes = [Int](repeating: 0, count: lists)
        for list in assignment { sizes[list] += 1 }
        var starts: [UInt32] = [0]
        for size in sizes { starts.append((starts.last ?? 0) + UInt32(size)) }
        return starts
    }

    /// The values' bytes as laid out in memory: the format is little-endian, and crew runs on little-endian hosts
    /// only (x86-64, arm64); a byte-by-byte conversion of a 150 MB section would cost a second.
    static func raw<T: BitwiseCopyable>(_ values: [T]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }
}
