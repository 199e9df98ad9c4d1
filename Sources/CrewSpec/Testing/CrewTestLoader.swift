import CrewCore
import CrewDocuments
import Foundation

/// Reads a crew's tests: `tests:` in its crew file, then each `tests/*.yaml` in name order (specs/testing.md). Every
/// problem is a diagnostic with its file, line and column, as `crew validate` reports a crew's; names are checked
/// against the crew (tasks, inputs, models), and schema files and cassettes must stay inside its folder.
public struct CrewTestLoader {
    public init() {}

    public struct Output {
        public var tests: [CrewTest]
        public var diagnostics: Diagnostics
    }

    static let testKeys = ["description", "inputs", "cassette", "live", "assert"]
    static let checkKeys = [
        "contains", "not_contains", "regex", "schema", "json_path", "max_tokens", "max_cost", "tool_called", "rubric",
    ]
    static let assertionKeys = ["task", "equals", "with", "judge"] + checkKeys
    /// The most test files read from `tests/`.
    static let maxFiles = 500

    public func load(_ crew: Crew, sources: SourceText) -> Output {
        let decoder = NodeDecoder(sources: sources)
        var tests: [CrewTest] = []
        var diagnostics = Diagnostics()
        var files: [String] = crew.origin == .native ? [crew.files.first?.path ?? "crew.yaml"] : []
        files += Self.testFiles(crew.root)
        for (index, file) in files.enumerated() {
            let loaded = YAMLLoader().load(
                path: FileSystem.join(crew.root, file), display: CrewLoader.display(crew.displayRoot, file),
                sources: sources)
            diagnostics.append(contentsOf: loaded.diagnostics)
            guard let node = loaded.node else { continue }
            let crewFile = index == 0 && crew.origin == .native
            tests += decodeFile(node, file: file, crewFile: crewFile, crew: crew, decoder: decoder, sources: sources)
        }
        var seen: [String: SourceLocation] = [:]
        for test in tests {
            if seen[test.name.value] != nil {
                decoder.error(.e201, "test `\(test.name.value)` is defined twice", at: test.name.location)
            }
            seen[test.name.value] = seen[test.name.value] ?? test.name.location
        }
        diagnostics.append(contentsOf: decoder.diagnostics.items)
        return Output(tests: tests, diagnostics: diagnostics)
    }

    /// `tests/*.yaml` and `*.yml`, plain files only, sorted.
    static func testFiles(_ root: String) -> [String] {
        guard let folder = try? ConfinedFolder(opening: root).folder("tests"),
            let entries = try? folder.entries()
        else { return [] }
        return entries.filter { $0.kind == .file && ($0.name.hasSuffix(".yaml") || $0.name.hasSuffix(".yml")) }
            .map { "tests/" + $0.name }.sorted().prefix(maxFiles).map { $0 }
    }

    private func decodeFile(
        _ node: YAMLNode, file: String, crewFile: Bool, crew: Crew, decoder: NodeDecoder, sources: SourceText
    ) -> [CrewTest] {
        let root = CrewDecoder.withoutExtensions(node)
        let tests: YAMLNode?
        if crewFile {
            tests = root.pairs?.first { $0.keyText == "tests" }?.value
        } else {
            tests = decoder.fields(root, "a test file", known: ["tests"], required: ["tests"])?["tests"]
        }
        guard let tests, !tests.isNull, let pairs = decoder.mapping(tests, "`tests`") else { return [] }
        return pairs.compactMap { pair in
            guard let name = decoder.name(pair.key, in: "`tests`") else { return nil }
            return decodeTest(name, pair.value, file: file, crew: crew, decoder: decoder, sources: sources)
        }
    }

