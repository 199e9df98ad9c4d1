import CrewKnowledge
import Foundation

/// `crew-bench vectors`: build, load, exact-scan and IVF recall/QPS figures on the data that
/// `Benchmarks/vectors/make_data.py` writes, so they line up with `run_baselines.py` (faiss, hnswlib, usearch).
///
///   crew-bench vectors [--data DIR] [--dims 384] [--storage float32|float16|int8] [--lists N (0: exact)]
///                      [--probes 1,2,4] [--rerank N] [--count N] [--cold] [--reuse]
enum VectorBench {
    struct Options {
        var data = "Benchmarks/vectors/data"
        var dimensions = 384
        var storage = VectorStorage.float32
        var lists: Int?
        var probes = [1, 2, 4, 6, 8, 12, 16, 24, 32]
        var cold = false
        /// Search the index file a previous run wrote instead of building it again (so a cold load is not measured
        /// right after writing 190 MB, while the disk may still be busy).
        var reuse = false
        /// Candidates re-ranked per result when the index has search codes (nil: the index's default).
        var rerank: Int?
        /// Use only the first `count` base vectors; the ground truth is then recomputed by exact search.
        var count: Int?

        init(_ arguments: [String]) throws {
            var iterator = arguments.makeIterator()
            while let name = iterator.next() {
                if name == "--cold" || name == "--reuse" {
                    if name == "--cold" { cold = true } else { reuse = true }
                    continue
                }
                guard let value = iterator.next() else { throw BenchFailure("\(name) needs a value") }
                try set(name, value)
            }
        }

        mutating func set(_ name: String, _ value: String) throws {
            switch name {
            case "--data": data = value
            case "--dims": dimensions = Int(value) ?? dimensions
            case "--storage":
                guard let parsed = VectorStorage(rawValue: value) else {
                    throw BenchFailure("unknown storage \(value)")
                }
                storage = parsed
            case "--lists": lists = Int(value)
            case "--count": count = Int(value)
            case "--rerank": rerank = Int(value)
            case "--probes": probes = value.split(separator: ",").compactMap { Int($0) }
            default: throw BenchFailure("unknown option \(name)")
            }
        }
    }

    struct BenchFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func main(arguments: [String]) throws {
        let options = try Options(arguments)
        let d = options.dimensions
        var base = try readFloats(options.data + "/base.f32")
        let queries = try readFloats(options.data + "/queries.f32")
        var truth = try readInts(options.data + "/truth.i32")
        if let count = options.count, count * d < base.count { base = Array(base[..<(count * d)]) }
        let n = base.count / d
        let queryRows = (0..<queries.count / d).map { Array(queries[$0 * d..<($0 + 1) * d]) }
        print("data: \(n) × \(d) float32, \(queryRows.count) queries, storage \(options.storage.rawValue)")
        let path = options.data + "/crew-\(options.storage.rawValue).vectors"
        if !options.reuse || !FileManager.default.fileExists(atPath: path) {
            try build(base, dimensions: d, options: options, path: path)
        }
        try load(path: path, cold: options.cold, query: queryRows.first ?? [])
        let index = try VectorIndex(path: path)
        if options.count != nil {
            truth = queryRows.flatMap { index.exactSearch($0, k: 10).map { Int32($0.document) } }
        }
        exactScan(index, queries: queryRows, truth: truth)
        probeSweep(index, queries: queryRows, truth: truth, probes: options.probes, rerank: options.rerank)
    }

