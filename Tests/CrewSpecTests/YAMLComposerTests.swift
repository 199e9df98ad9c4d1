import CrewCore
import Testing

@testable import CrewSpec

/// The composer that turns libyaml's events into `YAMLNode`s: aliases, anchors, merge keys, repeated keys, a second
/// document, and the budgets an alias spends.
@Suite struct YAMLComposerTests {
    func parse(_ text: String, limits: YAMLLoader.Limits = .init()) -> (YAMLNode?, [Diagnostic]) {
        var loader = YAMLLoader()
        loader.limits = limits
        return loader.parse(text, display: "c.yaml")
    }

    func plain(_ node: YAMLNode?) -> String {
        guard let node else { return "nil" }
        switch node.kind {
        case .scalar(let text, let plain): return plain ? text : "'\(text)'"
        case .sequence(let items): return "[" + items.map(plain).joined(separator: ",") + "]"
        case .mapping(let pairs):
            return "{" + pairs.map { "\($0.keyText):\(plain($0.value))" }.joined(separator: ",") + "}"
        }
    }

    @Test func scalarsKeepTheirStyleAndPlace() throws {
        let (node, items) = parse("a: x\nb: \"y\"\nc: |\n  z\nd: [1, 'two']\n")
        #expect(items.isEmpty)
        #expect(plain(node) == "{a:x,b:'y',c:'z\n',d:[1,'two']}")
        let pairs = try #require(node?.pairs)
        #expect(pairs[1].value.location == SourceLocation(file: "c.yaml", line: 2, column: 4))
        #expect(pairs[3].value.items?[1].location == SourceLocation(file: "c.yaml", line: 5, column: 8))
        #expect(node?.location == SourceLocation(file: "c.yaml", line: 1, column: 1))
    }

    @Test func aliasesCopyTheLatestAnchorOfTheirName() {
        let (node, items) = parse("a: &x [1, 2]\nb: *x\nc: &x v\nd: *x\n")
        #expect(items.isEmpty)
        #expect(plain(node) == "{a:[1,2],b:[1,2],c:v,d:v}")
    }

    @Test(arguments: ["a: *nowhere\n", "a: &a [*a]\n", "a: [*b, &b x]\n"])
    func anAliasBeforeItsAnchorIsUndefined(_ text: String) {
        let (node, items) = parse(text)
        #expect(node == nil)
        #expect(items.map(\.code) == ["E101"])
        #expect(items.first?.message == "YAML syntax error: found undefined alias")
        #expect(items.first?.hint?.contains("define the anchor") == true)
    }

    @Test func mergeKeysAddWhatIsNotWrittenAndEarlierSourcesWin() {
        let text = "base: &b {x: 1, y: 2}\nmore: &m {y: 9, z: 3}\nc:\n  <<: [*b, *m]\n  x: 0\n"
        let (node, items) = parse(text)
        #expect(items.isEmpty)
        #expect(plain(node) == "{base:{x:1,y:2},more:{y:9,z:3},c:{x:0,y:2,z:3}}")
    }

    @Test(arguments: ["c:\n  <<: text\n", "c:\n  <<: [text]\n", "s: &s [1]\nc:\n  <<: *s\n"])
    func mergingWhatIsNotAMappingIsAnError(_ text: String) {
        let (node, items) = parse(text)
        #expect(node != nil)
        #expect(items.map(\.code) == ["E111"])
    }

    @Test func aQuotedMergeKeyIsAnOrdinaryKey() {
        #expect(plain(parse("c:\n  '<<': {x: 1}\n").0) == "{c:{<<:{x:1}}}")
    }

    @Test func repeatedKeysAreFoundWhereTheyAreWrittenAgain() throws {
        let text = "version: 1\nagents:\n  b: 1\n  a: 2\n  \"b\": 3\n  a: 4\n"
        let (node, items) = parse(text)
        #expect(node == nil)
        let item = try #require(items.first)
        #expect(items.count == 1 && item.code == "E107")
        #expect(item.message == "duplicate key `a`, `b` in one mapping")
        #expect(item.location == SourceLocation(file: "c.yaml", line: 6, column: 3))
        #expect(item.hint == "each name may appear once; the first `a` is at line 4")
        #expect(parse("{x: 1, y: {x: 2}, z: [{x: 3}]}\n").1.isEmpty, "the same key in other mappings is fine")
        #expect(parse("{k: 1, k: 2}\n").1.map(\.code) == ["E107"])
    }

    /// Many keys are compared through a set, a few pairwise: both find the same repeats, wherever they fall.
    @Test(arguments: [3, 16, 17, 40])
    func repeatedKeysAreFoundInMappingsOfAnySize(_ count: Int) throws {
        let keys = (0..<count).map { "k\($0)" }
        #expect(parse("{" + keys.map { "\($0): 1" }.joined(separator: ", ") + "}\n").1.isEmpty)
        for repeated in [0, count - 1] {
            let text = (keys + [keys[repeated]]).map { "\($0): 1\n" }.joined()
            let item = try #require(parse(text).1.first)
            #expect(item.message == "duplicate key `\(keys[repeated])` in one mapping")
            #expect(item.location?.line == count + 1)
        }
    }

    @Test func aSecondDocumentIsRefused() throws {
        let (node, items) = parse("a: 1\n---\nb: 2\n")
        #expect(node == nil)
        let item = try #require(items.first)
        #expect(
            item.message == "YAML syntax error: but found another document (expected a single document in the stream)")
        #expect(item.location?.line == 2)
    }

    @Test(arguments: ["", "# only a comment\n", "\n\n"])
    func noDocumentIsAnEmptyFile(_ text: String) {
        #expect(parse(text).1.map(\.code) == ["E106"])
    }

    @Test func aliasesSpendTheBudgetOfWhatTheyCopy() {
        var limits = YAMLLoader.Limits()
        limits.maxNodes = 20
        // 1 + (a: key + 4 nodes) + (b: key + 4) = 11 nodes; (c: key + 4) = 16; (d: key + 4) = 21.
        let text = "a: &l [x, y, z]\nb: *l\nc: *l\n"
        #expect(parse(text, limits: limits).1.isEmpty)
        let (node, items) = parse(text + "d: *l\n", limits: limits)
        #expect(node == nil && items.map(\.code) == ["E105"])
        #expect(items.first?.location == SourceLocation(file: "c.yaml", line: 4, column: 4))
        var text2 = YAMLLoader.Limits()
        text2.maxExpandedBytes = 100
        let long = String(repeating: "t", count: 40)
        #expect(parse("a: &t \(long)\nb: *t\n", limits: text2).1.isEmpty)
        #expect(parse("a: &t \(long)\nb: *t\nc: *t\n", limits: text2).1.map(\.code) == ["E105"])
    }

    @Test func syntaxErrorsSayWhereTheConstructStarts() throws {
        let (_, items) = parse("a: \"never closed\nb: 2\n")
        let item = try #require(items.first)
        #expect(item.code == "E101")
        #expect(item.hint?.hasPrefix("a quoted string is never closed: it starts at line 1, column 4") == true)
        let (_, tabbed) = parse("a:\n\tb: 1\n")
        #expect(tabbed.first?.hint == "YAML indents with spaces, never tabs")
    }
}
