import CrewCore
import Testing

@testable import CrewSpec

/// The Python tokenizer and parser that read crew.py: layout, literals, recovery from what they do not model, and
/// hostile input.
@Suite struct PythonReaderTests {
    private func parse(_ text: String) throws -> ([PyStatement], [PythonSyntaxError]) {
        let parsed = try PythonParser.parse(text, file: "crew.py")
        return (parsed.0, parsed.skipped)
    }

    private func read(_ text: String) throws -> (CrewPyFile?, [Diagnostic]) {
        var reader = CrewPyReader(file: "crew.py")
        let file = reader.read(try parse(text).0)
        return (file, reader.warnings)
    }

    @Test func bracketsJoinLinesAndIndentationMakesBlocks() throws {
        let text = "x = F(\n    a='b',\n        c=1)\n\nclass A(B):\n    \"\"\"Doc.\"\"\"\n    y: int = 2\n"
        let (statements, skipped) = try parse(text)
        #expect(skipped.isEmpty)
        #expect(statements.count == 2)
        guard case .classDef(let type) = statements[1] else { return #expect(Bool(false)) }
        #expect(type.docstring == "Doc.")
        #expect(type.location.line == 5)
    }

    @Test func stringsDecodeEscapesPrefixesAndConcatenation() throws {
        let tokens = try PythonTokenizer.tokenize(#"a = r"\d" 'x\n' b"\x41" f"{v}" '''t"q'''"#, file: "t.py")
        let strings = tokens.filter { $0.kind == .string }
        #expect(strings.map(\.value) == [#"\d"#, "x\n", "A", "{v}", #"t"q"#])
        #expect(strings.map(\.isFormatted) == [false, false, false, true, false])
        let (statements, _) = try parse("a = 'one' \"two\"\n")
        guard case .assign(_, let value) = statements[0] else { return #expect(Bool(false)) }
        #expect(value.stringValue == "onetwo")
    }

    @Test func anUnreadableStatementIsSkippedWithItsBlockAndTheRestIsRead() throws {
        let text = """
            match command:
                case "go":
                    pass
            print(*[x for x in y if x], sep=lambda: 1)
            def f[T](a: T, /, *, b: int = 3, **k) -> T:
                return a
            x = 1 if y else 2
            """
        let (statements, skipped) = try parse(text + "\n")
        #expect(skipped.isEmpty)
        let names = statements.compactMap { statement -> String? in
            if case .functionDef(let function) = statement { return function.name }
            return nil
        }
        #expect(names == ["f"])
    }

    @Test func syntaxErrorsAreLocated() {
        #expect(throws: PythonSyntaxError.self) { try PythonTokenizer.tokenize("x = 'open\n", file: "t.py") }
        do {
            _ = try PythonTokenizer.tokenize("if a:\n        b\n    c\n", file: "t.py")
            Issue.record("inconsistent dedent was accepted")
        } catch {
            #expect(error.location.line == 3)
        }
    }

    @Test func hostileNestingIsRefusedNotRecursed() {
        let deep = "x = " + String(repeating: "(", count: 10_000) + String(repeating: ")", count: 10_000) + "\n"
        #expect(throws: PythonSyntaxError.self) { try PythonTokenizer.tokenize(deep, file: "t.py") }
        let unary = "x = " + String(repeating: "-", count: 100_000) + "1\n"
        let parsed = try? PythonParser.parse(unary, file: "t.py")
        #expect(parsed?.skipped.count == 1)
        var blocks = ""
        for level in 0..<5_000 { blocks += String(repeating: " ", count: level) + "if a:\n" }
        blocks += String(repeating: " ", count: 5_000) + "pass\n"
        #expect(throws: PythonSyntaxError.self) { try PythonParser.parse(blocks, file: "t.py") }
        let nots = "x = " + String(repeating: "not ", count: 50_000) + "y\n"
        #expect((try? PythonParser.parse(nots, file: "t.py"))?.skipped.count == 1)
    }

    @Test func crewPyDecoratorsConstructorsAndNamesAreRead() throws {
        let text = """
            from crewai import Agent, Crew, Process, Task, LLM
            from crewai_tools import SerperDevTool
            from .models import Report
            search = SerperDevTool(n_results=3)
            BASE = LLM(model="anthropic/claude-sonnet-4", temperature=0.2, api_key=os.environ["MY_KEY"])

            @CrewBase
            class Team:
                agents_config = "config/a.yaml"

                @llm
                def fast(self):
                    return LLM(model="gpt-4o-mini", base_url="http://127.0.0.1:9/v1")

                @agent
                def researcher(self) -> Agent:
                    return Agent(config=self.agents_config["lead"], tools=[search], llm=BASE, max_iter=4)

                @task
                def research(self) -> Task:
                    task = Task(config=self.tasks_config["research"], agent=self.researcher(),
                                output_pydantic=Report, output_file="out/report.md", context=[])
                    return task

                @task
                def research(self) -> Task:
                    return Task(config=self.tasks_config["research_v2"], agent=self.researcher())

                @crew
                def crew(self) -> Crew:
                    return Crew(agents=self.agents, tasks=self.tasks, process=Process.hierarchical,
                                manager_llm=self.fast(), memory=True)
            """
        let (file, warnings) = try read(text + "\n")
        let crew = try #require(file)
        #expect(crew.agentsConfig?.value == "config/a.yaml")
        #expect(crew.agents.map(\.configKey?.value) == ["lead"])
        #expect(crew.agents[0].maxIterations?.value == 4)
        #expect(crew.agents[0].tools?.map(\.name.value) == ["SerperDevTool"])
        #expect(crew.agents[0].tools?.first?.module == "crewai_tools")
        #expect(crew.agents[0].tools?.first?.arguments["n_results"]?.value == .int(3))
        guard case .call(let llm)? = crew.agents[0].llm else { return #expect(Bool(false)) }
        #expect(llm.model?.value == "anthropic/claude-sonnet-4" && llm.apiKeyVariable?.value == "MY_KEY")
        // A method defined twice keeps its first place and its last body, as a Python class does.
        #expect(crew.tasks.map(\.configKey?.value) == ["research_v2"])
        #expect(crew.crew?.process?.value == .hierarchical)
        guard case .method(let manager)? = crew.crew?.managerLLM else { return #expect(Bool(false)) }
        #expect(manager.value == "fast" && crew.llms["fast"]?.baseURL != nil)
        #expect(warnings.map(\.code) == ["W406"])  // memory=True
    }

    @Test func computedValuesAreLocatedWarnings() throws {
        let text = """
            @CrewBase
            class Team:
                @agent
                def a(self) -> Agent:
                    if FAST:
                        return Agent(config=self.agents_config["a"])
                    return Agent(config=self.agents_config["b"])

                @task
                def t(self) -> Task:
                    return Task(config=self.tasks_config["t"], tools=make_tools(), output_file=f"{x}.md")
            """
        let (file, warnings) = try read(text + "\n")
        #expect(file?.agents.isEmpty == true)
        #expect(warnings.map(\.code) == ["W408", "W408", "W408"])
        #expect(warnings.map { $0.location?.line ?? 0 } == [5, 11, 11])
    }

    @Test func pydanticModelsBecomeJSONSchemas() throws {
        let text = """
            class Level(str, Enum):
                LOW = "low"
                HIGH = "high"

            class Item(BaseModel):
                name: str = Field(..., description="What it is")
                tags: List[str] = []
                level: Level
                score: float | None = None

            class Report(BaseModel):
                \"\"\"A report.\"\"\"
                items: list[Item]
                meta: Dict[str, int]
                kind: Literal["a", "b"] = Field(default="a")
                parent: Optional["Report"] = None
            """
        let statements = try parse(text + "\n").0
        var classes: [String: PyClass] = [:]
        for case .classDef(let type) in statements { classes[type.name] = type }
        var builder = PydanticSchema(classes: classes)
        let built = builder.schema(for: Located("Report", at: .file("m.py")))
        let schema = try #require(built)
        let json = schema.serialized()
        #expect(json.contains(#""description":"A report.""#))
        #expect(json.contains(#""required":["items","meta"]"#))
        #expect(json.contains(#""enum":["low","high"]"#))
        #expect(json.contains(#""name":{"description":"What it is","type":"string"}"#))
        #expect(json.contains(#""required":["name","level"]"#))
        #expect(json.contains(#""additionalProperties":{"type":"integer"}"#))
        #expect(json.contains(#""enum":["a","b"]"#))
        // The self-reference is left open, with a warning.
        #expect(builder.warnings.map(\.code) == ["W408"])
    }
}