    static func build(_ base: [Float], dimensions d: Int, options: Options, path: String) throws {
        let n = base.count / d
        let kind: VectorIndexKind = options.lists.map { $0 == 0 ? .exact : .ivf(lists: $0) } ?? .auto
        var bytes: [UInt8] = []
        let time = seconds {
            var builder = VectorIndexBuilder(dimensions: d, storage: options.storage, kind: kind)
            for row in 0..<n { builder.add(Array(base[row * d..<(row + 1) * d])) }
            bytes = builder.bytes()
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        print(String(format: "build: %.2f s (%d MB file)", time, bytes.count / 1_000_000))
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func readFloats(_ path: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    static func readInts(_ path: String) throws -> [Int32] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
    }
}

extension VectorBench {
    /// Warm load (median of 50), then — when caches can be dropped — a cold load, a cold first query, and a cold
    /// load followed by `prefetch` and a sequential read of the file.
    static func load(path: String, cold: Bool, query: [Float]) throws {
        var times: [Double] = []
        for _ in 0..<50 { times.append(try seconds { _ = try VectorIndex(path: path) }) }
        print(String(format: "load (warm, median of 50): %.3f ms", median(times) * 1000))
        guard cold else { return }
        guard evict(path) else { return print("load (cold): cannot evict \(path) from the page cache") }
        var index: VectorIndex?
        let load = try seconds { index = try VectorIndex(path: path) }
        let first = seconds { _ = index?.search(query, k: 10) }
        let second = seconds { _ = index?.search(query, k: 10) }
        print(
            String(
                format: "load (cold): %.3f ms; first query %.1f ms, second %.2f ms", load * 1000, first * 1000,
                second * 1000))
        _ = evict(path)
        // As `crew run` and `crew query` open an index: search sections read ahead while the query is embedded.
        let opened = try seconds {
            index = try VectorIndex(path: path)
            index?.prefetchSearchSections()
        }
        Thread.sleep(forTimeInterval: 0.25)
        let afterPause = seconds { _ = index?.search(query, k: 10) }
        print(
            String(
                format: "load (cold) + search sections read ahead: %.2f ms; first query 250 ms later %.1f ms",
                opened * 1000, afterPause * 1000))
        _ = evict(path)
        let prefetched = try seconds {
            index = try VectorIndex(path: path, prefetch: true)
            try readSequentially(path)
        }
        let after = seconds { _ = index?.search(query, k: 10) }
        print(
            String(
                format: "load (cold) + prefetch + sequential read: %.0f ms; first query then %.2f ms",
                prefetched * 1000, after * 1000))
    }

    /// Evicts this one file from the page cache (`posix_fadvise` DONTNEED after writing back its dirty pages), so
    /// a cold load is measured without flushing the whole machine's cache and every other process's files.
    static func evict(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard fdatasync(fd) == 0 else { return false }
        return posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED)) == 0
    }

    /// Reads the file in 8 MB blocks so the page cache fills at the disk's sequential speed.
    static func readSequentially(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BenchFailure("cannot read \(path)") }
        defer { try? handle.close() }
        while let block = try handle.read(upToCount: 8 << 20), !block.isEmpty {}
    }

    /// Exact scan speed (GB/s of stored vectors read) on one thread and on the automatic split over the cores, and
    /// its recall (1.0 for float32 up to ties).
    static func exactScan(_ index: VectorIndex, queries: [[Float]], truth: [Int32]) {
        let sample = Array(queries.prefix(50))
        let width = index.storage == .float32 ? 4 : index.storage == .float16 ? 2 : 1
        let bytes = Double(index.count * ((index.dimensions + 15) / 16 * 16) * width * sample.count)
        // One query a call, then the same queries as one batch (each tile of rows read once for all of them).
        for batch in [false, true] {
            for threads in [1, nil] {
                var results: [[UInt32]] = []
                let time = seconds {
                    let found =
                        batch
                        ? index.exactSearch(batch: sample, k: 10, threads: threads)
                        : sample.map { index.exactSearch($0, k: 10, threads: threads) }
                    results = found.map { $0.map(\.document) }
                }
                print(
                    String(
                        format: "exact scan%@ (%@): %.2f ms/query, %.1f GB/s of vectors, recall@10 %.4f",
                        batch ? ", batch of \(sample.count)" : "", threads == 1 ? "one thread" : "all cores",
                        time / Double(sample.count) * 1000, bytes / time / 1e9, recall(results, truth: truth)))
            }
        }
    }

    static func probeSweep(_ index: VectorIndex, queries: [[Float]], truth: [Int32], probes: [Int], rerank: Int?) {
        guard index.lists > 0 else { return print("exact index: no probes to sweep") }
        let codes =
            index.hasSearchCodes ? ", 4-bit search codes, re-rank k × \(rerank ?? VectorIndex.defaultRerank)" : ""
        print("IVF: \(index.lists) lists, default probes \(index.defaultProbes)\(codes)")
        for probe in probes where probe <= index.lists {
            var results: [[UInt32]] = []
            let time = seconds {
                results = queries.map { index.search($0, k: 10, probes: probe, rerank: rerank).map(\.document) }
            }
            let line = String(
                format: "  probes %3d: %8.0f queries/s, recall@10 %.4f", probe, Double(queries.count) / time,
                recall(results, truth: truth))
            print(line + (probe == index.defaultProbes ? "  (default)" : ""))
        }
    }

    static func recall(_ results: [[UInt32]], truth: [Int32]) -> Double {
        var hits = 0
        for (query, found) in results.enumerated() {
            let expected = Set(truth[query * 10..<(query + 1) * 10].map { UInt32($0) })
            hits += found.prefix(10).filter { expected.contains($0) }.count
        }
        return Double(hits) / Double(max(1, results.count * 10))
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
