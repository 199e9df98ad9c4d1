import CrewCore
import Foundation
import Testing

@Suite struct LineDiffTests {
    @Test func aChangedLineIsAHunkWithItsContext() {
        let old = ["a", "b", "c", "d", "e", "f", "g", "h"]
        var new = old
        new[4] = "E"
        #expect(
            LineDiff.unified(old, new) == "@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n")
        #expect(LineDiff.unified(old, old).isEmpty)
        #expect(LineDiff.distance(old, new) == 2)
    }

    @Test func insertionsDeletionsAndFarApartChangesMakeSeparateHunks() {
        let old = (1...20).map(String.init)
        var new = old
        new.insert("new", at: 1)
        new.remove(at: 18)
        let diff = LineDiff.unified(old, new)
        #expect(diff.components(separatedBy: "@@ -").count - 1 == 2)
        #expect(diff.contains("+new\n") && diff.contains("-18\n"))
        #expect(LineDiff.unified([], ["x"]) == "@@ -1,0 +1,1 @@\n+x\n")
    }

    @Test func aHugeMiddleIsShownWholeInsteadOfCompared() {
        let old = (0..<3000).map { "old \($0)" }
        let new = (0..<3000).map { "new \($0)" }
        #expect(LineDiff.distance(old, new) == 6000)
    }
}

@Suite struct JSONPathTests {
    @Test func readsMembersIndexesAndQuotedNames() throws {
        let json = try JSONParser.parse(#"{"figures": [{"value": 42}], "a b": {"c": true}}"#)
        #expect(JSONPath("$.figures[0].value")?.value(in: json) == .int(42))
        #expect(JSONPath(#"$["a b"].c"#)?.value(in: json) == .bool(true))
        #expect(JSONPath("$")?.value(in: json) == json)
        #expect(JSONPath("$.figures[3]")?.value(in: json) == nil)
        for bad in ["figures", "$.", "$[", "$[-1]", "$..x", "$.a[b]"] { #expect(JSONPath(bad) == nil, "\(bad)") }
    }
}
