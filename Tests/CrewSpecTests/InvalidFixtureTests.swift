import CrewBuild
import CrewCore
import CrewTestSupport
import Foundation
import Testing

/// Golden tests: each `Tests/Fixtures/invalid/<case>` must produce exactly the diagnostics in `<case>.expected`.
@Suite struct InvalidFixtureTests {
    static let folder = Fixtures.root + "/invalid"
    static let cases = Fixtures.cases("invalid")

    @Test(arguments: cases)
    func producesExpectedDiagnostics(_ name: String) {
        let (result, text) = Fixtures.diagnosticsText(Self.folder + "/" + name, relativeTo: Self.folder)
        #expect(!result.diagnostics.items.isEmpty, "\(name) produced no diagnostics")
        let expected = Self.folder + "/" + name.replacing(".yaml", with: "") + ".expected"
        if let problem = Golden.check(text, against: expected) {
            Issue.record(Comment(rawValue: problem))
        }
    }

    @Test func thereAreEnoughCases() {
        #expect(Self.cases.count >= 40)
    }

    /// Every registered code is produced by a fixture (E103 needs a 16 MiB file: `HostileInputTests` covers it).
    @Test func everyCodeIsCovered() throws {
        var seen: Set<String> = ["E103"]
        for name in Self.cases {
            let expected = Self.folder + "/" + name.replacing(".yaml", with: "") + ".expected"
            let text = (try? String(contentsOfFile: expected, encoding: .utf8)) ?? ""
            for code in DiagnosticCodes.all.map(\.code) where text.contains("[\(code)]") { seen.insert(code) }
        }
        let missing = DiagnosticCodes.all.map(\.code).filter { !seen.contains($0) }
        #expect(missing.isEmpty, "codes without a fixture: \(missing)")
    }
}
