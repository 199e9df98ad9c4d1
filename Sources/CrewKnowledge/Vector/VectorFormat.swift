/// How each vector's components are stored: float32 keeps exact scores; float16 halves the file with scores off by
/// about 1e-3; int8 quarters it (one scale per vector) with scores off by about 1e-2.
public enum VectorStorage: String, Sendable {
    case float32, float16, int8

    /// Bytes per stored component.
    var width: Int {
        switch self {
        case .float32: 4
        case .float16: 2
        case .int8: 1
        }
    }

    var code: UInt32 {
        switch self {
        case .float32: 0
        case .float16: 1
        case .int8: 2
        }
    }

    init?(code: UInt32) {
        switch code {
        case 0: self = .float32
        case 1: self = .float16
        case 2: self = .int8
        default: return nil
        }
    }
}

/// Which structure the file holds. `.auto` is exact below `VectorFormat.ivfThreshold` vectors (a full scan of a
/// small collection is fast and loses nothing), IVF above.
public enum VectorIndexKind: Sendable {
    case exact
    case ivf(lists: Int)
    case auto
}

/// The `.vectors` sections and their layout (specs/index-format.md, "Vector index").
enum VectorFormat {
    /// Section ids of a `.vectors` index file.
    enum Section {
        /// u32 × 8: layout version, dimensions, stride, count, storage code, lists, default probes, reserved.
        static let header: UInt32 = 1
        /// count × stride components, grouped by list (row order), each row zero-padded to `stride`.
        static let vectors: UInt32 = 2
        /// u32 × count: the document id of each row.
        static let ids: UInt32 = 3
        /// f32 × count: each row's scale (int8 only): component = code × scale.
        static let scales: UInt32 = 4
        /// f32 × lists × stride: the IVF centroids, normalized, zero-padded (absent for an exact index).
        static let centroids: UInt32 = 5
        /// u32 × (lists + 1): the first row of each list, then count (absent for an exact index).
        static let listStarts: UInt32 = 6
        // 7 and 8 held int8 search codes in files of earlier builds; readers ignore them.
        /// u8 × count × `codeRowBytes`: 4-bit search codes of the float32 rows, same order (float32 IVF only,
        /// optional): a probe scans an eighth of the bytes, and the best candidates are re-ranked from `vectors`.
        static let codes: UInt32 = 9
        /// f32 × lists × 2 × stride: per list, each component's code range, the lows then the steps (component ≈
        /// low + code × step).
        static let codeRanges: UInt32 = 10
        /// i8 × lists × stride: the centroids quantized as int8 storage is (IVF, optional): probe selection reads a
        /// quarter of the float32 centroids' bytes.
        static let centroidCodes: UInt32 = 11
        /// f32 × lists: each centroid code row's scale (present with `centroidCodes`).
        static let centroidScales: UInt32 = 12
    }

    static let layoutVersion: UInt32 = 1
    static let headerWords = 8
    /// Rows are padded to a multiple of 16 components so every row starts on a 64-byte (float32) boundary and the
    /// scan runs whole `SIMD16` blocks with no tail loop.
    static let lane = 16
    /// Below this many vectors `.auto` builds an exact index. Measured (384 dimensions, one thread): an exact scan
    /// of 10k vectors takes about 1.7 ms a query with perfect recall, negligible next to a model call; at 20k it is
    /// 3.5–7 ms while IVF answers in 0.14 ms at recall 0.997, so larger collections get IVF.
    static let ivfThreshold = 10_000

    /// Bytes of one 4-bit search code row (see `crew_scores_u4`).
    static func codeRowBytes(stride: Int) -> Int {
        (stride + 63) / 64 * 32
    }

    static func stride(for dimensions: Int) -> Int {
        (dimensions + lane - 1) / lane * lane
    }

    /// The default list count: about √n, which balances scoring centroids against scanning lists.
    static func defaultLists(count: Int) -> Int {
        max(1, Int(Double(count).squareRoot().rounded()))
    }
}

/// Scales a vector to unit length (cosine similarity then becomes a dot product); a zero vector stays zero.
func normalized(_ vector: [Float]) -> [Float] {
    var sum: Float = 0
    for value in vector { sum += value * value }
    guard sum > 0, sum.isFinite else { return [Float](repeating: 0, count: vector.count) }
    let scale = 1 / sum.squareRoot()
    return vector.map { $0 * scale }
}
