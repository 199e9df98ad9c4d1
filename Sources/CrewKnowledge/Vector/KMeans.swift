import Foundation

/// Spherical k-means for the IVF lists: unit-length centroids, assignment by largest dot product. Everything is
/// seeded and single-ordered so the same vectors always give the same lists (and so the same file bytes).
struct KMeans {
    /// Rows are `stride` floats each, unit length, zero-padded.
    let stride: Int
    let lists: Int
    let seed: UInt64
    /// Training uses at most this many sampled rows per list (faiss uses 256; 64 loses no recall here and trains
    /// four times faster).
    var samplesPerList = 64
    var iterations = 12

    /// Trains on a seeded sample of `rows` and returns `lists` × `stride` centroids.
    func train(_ rows: [Float]) -> [Float] {
        let count = rows.count / max(stride, 1)
        var random = VectorRandom(seed: seed)
        let sample = Self.sampleRows(count: count, take: min(count, lists * samplesPerList), random: &random)
        var training = [Float]()
        training.reserveCapacity(sample.count * stride)
        for row in sample { training += rows[row * stride..<(row + 1) * stride] }
        var centroids = [Float]()
        for row in 0..<lists { training.withUnsafeBufferPointer { centroids += $0[row * stride..<(row + 1) * stride] } }
        for _ in 0..<iterations {
            let assignment = assign(training, to: centroids)
            centroids = update(training, assignment: assignment, previous: centroids, random: &random)
        }
        return centroids
    }

    /// The best centroid for every row, on all cores: rows are independent, so the result does not depend on how
    /// they are split.
    func assign(_ rows: [Float], to centroids: [Float]) -> [Int] {
        let count = rows.count / max(stride, 1)
        let blocks = stride / VectorFormat.lane
        var result = [Int](repeating: 0, count: count)
        let chunks = max(1, min(count / 256, ProcessInfo.processInfo.activeProcessorCount * 4))
        rows.withUnsafeBytes { rows in
            centroids.withUnsafeBytes { centroids in
                result.withUnsafeMutableBufferPointer { result in
                    guard let shared = Shared(rows.baseAddress, centroids.baseAddress, result.baseAddress) else {
                        return
                    }
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        for row in count * chunk / chunks..<count * (chunk + 1) / chunks {
                            shared.result[row] = Self.nearest(
                                shared.rows + row * stride * 4, shared.centroids, lists: lists, blocks: blocks)
                        }
                    }
                }
            }
        }
        return result
    }

    /// The buffers the assignment threads share: the inputs are read-only and each thread writes its own rows of
    /// `result`, so there is no data race.
    struct Shared: @unchecked Sendable {
        let rows: UnsafeRawPointer
        let centroids: UnsafeRawPointer
        let result: UnsafeMutablePointer<Int>

        init?(_ rows: UnsafeRawPointer?, _ centroids: UnsafeRawPointer?, _ result: UnsafeMutablePointer<Int>?) {
            guard let rows, let centroids, let result else { return nil }
            (self.rows, self.centroids, self.result) = (rows, centroids, result)
        }
    }

    /// The centroid with the largest dot product; the first one on a tie.
    static func nearest(_ row: UnsafeRawPointer, _ centroids: UnsafeRawPointer, lists: Int, blocks: Int) -> Int {
        var best = 0
        var bestScore = -Float.infinity
        VectorIndex.scanFloat32(0..<lists, query: row, rows: centroids, stride: blocks * VectorFormat.lane) {
            score, list in
            if score > bestScore {
                best = list
                bestScore = score
            }
        }
        return best
    }

    /// New centroids: the normalized mean of each list's rows; an empty list takes a random row (seeded) so no
    /// list is wasted.
    func update(_ rows: [Float], assignment: [Int], previous: [Float], random: inout VectorRandom) -> [Float] {
        var sums = [Float](repeating: 0, count: lists * stride)
        var sizes = [Int](repeating: 0, count: lists)
        for (row, list) in assignment.enumerated() {
            sizes[list] += 1
            for i in 0..<stride { sums[list * stride + i] += rows[row * stride + i] }
        }
        let count = assignment.count
        for list in 0..<lists {
            let range = list * stride..<(list + 1) * stride
            if sizes[list] == 0, count > 0 {
                let row = Int(random.next() % UInt64(count))
                sums.replaceSubrange(range, with: rows[row * stride..<(row + 1) * stride])
            }
            sums.replaceSubrange(range, with: normalized(Array(sums[range])))
        }
        return sums
    }

    /// `take` distinct row numbers in shuffled order, chosen by a seeded partial Fisher–Yates shuffle.
    static func sampleRows(count: Int, take: Int, random: inout VectorRandom) -> [Int] {
        var rows = Array(0..<count)
        for i in 0..<take {
            let j = i + Int(random.next() % UInt64(count - i))
            rows.swapAt(i, j)
        }
        return Array(rows[0..<take])
    }
}

/// A tiny, fast, seedable generator (Steele et al.'s SplitMix64): the same seed gives the same sequence on every
/// platform, which `SystemRandomNumberGenerator` does not.
struct VectorRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D4_9CE3_11EB_133B
        return z ^ (z >> 31)
    }
}
