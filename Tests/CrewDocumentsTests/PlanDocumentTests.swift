import CrewCore
import CrewDocuments
import CrewTestSupport
import Foundation
import Testing

/// The reading side of plan.json: every committed plan (the writing side's goldens) reads back into the values the
/// compiler meant, and writes back byte for byte.
@Suite struct PlanDocumentTests {
    static let folder = Fixtures.root + "/valid"

    static var plans: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".plan.json") }
            .sorted()
    }

    static func read(_ name: String) throws -> (text: String, document: PlanDocument) {
        let data = try #require(FileManager.default.contents(atPath: folder + "/" + name))
        let document = try PlanDocument.decode(try JSONParser.parse(Array(data)))
        return (String(decoding: data, as: UTF8.self), document)
    }

    @Test func everyGoldenPlanIsAFixture() {
        #expect(Self.plans.count >= 5)
    }

    @Test(arguments: plans)
    func aGoldenPlanReadsAndWritesBackByteForByte(_ name: String) throws {
        let (text, document) = try Self.read(name)
        #expect(document.fileText == text)
        // And a second round trip is a fixed point.
        let again = try PlanDocument.decode(try JSONParser.parse(Array(document.fileText.utf8)))
        #expect(again.fileText == text)
    }

    @Test func theFullVocabularyReadsAsTypedValues() throws {
        let plan = try Self.read("full-vocabulary.plan.json").document
        #expect(plan.maxParallel == 4 && plan.taskTimeout == 600)
        let deep = try #require(plan.models["deep"])
        #expect(deep.provider == .anthropic && deep.apiKey == .file("/run/secrets/anthropic"))
        #expect(deep.requestsPerMinute == 500 && deep.tokensPerMinute == 200_000 && deep.timeout == 120)
        let fast = try #require(plan.models["fast"])
        #expect(fast.provider == .openai && fast.apiKey == .env("OPENAI_API_KEY") && fast.price?.input == 0.15)
        #expect(fast.baseURL?.segments == [.env("OPENAI_BASE_URL")])
        let small = try #require(plan.embedders["small"])
        #expect(
            small.provider == .openai && small.dimensions == 512
                && small.identity == "openai/text-embedding-3-small/512")
        let handbook = try #require(plan.knowledge["handbook"])
        #expect(handbook.vectors == .init(index: .ivf, lists: 16, storage: .int8))
        #expect(handbook.chunkSize == 800 && handbook.chunkOverlap == 100)
        #expect(handbook.vectorsFile == "indexes/handbook.vectors")
        #expect(
            plan.tools.mapValues(\.type) == [
                "github": .mcp, "grep": .command, "remote": .mcp, "search_handbook": .knowledge, "weather": .http,
                "workspace": .file,
            ])
        let analyst = try #require(plan.agents["analyst"])
        #expect(analyst.knowledgeContext == .auto && analyst.onMaxIterations == .answer && analyst.maxIterations == 12)
        #expect(plan.agents["checker"]?.maxIterations == PlanDefaults.maxIterations)
    }

    @Test func defaultsComeFromOnePlaceWhenKeysAreAbsent() throws {
        let json = try JSONParser.parse(
            Array(
                #"""
                {"format": "crew-plan", "format_version": 1, "crew": {"name": "c"},
                 "models": {"m": {"provider": "mock", "model": "x"}},
                 "embedders": {"e": {"provider": "mock", "model": "x"}},
                 "knowledge": {"k": {"files": [], "embedder": "e", "chunk": {"size": 100}}},
                 "agents": {"a": {"role": "R", "goal": "G", "model": "m"}},
                 "tasks": [{"name": "t", "agent": "a", "model": "m", "description": "D"}]}
                """#.utf8))
        let plan = try PlanDocument.decode(json)
        #expect(plan.maxParallel == PlanDefaults.maxParallel)
        #expect(plan.agents["a"]?.maxIterations == PlanDefaults.maxIterations)
        #expect(plan.agents["a"]?.knowledgeContext == .off && plan.agents["a"]?.onMaxIterations == .fail)
        #expect(plan.knowledge["k"]?.chunkOverlap == PlanDefaults.chunkOverlap(size: 100))
        #expect(plan.knowledge["k"]?.vectors == .init(index: .auto, lists: nil, storage: .float32))
        #expect(plan.embedders["e"]?.effectiveDimensions == PlanDefaults.mockEmbedderDimensions)
        #expect(plan.crew.origin == .native && plan.tasks[0].humanReview == false)
    }

    static let broken: [(String, String)] = [
        (#"{"format": "crew-plan", "format_version": 2}"#, "plan format version 2 is not one this crew reads"),
        (#"{"format": "other", "format_version": 1}"#, "not a crew plan"),
        (#"{"format": "crew-plan", "format_version": "1"}"#, "`format_version` must be an integer"),
        (
            #"{"format": "crew-plan", "format_version": 1, "crew": {"name": "c"}, "models": {"m": {"provider": "openia", "model": "x"}}}"#,
            "`models.m.provider` must be one of `openai`, `anthropic`, `gemini`, `ollama`, `mock`"
        ),
        (
            #"{"format": "crew-plan", "format_version": 1, "crew": {"name": "c"}, "tools": {"t": {"type": "shell"}}}"#,
            "`tools.t.type` must be one of"
        ),
        (
            #"{"format": "crew-plan", "format_version": 1, "crew": {"name": "c"}, "tasks": [{"name": 7}]}"#,
            "`tasks[0].name` must be a string"
        ),
        (
            #"{"format": "crew-plan", "format_version": 1, "crew": {"name": "c"}, "models": {"m": {"provider": "openai", "model": "x", "api_key": "sk-live-123"}}}"#,
            "`models.m.api_key` must be a reference"
        ),
        (
            #"{"format": "crew-plan", "format_version": 1, "crew": {"name": "c"}, "embedders": {"e": {"provider": "mock", "model": "x", "identity": "openai/x/3"}}}"#,
            "`embedders.e.identity` is `openai/x/3`"
        ),
        (
            #"{"format": "crew-plan", "format_version": 1, "crew": {"name": "c"}, "knowledge": {"k": {"embedder": "e", "vectors": {"storage": "int4"}}}}"#,
            "`knowledge.k.vectors.storage` must be one of `float32`, `float16`, `int8`"
        ),
        (#"[1, 2]"#, "`` must be an object"),
    ]

    @Test(arguments: broken)
    func aBrokenPlanSaysWhatAndWhere(_ json: String, _ expected: String) throws {
        let parsed = try JSONParser.parse(Array(json.utf8))
        do throws(DocumentFormatError) {
            _ = try PlanDocument.decode(parsed)
            Issue.record("read: \(json)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(error.description.hasPrefix("cannot read the plan: "))
            #expect(error.code == .r501)
            #expect(!error.description.contains("sk-live-123"))
        }
    }
}
