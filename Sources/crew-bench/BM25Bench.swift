import CrewKnowledge
import Foundation

/// `crew-bench bm25 [--data DIR] [--seconds S]`: builds a BM25 index over `DIR/passages.jsonl` (from
/// Benchmarks/bm25/make_corpus.py), then prints build time, load time, queries per second (one thread, one query
/// at a time, tokenization included), recall@10 and MRR@10 over `DIR/queries.jsonl`: the figures
/// Benchmarks/bm25/run_bm25s.py prints for bm25s, so the two can be compared in one run.
public enum BM25Bench {
    public static func main(arguments: [String]) throws {
        let folder = value(of: "--data", in: arguments) ?? "Benchmarks/bm25/data"
        let budget = Double(value(of: "--seconds", in: arguments) ?? "") ?? 2
        let passages = try lines(folder + "/passages.jsonl").map { try field("text", of: $0, as: String.self) }
        let queries = try lines(folder + "/queries.jsonl").map {
            (try field("query", of: $0, as: String.self), try field("answer", of: $0, as: Int.self))
        }
        var bytes: [UInt8] = []
        let build = seconds {
            var builder = BM25Builder()
            for passage in passages { builder.add(passage) }
            bytes = builder.bytes()
        }
        let path = folder + "/bm25.crewidx"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let loads = try (0..<200).map { _ in try seconds { _ = try BM25Index(path: path) } }
        let index = try BM25Index(path: path)
        let (recall, mrr) = quality(index, queries)
        let rate = throughput(index, queries.map(\.0), budget: budget)
        print("passages \(passages.count), queries \(queries.count), index \(bytes.count / 1_000_000) MB")
        print(String(format: "build %.3f s", build))
        print(String(format: "load  %.3f ms (median of 200)", loads.sorted()[loads.count / 2] * 1000))
        print(String(format: "query %.0f q/s", rate))
        print(String(format: "recall@10 %.4f  MRR@10 %.4f", recall, mrr))
    }

    static func quality(_ index: BM25Index, _ queries: [(String, Int)]) -> (Double, Double) {
        var found = 0.0
        var reciprocal = 0.0
        for (query, answer) in queries {
            let ranked = index.search(query, k: 10).map { Int($0.document) }
            if let rank = ranked.firstIndex(of: answer) {
                found += 1
                reciprocal += 1 / Double(rank + 1)
            }
        }
        let count = Double(max(queries.count, 1))
        return (found / count, reciprocal / count)
    }

    /// Runs the whole query set repeatedly until `budget` seconds have passed.
    static func throughput(_ index: BM25Index, _ queries: [String], budget: Double) -> Double {
        var done = 0
        var elapsed = 0.0
        var sink = 0
        while elapsed < budget {
            elapsed += seconds {
                for query in queries { sink &+= index.search(query, k: 10).count }
            }
            done += queries.count
        }
        if sink < 0 { print(sink) }
        return Double(done) / elapsed
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func value(of option: String, in arguments: [String]) -> String? {
        guard let index = arguments.firstIndex(of: option), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    static func lines(_ path: String) throws -> [Substring] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    }

    struct BadLine: Error { var line: Substring }

    static func field<T>(_ name: String, of line: Substring, as type: T.Type) throws -> T {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        guard let value = object?[name] as? T else { throw BadLine(line: line) }
        return value
    }
}
