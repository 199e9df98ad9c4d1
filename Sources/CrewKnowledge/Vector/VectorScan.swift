import CCrewKernels

/// The scans behind `VectorIndex.search`: rows are scored a block at a time by the C kernels into the scratch
/// scores, and each block is offered to a top list in one call.
extension VectorIndex {
    /// Scores `rows` (in file order) as stored and offers each under its document id.
    /// `factor` comes from `quantizeQuery` (int8 storage only).
    func scan(_ rows: Range<Int>, views: Views, scratch: SearchScratch, factor: Float, into top: inout TopList) {
        var first = rows.lowerBound
        while first < rows.upperBound {
            let n = min(VectorKernels.block, rows.upperBound - first)
            guard score(first, n, views: views, scratch: scratch, factor: factor) else { return }
            top.offer(scratch.scores, ids: views.ids + first, firstID: 0, n: n)
            first += n
        }
    }

    /// Scores rows first ..< first + n into `scratch.scores`; false if a section the storage needs is missing.
    private func score(_ first: Int, _ n: Int, views: Views, scratch: SearchScratch, factor: Float) -> Bool {
        let out = scratch.scores
        switch storage {
        case .float32:
            let rows = views.vectors.assumingMemoryBound(to: Float.self) + first * stride
            crew_scores_f32(scratch.query, rows, stride, n, out)
        case .float16:
            let rows = views.vectors.assumingMemoryBound(to: UInt16.self) + first * stride
            crew_scores_f16(scratch.query, rows, stride, n, out)
        case .int8:
            guard let scales = views.scales else { return false }
            let rows = views.vectors.assumingMemoryBound(to: Int8.self) + first * stride
            crew_scores_i8(scratch.query16, factor, rows, scales + first, stride, n, out)
        }
        return true
    }

    /// Scores `rows` (one list) by their 4-bit search codes and offers them to `pool` under their row numbers.
    /// `factor` and `offset` come from `SearchScratch.loadWeights` for the list's ranges.
    func scanCodes(
        _ rows: Range<Int>, _ codes: UnsafePointer<UInt8>, _ scratch: SearchScratch, factor: Float, offset: Float,
        into pool: inout TopList
    ) {
        let rowBytes = VectorFormat.codeRowBytes(stride: stride)
        var first = rows.lowerBound
        while first < rows.upperBound {
            let n = min(VectorKernels.block, rows.upperBound - first)
            crew_scores_u4(scratch.weights, factor, offset, codes + first * rowBytes, rowBytes, n, scratch.scores)
            pool.offer(scratch.scores, ids: nil, firstID: first, n: n)
            first += n
        }
    }

    /// Writes the int16 query the int8 kernels need (int8 storage, int8 centroid codes) and returns its factor
    /// (0 when unused).
    func quantizeQuery(_ scratch: SearchScratch, codes: Bool) -> Float {
        guard storage == .int8 || codes else { return 0 }
        return VectorKernels.quantize(scratch.query, into: scratch.query16, stride: stride)
    }

    /// Re-scores the pooled rows exactly in float32 and offers them to `top` under their document ids.
    func rescore(_ pool: TopList, views: Views, scratch: SearchScratch, into top: inout TopList) {
        let rows = views.vectors.assumingMemoryBound(to: Float.self)
        crew_scores_f32_gather(scratch.query, rows, stride, pool.ids, pool.count, scratch.rerankScores)
        for j in 0..<pool.count { scratch.rerankIDs[j] = views.ids[Int(pool.ids[j])] }
        top.offer(scratch.rerankScores, ids: scratch.rerankIDs, firstID: 0, n: pool.count)
    }
}
