/// The quantized copies an IVF index searches before re-ranking: 4-bit codes of the float32 rows, with one range per
/// list and component (a list's rows are alike, so its own ranges are narrow: measured on clustered data, 4-bit
/// codes with list ranges keep recall@10 at 0.99 with k × 2 candidates where ranges shared by the whole file give
/// 0.86), and int8 codes of the centroids (one scale per centroid).
enum SearchCodes {
    /// Per list, the lows then the steps of each component's 16-level range (`lists × 2 × stride` floats): the
    /// smallest and largest value of the component among the list's rows.
    static func ranges(_ rows: [Float], order: [Int], starts: [UInt32], stride: Int) -> [Float] {
        let lists = starts.count - 1
        var out = [Float](repeating: 0, count: lists * 2 * stride)
        for list in 0..<lists {
            let members = order[Int(starts[list])..<Int(starts[list + 1])]
            guard let first = members.first else { continue }
            var lows = Array(rows[first * stride..<(first + 1) * stride])
            var highs = lows
            for row in members.dropFirst() {
                for component in 0..<stride {
                    let value = rows[row * stride + component]
                    lows[component] = min(lows[component], value)
                    highs[component] = max(highs[component], value)
                }
            }
            let base = list * 2 * stride
            for component in 0..<stride {
                out[base + component] = lows[component]
                let span = highs[component] - lows[component]
                out[base + stride + component] = span > 0 ? span / 15 : 0
            }
        }
        return out
    }

    /// The rows in `order` as 4-bit codes laid out for `crew_scores_u4`, each against its list's ranges.
    static func nibbles(_ rows: [Float], order: [Int], starts: [UInt32], stride: Int, ranges: [Float]) -> [UInt8] {
        let rowBytes = VectorFormat.codeRowBytes(stride: stride)
        var out = [UInt8](repeating: 0, count: order.count * rowBytes)
        for list in 0..<starts.count - 1 {
            let base = list * 2 * stride
            for position in Int(starts[list])..<Int(starts[list + 1]) {
                let row = order[position] * stride
                for component in 0..<stride {
                    let code = nibble(
                        rows[row + component], low: ranges[base + component], step: ranges[base + stride + component])
                    let within = component % 64
                    out[position * rowBytes + component / 64 * 32 + within % 32] |= within < 32 ? code : code << 4
                }
            }
        }
        return out
    }

    static func nibble(_ value: Float, low: Float, step: Float) -> UInt8 {
        guard step > 0 else { return 0 }
        return UInt8(max(0, min(15, ((value - low) / step).rounded())))
    }

    /// Symmetric per-row int8 quantization: scale = max |component| / 127, code = round(component / scale).
    static func int8(_ rows: [Float], order: [Int], stride: Int) -> (codes: [UInt8], scales: [Float]) {
        var out = [UInt8]()
        out.reserveCapacity(order.count * stride)
        var scales = [Float]()
        scales.reserveCapacity(order.count)
        for row in order {
            let slice = rows[row * stride..<(row + 1) * stride]
            let largest = slice.reduce(Float(0)) { max($0, abs($1)) }
            let scale = largest > 0 ? largest / 127 : 1
            scales.append(scale)
            for value in slice {
                let code = Int8(max(-127, min(127, (value / scale).rounded())))
                out.append(UInt8(bitPattern: code))
            }
        }
        return (out, scales)
    }
}
