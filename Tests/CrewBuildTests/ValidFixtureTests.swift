import CrewBuild
import CrewCore
import CrewTestSupport
import Foundation
import Testing

/// Valid crews compile without any diagnostic, and their artifacts match the committed `plan.json` and
/// `manifest.json` byte for byte.
@Suite struct ValidFixtureTests {
    static let folder = Fixtures.root + "/valid"

    @Test(arguments: Fixtures.cases("valid"))
    func buildsTheExpectedArtifact(_ name: String) throws {
        let (result, text) = Fixtures.diagnosticsText(Self.folder + "/" + name, relativeTo: Self.folder)
        #expect(text.isEmpty, "unexpected diagnostics:\n\(text)")
        let validated = try #require(result.validated)
        let plan = try #require(result.plan)
        let artifact = Artifact(validated: validated, plan: plan, inputFiles: Artifact.inputFiles(for: validated))
        let base = Self.folder + "/" + name.replacing(".yaml", with: "")
        let planText = String(decoding: artifact.files["plan.json"] ?? Data(), as: UTF8.self)
        if let problem = Golden.check(planText, against: base + ".plan.json") {
            Issue.record(Comment(rawValue: problem))
        }
        let manifestText = String(decoding: artifact.manifestData, as: UTF8.self)
        if let problem = Golden.check(manifestText, against: base + ".manifest.json") {
            Issue.record(Comment(rawValue: problem))
        }
    }

    @Test func examplesAreValidWithoutWarnings() throws {
        // Every folder with a crew file; `ci` holds a CI workflow that uses them.
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.examples).sorted().filter {
            FileManager.default.fileExists(atPath: Fixtures.examples + "/" + $0 + "/crew.yaml")
        }
        #expect(names.count >= 5)
        for name in names {
            let (result, text) = Fixtures.diagnosticsText(Fixtures.examples + "/" + name, relativeTo: Fixtures.examples)
            #expect(result.succeeded && text.isEmpty, "example \(name):\n\(text)")
        }
    }
}
