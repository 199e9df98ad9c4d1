/// The scoring loops: dot products over rows read straight from the mapping. Rows are padded to whole 16-component
/// blocks (`VectorFormat.lane`), so there is no tail loop. Float32 rows are scored four at a time, in 8-component
/// steps: each query step is loaded once for four rows, and four accumulators, the query step and temporaries fit
/// the 16 SSE registers of baseline x86-64.
enum VectorKernels {
    /// Dot product of a float32 query and one float32 row, both `blocks` × 16 components: the same arithmetic, in
    /// the same order, as one lane of `dotFloat32x4`, so a row's score does not depend on how rows were grouped.
    @inline(__always)
    static func dotFloat32(_ query: UnsafeRawPointer, _ row: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = SIMD8<Float>()
        for step in 0..<(blocks &* 2) {
            let offset = step &* 32
            sum +=
                query.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                * row.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        }
        return sum.sum()
    }

    /// Dot products of a float32 query with four consecutive float32 rows, `rowBytes` apart.
    @inline(__always)
    static func dotFloat32x4(_ query: UnsafeRawPointer, _ row: UnsafeRawPointer, rowBytes: Int, blocks: Int)
        -> SIMD4<Float>
    {
        var a = SIMD8<Float>()
        var b = SIMD8<Float>()
        var c = SIMD8<Float>()
        var d = SIMD8<Float>()
        for step in 0..<(blocks &* 2) {
            let offset = step &* 32
            let q = query.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            a += q * row.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            b += q * row.loadUnaligned(fromByteOffset: offset &+ rowBytes, as: SIMD8<Float>.self)
            c += q * row.loadUnaligned(fromByteOffset: offset &+ rowBytes &* 2, as: SIMD8<Float>.self)
            d += q * row.loadUnaligned(fromByteOffset: offset &+ rowBytes &* 3, as: SIMD8<Float>.self)
        }
        return SIMD4(a.sum(), b.sum(), c.sum(), d.sum())
    }

    /// Dot product of a float32 query and a float16 row. The halves are widened with integer operations, not
    /// `Float(Float16)`: without the F16C instruction set (Swift targets baseline x86-64) that is a library call per
    /// component, ten times slower. Shifting the exponent and mantissa into place and multiplying by 2^112 is exact
    /// for normal and subnormal halves; stored components are within [-1, 1], never infinite or NaN.
    @inline(__always)
    static func dotFloat16(_ query: UnsafeRawPointer, _ row: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = SIMD16<Float>()
        for block in 0..<blocks {
            let half = SIMD16<UInt32>(
                truncatingIfNeeded: row.loadUnaligned(fromByteOffset: block &* 32, as: SIMD16<UInt16>.self))
            let magnitude = unsafeBitCast((half & 0x7FFF) &<< 13, to: SIMD16<Float>.self) * 0x1p112
            let value = unsafeBitCast(
                unsafeBitCast(magnitude, to: SIMD16<UInt32>.self) | ((half & 0x8000) &<< 16), to: SIMD16<Float>.self)
            sum += query.loadUnaligned(fromByteOffset: block &* 64, as: SIMD16<Float>.self) * value
        }
        return sum.sum()
    }

    /// Dot product of a float32 query and an int8 row, before the row's scale is applied.
    @inline(__always)
    static func dotInt8(_ query: UnsafeRawPointer, _ row: UnsafeRawPointer, blocks: Int) -> Float {
        var sum = SIMD16<Float>()
        for block in 0..<blocks {
            let codes = row.loadUnaligned(fromByteOffset: block &* 16, as: SIMD16<Int8>.self)
            sum +=
                query.loadUnaligned(fromByteOffset: block &* 64, as: SIMD16<Float>.self)
                * SIMD16<Float>(codes)
        }
        return sum.sum()
    }
}

/// The k best (score, row) pairs seen so far, best first. Ties go to the smaller document id so results are
/// deterministic. Insertion into a sorted array: k is small (tens), and most candidates fail the threshold test.
struct TopK {
    let k: Int
    private(set) var scores: [Float] = []
    private(set) var items: [UInt32] = []
    /// The score a candidate must beat once the list is full.
    private(set) var threshold: Float = -.infinity

    init(k: Int) {
        self.k = max(0, k)
        scores.reserveCapacity(self.k + 1)
        items.reserveCapacity(self.k + 1)
    }

    @inline(__always)
    mutating func offer(_ score: Float, _ item: UInt32) {
        guard score >= threshold, k > 0 else { return }
        insert(score, item)
    }

    private mutating func insert(_ score: Float, _ item: UInt32) {
        var position = scores.count
        while position > 0, Self.better(score, item, than: scores[position - 1], items[position - 1]) {
            position -= 1
        }
        guard position < k else { return }
        scores.insert(score, at: position)
        items.insert(item, at: position)
        if scores.count > k {
            scores.removeLast()
            items.removeLast()
        }
        if scores.count == k, let last = scores.last { threshold = last }
    }

    @inline(__always)
    static func better(_ score: Float, _ item: UInt32, than other: Float, _ otherItem: UInt32) -> Bool {
        score > other || (score == other && item < otherItem)
    }

    var results: [(document: UInt32, score: Float)] {
        zip(items, scores).map { (document: $0, score: $1) }
    }
}