    private func decodeTest(
        _ name: Located<String>, _ node: YAMLNode, file: String, crew: Crew, decoder: NodeDecoder,
        sources: SourceText
    ) -> CrewTest? {
        let what = "test `\(name.value)`"
        guard
            let fields = decoder.fields(node, what, known: Self.testKeys, required: ["assert"], owner: name.location)
        else { return nil }
        let answers = self.answers(fields, what, name, decoder)
        let inputs = inputs(fields["inputs"], what, crew: crew, decoder: decoder)
        var assertions: [TestAssertion] = []
        if let list = fields["assert"] {
            if let items = list.items {
                assertions = items.compactMap { assertion($0, crew: crew, decoder: decoder, sources: sources) }
            } else {
                decoder.typeError(list, expected: "a list of assertions", "the `assert` of \(what)")
            }
        }
        guard let answers else { return nil }
        var test = CrewTest(name: name, answers: answers, file: file)
        test.description = decoder.string(fields["description"], "the `description` of \(what)")?.value
        test.inputs = inputs
        test.assertions = assertions
        return test
    }

    /// `cassette: PATH` or `live: true`, exactly one.
    private func answers(
        _ fields: NodeDecoder.Fields, _ what: String, _ name: Located<String>, _ decoder: NodeDecoder
    ) -> CrewTest.Answers? {
        let cassette = decoder.string(fields["cassette"], "the `cassette` of \(what)")
        let live = decoder.bool(fields["live"], "`live`") ?? false
        switch (cassette, live) {
        case (let cassette?, false):
            return confined(cassette, "cassette", decoder).map(CrewTest.Answers.cassette)
        case (nil, true):
            return .live
        case (_?, true):
            decoder.error(.e210, "\(what) has both `cassette` and `live: true`", at: name.location)
        case (nil, false):
            decoder.error(
                .e113, "\(what) says neither `cassette` nor `live: true`", at: name.location,
                hint: "add `cassette: tests/\(name.value).cassette.json` and record it with `crew test --record`, or "
                    + "`live: true` to call the crew's models every time")
        }
        return nil
    }

    private func inputs(_ node: YAMLNode?, _ what: String, crew: Crew, decoder: NodeDecoder) -> [String: String] {
        guard let node, let pairs = decoder.mapping(node, "the `inputs` of \(what)") else { return [:] }
        var values: [String: String] = [:]
        for pair in pairs {
            guard let key = decoder.string(pair.key, "an input name") else { continue }
            guard crew.inputs.contains(where: { $0.name.value == key.value }) else {
                decoder.error(
                    .e202, "\(what) gives input `\(key.value)`, which the crew does not declare", at: key.location,
                    hint: Suggestions.didYouMean(key.value, in: crew.inputs.map(\.name.value)))
                continue
            }
            guard let value = pair.value.scalar else {
                decoder.typeError(pair.value, expected: "a string, number or boolean", "input `\(key.value)`")
                continue
            }
            values[key.value] = value
        }
        return values
    }

