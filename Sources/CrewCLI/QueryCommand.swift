import ArgumentParser
import CrewCore
import CrewDocuments
import CrewKit
import CrewKnowledge
import CrewRuntime
import Foundation

/// `crew query [ARTIFACT|PATH] KB "question"`: search a compiled knowledge base; `--batch` for evaluations in CI.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration.crew(
        "query", abstract: "Search a knowledge base of a crew or build artifact.")

    @Argument(help: "A build artifact folder, or a crew (built first into .crew/build).")
    var path: String

    @Argument(help: "The knowledge base's name.")
    var knowledge: String

    @Argument(help: "The question (omit with --batch).")
    var question: String?

    @Option(name: .short, help: "How many hits.")
    var k = 10

    @Option(help: "bm25, vector or hybrid (default: hybrid when the base has vectors, else bm25).")
    var mode: KnowledgeIndex.Mode?

    @Flag(help: "Print hits as JSON.")
    var json = false

    @Option(help: "A file with one query per line; prints one JSON line of hits per query.", completion: .file())
    var batch: String?

    @Option(
        help: ArgumentHelp(
            "The fields of a hit in JSON, comma-separated: rank, score, id, source, heading, lines, text "
                + "(default: all).", valueName: "list"),
        transform: HitField.list)
    var fields = Set(HitField.allCases)

    @Option(help: "Cut a hit's text in JSON to its first N characters (a cut hit has `\"cut\": true`).")
    var snippet: Int?

    func validate() throws {
        if (question == nil) == (batch == nil) { throw ValidationError("give a question or --batch FILE, not both") }
        if k < 1 || k > 1000 { throw ValidationError("-k must be between 1 and 1000") }
        if let snippet, snippet < 0 { throw ValidationError("--snippet must be 0 or more characters") }
    }

    func run() async throws {
        let folder = try await Engine.artifactFolder(for: path)
        let plan: ExecutionPlan
        do {
            plan = try Engine.shared.load(artifact: folder).plan
        } catch {
            throw Engine.fail(error)
        }
        guard plan.knowledge[knowledge] != nil else {
            let names = plan.knowledge.keys.sorted().joined(separator: ", ")
            Terminal.err("error: no knowledge base `\(knowledge)`; this crew has: \(names.isEmpty ? "none" : names)\n")
            throw ExitCode(1)
        }
        let searcher: KnowledgeSearcher
        do {
            searcher = try KnowledgeSearcher(
                plan: plan, artifact: folder, environment: Engine.shared.configuration.environment,
                transport: Engine.shared.transport)
        } catch {
            throw Engine.fail(error)
        }
        let queries = try batch.map(readBatch) ?? [question ?? ""]
        if (try? searcher.fallsBackToBM25(knowledge, mode: mode)) == true {
            Terminal.err(
                "note: knowledge base `\(knowledge)` has no vectors (it was built without an embedder), so this "
                    + "\(mode?.rawValue ?? "") search uses BM25 keywords only\n")
        }
        let shape = KnowledgeText.Shape(fields: fields, snippet: snippet)
        // Batch lines are written 64 KiB at a time: a write per query cost more than many searches.
        var pending: [UInt8] = []
        for query in queries {
            do {
                let hits = try await searcher.search(knowledge, query: query, k: k, mode: mode)
                if batch != nil {
                    KnowledgeText.appendLine(query, hits, shape, to: &pending)
                    if pending.count >= 1 << 16 {
                        Terminal.outRaw(pending)
                        pending.removeAll(keepingCapacity: true)
                    }
                } else if json {
                    Terminal.outRaw(KnowledgeText.json(hits, shape))
                } else if hits.isEmpty {
                    Terminal.out(
                        "no passage of `\(knowledge)` matched; try other words, or --mode bm25 for exact terms\n")
                } else {
                    Terminal.out(KnowledgeText.text(hits))
                }
            } catch {
                Terminal.outRaw(pending)
                await searcher.close()
                Terminal.err("error: \(error)\n")
                throw ExitCode(1)
            }
        }
        Terminal.outRaw(pending)
        await searcher.close()
    }

    private func readBatch(_ file: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: file) else {
            Terminal.err("error: cannot read \(file)\n")
            throw ExitCode(2)
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }
}

extension KnowledgeIndex.Mode: ExpressibleByArgument {}

/// How hits print.
enum KnowledgeText {
    static func text(_ hits: [KnowledgeIndex.Hit]) -> String {
        hits.map { hit in
            let heading = hit.chunk.headingPath.isEmpty ? "" : " › " + hit.chunk.headingPath.joined(separator: " › ")
            let preview = hit.chunk.text.replacingOccurrences(of: "\n", with: " ").prefix(160)
            return String(format: "%2d. %.4f  ", hit.rank, hit.score)
                + "\(hit.chunk.source):\(hit.chunk.lineStart)-\(hit.chunk.lineEnd)\(heading)\n    \(preview)\n"
        }.joined()
    }

