/// Load-time checks: every section the search reads must have exactly the size that count, stride, storage and lists
/// imply, and list boundaries must be ordered and end at count — so a damaged or truncated file is an error at
/// load, never an out-of-bounds read during a search. Only the header and list starts are read (a few KB).
extension VectorIndex {
    typealias Header = (
        dimensions: Int, stride: Int, count: Int, storage: VectorStorage, lists: Int, probes: Int
    )

    static func readHeader(_ mapped: MappedIndex) throws(MappedIndex.LoadError) -> Header {
        func fail(_ problem: String) -> MappedIndex.LoadError {
            MappedIndex.LoadError(path: mapped.path, problem: problem)
        }
        guard let words = mapped.values(VectorFormat.Section.header, as: UInt32.self),
            words.count == VectorFormat.headerWords
        else { throw fail("vector index header missing or damaged") }
        let word = { (index: Int) in Int(UInt32(littleEndian: words[index])) }
        guard UInt32(word(0)) == VectorFormat.layoutVersion else {
            throw fail("vector layout version \(word(0)), this crew reads \(VectorFormat.layoutVersion)")
        }
        let dimensions = word(1)
        guard dimensions > 0, dimensions <= 65_536, word(2) == VectorFormat.stride(for: dimensions) else {
            throw fail("vector dimensions \(dimensions) with row stride \(word(2))")
        }
        guard let storage = VectorStorage(code: UInt32(word(4))) else {
            throw fail("unknown vector storage \(word(4))")
        }
        let count = word(3)
        let lists = word(5)
        guard lists <= count, (lists == 0) == (word(6) == 0), word(6) <= lists else {
            throw fail("\(lists) lists and \(word(6)) probes for \(count) vectors")
        }
        return (dimensions, word(2), count, storage, lists, word(6))
    }

    func checkSections() throws(MappedIndex.LoadError) {
        try expect(VectorFormat.Section.vectors, bytes: count * stride * storage.width, "vectors")
        try expect(VectorFormat.Section.ids, bytes: count * 4, "document ids")
        if storage == .int8 { try expect(VectorFormat.Section.scales, bytes: count * 4, "int8 scales") }
        guard lists > 0 else { return }
        try expect(VectorFormat.Section.centroids, bytes: lists * stride * 4, "centroids")
        try expect(VectorFormat.Section.listStarts, bytes: (lists + 1) * 4, "list starts")
        try checkListStarts()
        try checkSearchCodes()
    }

    /// The optional search codes of an IVF index: each pair of sections both present or both absent, row codes in a
    /// float32 index only, each section of its exact size.
    private func checkSearchCodes() throws(MappedIndex.LoadError) {
        let rowBytes = VectorFormat.codeRowBytes(stride: stride)
        if try pair(VectorFormat.Section.codes, VectorFormat.Section.codeRanges, "4-bit search codes") {
            guard storage == .float32 else {
                throw MappedIndex.LoadError(path: mapped.path, problem: "4-bit search codes in a \(storage) index")
            }
            try expect(VectorFormat.Section.codes, bytes: count * rowBytes, "search codes")
            try expect(VectorFormat.Section.codeRanges, bytes: lists * 2 * stride * 4, "search code ranges")
        }
        if try pair(VectorFormat.Section.centroidCodes, VectorFormat.Section.centroidScales, "centroid codes") {
            try expect(VectorFormat.Section.centroidCodes, bytes: lists * stride, "centroid codes")
            try expect(VectorFormat.Section.centroidScales, bytes: lists * 4, "centroid code scales")
        }
    }

    /// True when both sections are present, false when neither is; one without the other is damage.
    private func pair(_ first: UInt32, _ second: UInt32, _ name: String) throws(MappedIndex.LoadError) -> Bool {
        switch (mapped.section(first) != nil, mapped.section(second) != nil) {
        case (true, true): return true
        case (false, false): return false
        default: throw MappedIndex.LoadError(path: mapped.path, problem: "\(name) without their companion section")
        }
    }

    private func expect(_ id: UInt32, bytes: Int, _ name: String) throws(MappedIndex.LoadError) {
        let actual = mapped.section(id)?.count
        guard actual == bytes else {
            let found = actual.map { "\($0) bytes" } ?? "missing"
            throw MappedIndex.LoadError(
                path: mapped.path, problem: "\(name) section is \(found), \(count) × \(dimensions) needs \(bytes)")
        }
    }

    private func checkListStarts() throws(MappedIndex.LoadError) {
        guard let starts = mapped.section(VectorFormat.Section.listStarts) else { return }
        var previous: UInt32 = 0
        for list in 0...lists {
            let start = starts.loadUnaligned(fromByteOffset: list * 4, as: UInt32.self).littleEndian
            guard start >= previous, list > 0 || start == 0 else {
                throw MappedIndex.LoadError(path: mapped.path, problem: "IVF list boundaries out of order")
            }
            previous = start
        }
        guard Int(previous) == count else {
            throw MappedIndex.LoadError(
                path: mapped.path, problem: "IVF lists hold \(previous) rows, header says \(count)")
        }
    }
}
