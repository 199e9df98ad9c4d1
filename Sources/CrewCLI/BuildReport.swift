import CrewKit
import CrewKnowledge
import Foundation

/// What `crew build` prints about each knowledge base it compiled.
enum BuildReport {
    /// One line per knowledge base: documents, chunks, sizes and where the time went.
    static func describe(_ reports: [KnowledgeReport]) -> String {
        reports.map { report in
            let o = report.output
            let bytes = o.files.values.reduce(0) { $0 + $1.count }
            let stages = ["read", "chunk", "bm25", "vectors"].compactMap { stage in
                o.seconds[stage].map { "\(stage) \(Int($0 * 1000)) ms" }
            }.joined(separator: ", ")
            let vectors = o.embedded + o.cached > 0 ? ", \(o.embedded) embedded + \(o.cached) cached" : ""
            return "  knowledge `\(report.name)`: \(o.documents) documents, \(o.chunks) chunks\(vectors), "
                + "\(ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file)) (\(stages))\n"
        }.joined()
    }
}