    /// What JSON says of each hit: the fields asked for, and the text cut to `snippet` characters.
    struct Shape {
        var fields = Set(HitField.allCases)
        var snippet: Int?
    }

    static func hitJSON(_ hit: KnowledgeIndex.Hit, _ shape: Shape = Shape()) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for field in shape.fields {
            switch field {
            case .rank: members["rank"] = .int(hit.rank)
            case .score: members["score"] = .double((hit.score * 1e6).rounded() / 1e6)
            case .id: members["id"] = .string(hit.chunk.id)
            case .source: members["source"] = .string(hit.chunk.source)
            case .heading: members["heading"] = .strings(hit.chunk.headingPath)
            case .lines: members["lines"] = .array([.int(hit.chunk.lineStart), .int(hit.chunk.lineEnd)])
            case .text:
                let (text, cut) = snippet(hit.chunk.text, shape.snippet)
                members["text"] = .string(text)
                if cut { members["cut"] = .bool(true) }
            }
        }
        return .object(members)
    }

    /// `text` cut to `limit` characters (none: whole), and whether anything was cut. Counts no further than `limit`.
    static func snippet(_ text: String, _ limit: Int?) -> (String, Bool) {
        guard let limit, let end = text.index(text.startIndex, offsetBy: limit, limitedBy: text.endIndex),
            end < text.endIndex
        else { return (text, false) }
        return (String(text[..<end]), true)
    }

    static func json(_ hits: [KnowledgeIndex.Hit], _ shape: Shape = Shape()) -> String {
        JSONValue.array(hits.map { hitJSON($0, shape) }).serialized(pretty: true) + "\n"
    }

    /// One `--batch` line: what `JSONValue` would write for `{"query": …, "hits": [hitJSON…]}`, with keys in its
    /// (byte) order, written straight into `out`. Building a dictionary per hit and sorting its keys cost a third
    /// of a batch query.
    static func appendLine(_ query: String, _ hits: [KnowledgeIndex.Hit], _ shape: Shape, to out: inout [UInt8]) {
        out += #"{"hits":["#.utf8
        let wanted = Wanted(shape.fields)
        for (i, hit) in hits.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendHit(hit, wanted, shape.snippet, to: &out)
        }
        out += #"],"query":"#.utf8
        JSONValue.string(query).append(to: &out)
        out += "}\n".utf8
    }

    /// The fields asked for, looked up in the set once a line rather than once a hit.
    private struct Wanted {
        let rank, score, id, source, heading, lines, text: Bool

        init(_ fields: Set<HitField>) {
            (rank, score, id) = (fields.contains(.rank), fields.contains(.score), fields.contains(.id))
            (source, heading) = (fields.contains(.source), fields.contains(.heading))
            (lines, text) = (fields.contains(.lines), fields.contains(.text))
        }
    }

    private static func appendHit(_ hit: KnowledgeIndex.Hit, _ wanted: Wanted, _ limit: Int?, to out: inout [UInt8]) {
        let (text, cut) = wanted.text ? snippet(hit.chunk.text, limit) : ("", false)
        var first = true
        func member(_ key: String, _ value: JSONValue) {
            out += (first ? "{\"" : ",\"").utf8
            out += key.utf8
            out += "\":".utf8
            value.append(to: &out)
            first = false
        }
        let chunk = hit.chunk
        if cut { member("cut", .bool(true)) }
        if wanted.heading { member("heading", .strings(chunk.headingPath)) }
        if wanted.id { member("id", .string(chunk.id)) }
        if wanted.lines { member("lines", .array([.int(chunk.lineStart), .int(chunk.lineEnd)])) }
        if wanted.rank { member("rank", .int(hit.rank)) }
        if wanted.score { member("score", .double((hit.score * 1e6).rounded() / 1e6)) }
        if wanted.source { member("source", .string(chunk.source)) }
        if wanted.text { member("text", .string(text)) }
        out.append(UInt8(ascii: "}"))
    }
}

/// A field of a hit in `crew query`'s JSON.
enum HitField: String, CaseIterable, Sendable {
    case rank, score, id, source, heading, lines, text

    /// `--fields rank,source,text`: known names, at least one.
    static func list(_ text: String) throws -> Set<HitField> {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let fields = try names.map { name in
            guard let field = HitField(rawValue: name) else {
                throw ValidationError(
                    "unknown hit field `\(name)`; the fields are \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return field
        }
        guard !fields.isEmpty else { throw ValidationError("--fields needs at least one field") }
        return Set(fields)
    }
}
