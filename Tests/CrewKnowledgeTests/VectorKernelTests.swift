import CCrewKernels
import Foundation
import Testing

@testable import CrewKnowledge

/// The C kernels, wide (AVX2, when this CPU has it) and portable, against scalar references in Double: odd
/// dimensions (padded strides), row counts that leave a tail after the four-row loop, and the top-k selection.
@Suite struct VectorKernelTests {
    static let strides = [16, 32, 48, 400]
    static let rowCounts = [1, 3, 4, 7, 9]

    /// Rows of `dimensions` random components, zero-padded to `stride`.
    static func rows(_ n: Int, dimensions: Int, stride: Int, seed: UInt64) -> [Float] {
        var random = VectorRandom(seed: seed)
        return (0..<n).flatMap { _ in
            (0..<stride).map { $0 < dimensions ? Float(Int(random.next() % 2001) - 1000) / 1000 : 0 }
        }
    }

    static func reference(_ query: [Float], _ row: ArraySlice<Float>) -> Double {
        zip(query, row).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    @Test(arguments: strides)
    func float32MatchesScalarReference(stride: Int) {
        let query = Self.rows(1, dimensions: stride - 7, stride: stride, seed: 1)
        for n in Self.rowCounts {
            let rows = Self.rows(n, dimensions: stride - 7, stride: stride, seed: UInt64(n))
            var wide = [Float](repeating: 0, count: n)
            var portable = [Float](repeating: 0, count: n)
            crew_scores_f32(query, rows, stride, n, &wide)
            crew_scores_f32_portable(query, rows, stride, n, &portable)
            for r in 0..<n {
                let expected = Self.reference(query, rows[r * stride..<(r + 1) * stride])
                #expect(abs(Double(wide[r]) - expected) <= 1e-4 && abs(Double(portable[r]) - expected) <= 1e-4)
                var alone: Float = 0
                rows.withUnsafeBufferPointer { crew_scores_f32(query, $0.baseAddress! + r * stride, stride, 1, &alone) }
                #expect(alone == wide[r], "a row scores the same alone or in a group of four")
            }
            let picks = (0..<UInt32(n)).reversed().map { $0 }
            var gathered = [Float](repeating: 0, count: n)
            var gatheredPortable = [Float](repeating: 0, count: n)
            crew_scores_f32_gather(query, rows, stride, picks, n, &gathered)
            crew_scores_f32_gather_portable(query, rows, stride, picks, n, &gatheredPortable)
            #expect(gathered == picks.map { wide[Int($0)] })
            #expect(gatheredPortable == picks.map { portable[Int($0)] })
        }
    }

    @Test(arguments: strides)
    func float16MatchesScalarReference(stride: Int) {
        let query = Self.rows(1, dimensions: stride - 3, stride: stride, seed: 2)
        for n in Self.rowCounts {
            var halves = Self.rows(n, dimensions: stride - 3, stride: stride, seed: UInt64(n + 10)).map { Float16($0) }
            halves[0] = Float16(bitPattern: 0x0001)  // the smallest subnormal
            let bits = halves.map(\.bitPattern)
            let widened = halves.map { Float($0) }
            var wide = [Float](repeating: 0, count: n)
            var portable = [Float](repeating: 0, count: n)
            crew_scores_f16(query, bits, stride, n, &wide)
            crew_scores_f16_portable(query, bits, stride, n, &portable)
            for r in 0..<n {
                let expected = Self.reference(query, widened[r * stride..<(r + 1) * stride])
                #expect(abs(Double(wide[r]) - expected) <= 1e-4 && abs(Double(portable[r]) - expected) <= 1e-4)
            }
        }
    }

    @Test(arguments: strides)
    func int8MatchesIntegerReference(stride: Int) {
        var random = VectorRandom(seed: UInt64(stride))
        let limit = Int(crew_query_i16_limit(stride))
        let query16 = (0..<stride).map { _ in Int16(Int(random.next() % UInt64(2 * limit + 1)) - limit) }
        for n in Self.rowCounts {
            let codes = (0..<n * stride).map { _ in Int8(Int(random.next() % 255) - 127) }
            let scales = (0..<n).map { Float($0 + 1) / 64 }
            var wide = [Float](repeating: 0, count: n)
            var portable = [Float](repeating: 0, count: n)
            crew_scores_i8(query16, 0.5, codes, scales, stride, n, &wide)
            crew_scores_i8_portable(query16, 0.5, codes, scales, stride, n, &portable)
            #expect(wide == portable, "integer sums are exact on both paths")
            for r in 0..<n {
                let sum = (0..<stride).reduce(0) { $0 + Int(query16[$1]) * Int(codes[r * stride + $1]) }
                #expect(wide[r] == Float(sum) * scales[r] * 0.5)
            }
        }
    }

    @Test(arguments: [16, 64, 80, 400])
    func fourBitMatchesIntegerReference(stride: Int) {
        var random = VectorRandom(seed: UInt64(stride) + 5)
        let rowBytes = crew_u4_row_bytes(stride)
        #expect(rowBytes == VectorFormat.codeRowBytes(stride: stride) && rowBytes % 32 == 0)
        // Extreme weights and codes included: 15 × ±127 in every pair is the worst case for the int16 sums.
        let weights = (0..<2 * rowBytes).map { i in i % 7 == 0 ? Int8(-127) : Int8(Int(random.next() % 255) - 127) }
        for n in Self.rowCounts {
            let codes = (0..<n * rowBytes).map { i in i % 5 == 0 ? UInt8(0xFF) : UInt8(random.next() % 256) }
            var wide = [Float](repeating: 0, count: n)
            var portable = [Float](repeating: 0, count: n)
            crew_scores_u4(weights, 0.25, 2, codes, rowBytes, n, &wide)
            crew_scores_u4_portable(weights, 0.25, 2, codes, rowBytes, n, &portable)
            #expect(wide == portable, "integer sums are exact on both paths")
            for r in 0..<n {
                var sum = 0
                for component in 0..<2 * rowBytes {
                    let byte = Int(codes[r * rowBytes + component / 64 * 32 + component % 32])
                    let code = component % 64 < 32 ? byte & 15 : byte >> 4
                    sum += Int(weights[component]) * code
                }
                #expect(wide[r] == 2 + Float(sum) * 0.25)
            }
        }
    }

    @Test func fourBitCodesLandInTheKernelsLayout() {
        let stride = 80
        let row = (0..<stride).map { Float($0 % 16) }
        let ranges = [Float](repeating: 0, count: stride) + [Float](repeating: 1, count: stride)
        let codes = SearchCodes.nibbles(row, order: [0], starts: [0, 1], stride: stride, ranges: ranges)
        #expect(codes.count == VectorFormat.codeRowBytes(stride: stride))
        var weights = [Int8](repeating: 0, count: 2 * codes.count)
        for component in 0..<stride {
            weights[component] = 1
            var score: Float = 0
            crew_scores_u4(weights, 1, 0, codes, codes.count, 1, &score)
            #expect(score == Float(component % 16), "component \(component)")
            weights[component] = 0
        }
        #expect(SearchCodes.nibble(-3, low: 0, step: 1) == 0 && SearchCodes.nibble(99, low: 0, step: 1) == 15)
        #expect(SearchCodes.nibble(5, low: 5, step: 0) == 0)
    }

    @Test func queryLimitKeepsSumsInInt32() {
        #expect(crew_query_i16_limit(384) == 32_767)
        for stride in [16, 512, 528, 4_096, 65_536] {
            #expect(127 * stride * Int(crew_query_i16_limit(stride)) <= Int(Int32.max))
        }
    }

    @Test func topOfferKeepsTheBestWithTiesToTheSmallerID() {
        var random = VectorRandom(seed: 9)
        let scores = (0..<500).map { _ in Float(random.next() % 40) }
        let ids = (0..<500).map { _ in UInt32(random.next() % 1_000) }
        for k in [1, 5, 10, 499, 600] {
            var topScores = [Float](repeating: 0, count: k)
            var topIDs = [UInt32](repeating: 0, count: k)
            var count = 0
            for start in Swift.stride(from: 0, to: 500, by: 64) {
                let n = min(64, 500 - start)
                count = scores.withUnsafeBufferPointer { s in
                    ids.withUnsafeBufferPointer { i in
                        crew_top_offer(
                            &topScores, &topIDs, count, k, s.baseAddress! + start, i.baseAddress! + start, 0, n)
                    }
                }
            }
            let expected = zip(scores, ids).sorted { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }.prefix(k)
            #expect(count == expected.count)
            #expect(Array(topScores.prefix(count)) == expected.map(\.0))
            #expect(Array(topIDs.prefix(count)) == expected.map(\.1))
        }
        var one: Float = 0
        var oneID: UInt32 = 0
        #expect(crew_top_offer(&one, &oneID, 0, 0, scores, nil, 0, 500) == 0)
    }
}
