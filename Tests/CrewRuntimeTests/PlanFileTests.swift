import CrewCore
import CrewDocuments
import CrewRuntime
import CrewTestSupport
import Foundation
import Testing

/// A run folder's plan.json: the bytes the plan came with (an artifact's own file) while the document is unchanged,
/// the document written anew once anything in it changed.
@Suite struct PlanFileTests {
    static let yaml = """
        version: 1
        name: plan-file
        models:
          m: { provider: openai, model: fixed, base_url: "http://127.0.0.1:9/v1", api_key: "${env:CREW_TEST_KEY}" }
        agents:
          a: { role: R, goal: G, model: m }
        tasks:
          t: { agent: a, description: D }

        """

    @Test func aRunWritesThePlansOwnBytesUntilTheDocumentChanges() throws {
        let folder = TemporaryFolder(prefix: "crew-plan-file")
        var document = try PlanDocument.decode(try HardeningRunTests.planJSON(Self.yaml, in: folder))
        let own = Data("the artifact's own bytes".utf8)
        #expect(ExecutionPlan(document, artifactHash: "h").fileData == Data(document.fileText.utf8))
        let plain = ExecutionPlan(document, artifactHash: "h", documentFile: own)
        #expect(plain.fileData == own)
        // No model reads the environment: nothing changes, and the bytes stay.
        #expect(plain.resolvingModelEnvironment(["MODEL": "other"]).fileData == own)

        // A model named by the environment: the plan written is the resolved one.
        document.models["m"]?.environment = ModelEnvironment(model: ["MODEL"])
        let resolved = ExecutionPlan(document, artifactHash: "h", documentFile: own)
            .resolvingModelEnvironment(["MODEL": "from-env"])
        #expect(resolved.document.models["m"]?.model == "from-env")
        #expect(resolved.fileData == Data(resolved.document.fileText.utf8))

        // Any change through the plan itself drops the bytes too.
        var edited = plain
        edited.document.models["m"]?.model = "edited"
        #expect(edited.fileData == Data(edited.document.fileText.utf8))
    }
}