    private func assertion(_ node: YAMLNode, crew: Crew, decoder: NodeDecoder, sources: SourceText)
        -> TestAssertion?
    {
        guard let fields = decoder.fields(node, "an assertion", known: Self.assertionKeys, required: ["task"]),
            let task = decoder.string(fields["task"], "the `task` of an assertion")
        else { return nil }
        guard crew.tasks.contains(where: { $0.name.value == task.value }) else {
            decoder.error(
                .e202, "an assertion names task `\(task.value)`, which the crew does not have", at: task.location,
                hint: Suggestions.didYouMean(task.value, in: crew.tasks.map(\.name.value)))
            return nil
        }
        let given = Self.checkKeys.filter { fields[$0] != nil }
        guard given.count == 1, let key = given.first, let value = fields[key] else {
            decoder.error(
                given.isEmpty ? .e113 : .e210,
                given.isEmpty
                    ? "an assertion on `\(task.value)` checks nothing"
                    : "an assertion has \(given.map { "`\($0)`" }.joined(separator: " and ")); one check each",
                at: node.location, hint: "one of: \(Self.checkKeys.joined(separator: ", "))")
            return nil
        }
        let located = { (check: TestAssertion.Check) in
            TestAssertion(task: task.value, check: check, location: node.location)
        }
        switch key {
        case "contains": return decoder.string(value, "`contains`").map { located(.contains($0.value)) }
        case "not_contains": return decoder.string(value, "`not_contains`").map { located(.notContains($0.value)) }
        case "regex":
            guard let pattern = decoder.string(value, "`regex`") else { return nil }
            guard (try? NSRegularExpression(pattern: pattern.value)) != nil else {
                decoder.error(.e114, "`\(pattern.value)` is not a valid regular expression", at: pattern.location)
                return nil
            }
            return located(.regex(pattern.value))
        case "schema": return schema(value, crew: crew, decoder: decoder, sources: sources).map { located(.schema($0)) }
        case "json_path":
            guard let path = decoder.string(value, "`json_path`") else { return nil }
            guard JSONPath(path.value) != nil else {
                decoder.error(
                    .e114, "`\(path.value)` is not a JSON path crew reads", at: path.location,
                    hint: "`$`, then `.name` or `[index]` steps, e.g. `$.figures[0].value`")
                return nil
            }
            guard let expected = fields["equals"] else {
                decoder.error(.e113, "a `json_path` assertion needs `equals`", at: node.location)
                return nil
            }
            return JSONConversion.value(of: expected, decoder: decoder, what: "`equals`").map {
                located(.jsonPath(path.value, equals: $0))
            }
        case "max_tokens":
            return decoder.int(value, "`max_tokens`", min: 0).map { located(.maxTokens($0.value)) }
        case "max_cost":
            return decoder.double(value, "`max_cost`", min: 0).map { located(.maxCostUSD($0.value)) }
        case "tool_called":
            guard let tool = decoder.string(value, "`tool_called`") else { return nil }
            var arguments: [String: JSONValue]?
            if let with = fields["with"] {
                arguments = JSONConversion.value(of: with, decoder: decoder, what: "`with`")?.objectValue
                if arguments == nil { decoder.typeError(with, expected: "a mapping", "`with`") }
            }
            return located(.toolCalled(tool.value, arguments: arguments))
        case "rubric":
            guard let rubric = decoder.string(value, "`rubric`") else { return nil }
            guard let judge = decoder.string(fields["judge"], "`judge`") else {
                decoder.error(
                    .e113, "a `rubric` assertion needs `judge`: the crew's model that judges", at: node.location)
                return nil
            }
            guard crew.models.contains(where: { $0.name.value == judge.value }) else {
                decoder.error(
                    .e202, "judge `\(judge.value)` is not a model of the crew", at: judge.location,
                    hint: Suggestions.didYouMean(judge.value, in: crew.models.map(\.name.value)))
                return nil
            }
            return located(.rubric(rubric.value, judge: judge.value))
        default: return nil
        }
    }

    /// An inline schema (a mapping) or a schema file of the crew.
    private func schema(_ node: YAMLNode, crew: Crew, decoder: NodeDecoder, sources: SourceText) -> JSONValue? {
        if node.pairs != nil { return JSONConversion.value(of: node, decoder: decoder, what: "the schema") }
        guard let path = decoder.string(node, "`schema`") else { return nil }
        var problems = Diagnostics()
        let read = Validator.readSchemaFile(path, crew: crew, sources: sources, diagnostics: &problems)
        for problem in problems.items { decoder.diagnostics.append(problem) }
        return read?.0
    }

    /// A path inside the crew's folder, normalized; one that leaves it is E207.
    private func confined(_ path: Located<String>, _ what: String, _ decoder: NodeDecoder) -> String? {
        guard !path.value.hasPrefix("/"), let normalized = FileSystem.normalize(path.value),
            !normalized.hasPrefix(".."), !normalized.isEmpty
        else {
            decoder.error(.e207, "the \(what) `\(path.value)` is outside the crew's folder", at: path.location)
            return nil
        }
        return normalized
    }
}
