import AsyncHTTPClient
import CrewCore
import CrewDocuments
import CrewTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `crew stats`: the server's analytics read from run records, as a table, the server's JSON and its CSV.
@Suite struct StatsCommandTests {
    let cli = CLITests()

    /// A crew of two mock models (`scribe` writes `first`, with a price; `critic` judges `second`).
    static let crewYAML = """
        version: 1
        name: alpha
        models:
          m1: { provider: mock, model: scribe, price: { input_per_million: 10, output_per_million: 100 } }
          m2: { provider: mock, model: critic }
        agents:
          a: { role: Writer, goal: Write, model: m1 }
          b: { role: Critic, goal: Judge, model: m2 }
        tasks:
          first: { agent: a, description: Write }
          second: { agent: b, description: Judge, context: [first] }

        """

    struct TaskFigures {
        var name: String
        var status = "succeeded"
        var latencyMS: Int
        var input: Int
        var output: Int
        var cost: Double?
    }

    /// A run record to write. A `running` run gets a lock nobody holds: its process died, so it is interrupted.
    struct Recorded {
        var crew: String
        var status: String
        var start: Date
        var durationMS: Int?
        var totals: (succeeded: Int, failed: Int, input: Int, output: Int, cost: Double?)?
        var tasks: [TaskFigures] = []
        var suffix = "a000"

        /// The id crew would give it: its UTC start to the second, then four hex digits.
        var id: String {
            let time = Timestamp.iso8601(start)
            return time.prefix(10).replacingOccurrences(of: "-", with: "") + "-"
                + time.dropFirst(11).prefix(8).replacingOccurrences(of: ":", with: "") + "-" + suffix
        }
    }

    /// UTC midnight ten days ago: the records start on that day and the next, whatever the clock says.
    static let day0: Date = {
        let day = Timestamp.iso8601(Date().addingTimeInterval(-10 * 86_400)).prefix(10)
        return Timestamp.parse(day + "T00:00:00.000Z")!
    }()

    static func at(day: Int, hour: Int) -> Date { day0.addingTimeInterval(Double(day * 86_400 + hour * 3_600)) }

    static func dayText(_ offset: Int) -> String {
        String(Timestamp.iso8601(day0.addingTimeInterval(Double(offset * 86_400))).prefix(10))
    }

    /// `--since DAY0 --until DAY0+3`: the window of `fixture`'s four runs.
    static var window: [String] { ["--since", dayText(0), "--until", dayText(3)] }

    static func write(_ run: Recorded, in runs: String, plan: Data?) throws {
        let folder = runs + "/" + run.id
        try FileManager.default.createDirectory(atPath: folder + "/tasks", withIntermediateDirectories: true)
        let finished = run.durationMS.map { run.start.addingTimeInterval(Double($0) / 1000) }
        let totals = run.totals.map { totals in
            JSONValue.object(dropping: [
                ("succeeded", .int(totals.succeeded)), ("failed", .int(totals.failed)), ("skipped", .int(0)),
                ("reused", .int(0)), ("not_run", .int(0)), ("input_tokens", .int(totals.input)),
                ("output_tokens", .int(totals.output)), ("cost_usd", totals.cost.map(JSONValue.double)),
            ])
        }
        let record = JSONValue.object(dropping: [
            ("id", .string(run.id)), ("crew", .string(run.crew)),
            ("artifact_sha256", .string(String(repeating: "ab", count: 32))), ("inputs", .object([:])),
            ("status", .string(run.status)), ("started_at", .string(Timestamp.iso8601(run.start))),
            ("finished_at", finished.map { .string(Timestamp.iso8601($0)) }), ("attempts", .int(1)),
            ("tasks", .array(run.tasks.map { .string($0.name) })), ("totals", totals),
        ])
        try Data(record.serialized(pretty: true).utf8).write(to: URL(fileURLWithPath: folder + "/run.json"))
        if run.status == "running" { _ = FileManager.default.createFile(atPath: folder + "/lock", contents: nil) }
        if let plan { try plan.write(to: URL(fileURLWithPath: folder + "/plan.json")) }
        for task in run.tasks {
            try FileManager.default.createDirectory(
                atPath: folder + "/tasks/" + task.name, withIntermediateDirectories: true)
            let result = JSONValue.object(dropping: [
                ("status", .string(task.status)), ("latency_ms", .int(task.latencyMS)),
                ("input_tokens", .int(task.input)), ("output_tokens", .int(task.output)),
                ("cost_usd", task.cost.map(JSONValue.double)), ("requests", .int(1)),
            ])
            try Data(result.serialized().utf8).write(
                to: URL(fileURLWithPath: folder + "/tasks/" + task.name + "/result.json"))
        }
    }

    /// The plan.json of `crewYAML`, as `crew build` writes it.
    func plan() async throws -> Data {
        let crew = TemporaryFolder(prefix: "crew-stats-plan")
        crew.write("crew.yaml", Self.crewYAML)
        let built = try await cli.crew(["build", crew.path, "-o", crew.path + "/out"])
        #expect(built.status == 0, "\(built.stderr)")
        return try #require(FileManager.default.contents(atPath: crew.path + "/out/plan.json"))
    }

    /// A crew folder whose `.crew/runs` holds, in the window DAY0 to DAY0+3:
    /// - alpha, DAY0 01:00, succeeded in 1000 ms; first 400 ms (60/6 tokens, $0.0006), second 500 ms (40/4)
    /// - alpha, DAY0 02:00, succeeded in 3000 ms; first 1000 ms (120/12, $0.0012), second 1800 ms (80/8)
    /// - beta, DAY1 01:00, failed in 8000 ms; first 2000 ms (200/20, $0.002), second failed 5000 ms (100/10)
    /// - beta, DAY1 02:00, left running by a dead process (interrupted); first 700 ms (10/1, $0.0001)
    /// and, outside it, alpha two days before DAY0, and a run folder whose run.json is not JSON.
    func fixture(plan given: Data? = nil) async throws -> TemporaryFolder {
        var plan = given
        if plan == nil { plan = try await self.plan() }
        let folder = TemporaryFolder(prefix: "crew-stats")
        folder.write("crew.yaml", Self.crewYAML)
        let runs = folder.path + "/.crew/runs"
        let records = [
            Recorded(
                crew: "alpha", status: "succeeded", start: Self.at(day: 0, hour: 1), durationMS: 1000,
                totals: (2, 0, 100, 10, 0.001),
                tasks: [
                    TaskFigures(name: "first", latencyMS: 400, input: 60, output: 6, cost: 0.0006),
                    TaskFigures(name: "second", latencyMS: 500, input: 40, output: 4),
                ]),
            Recorded(
                crew: "alpha", status: "succeeded", start: Self.at(day: 0, hour: 2), durationMS: 3000,
                totals: (2, 0, 200, 20, 0.002),
                tasks: [
                    TaskFigures(name: "first", latencyMS: 1000, input: 120, output: 12, cost: 0.0012),
                    TaskFigures(name: "second", latencyMS: 1800, input: 80, output: 8),
                ]),
            Recorded(
                crew: "beta", status: "failed", start: Self.at(day: 1, hour: 1), durationMS: 8000,
                totals: (1, 1, 300, 30, 0.003),
                tasks: [
                    TaskFigures(name: "first", latencyMS: 2000, input: 200, output: 20, cost: 0.002),
                    TaskFigures(name: "second", status: "failed", latencyMS: 5000, input: 100, output: 10),
                ]),
            Recorded(
                crew: "beta", status: "running", start: Self.at(day: 1, hour: 2), durationMS: nil, totals: nil,
                tasks: [TaskFigures(name: "first", latencyMS: 700, input: 10, output: 1, cost: 0.0001)]),
            Recorded(
                crew: "alpha", status: "succeeded", start: Self.at(day: -2, hour: 5), durationMS: 99,
                totals: (2, 0, 5, 5, 0.5), tasks: [TaskFigures(name: "first", latencyMS: 99, input: 5, output: 5)]),
        ]
        for record in records { try Self.write(record, in: runs, plan: plan) }
        let corrupt = Recorded(crew: "x", status: "succeeded", start: Self.at(day: 0, hour: 3), suffix: "dead").id
        folder.write(".crew/runs/\(corrupt)/run.json", "{not json")
        return folder
    }

    /// The table's rows after the header, each cut at runs of spaces (an empty cell disappears).
    func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n").dropFirst().map { $0.split(separator: " ").map(String.init) }
    }

    func json(_ output: CLITests.Output) throws -> JSONValue {
        #expect(output.status == 0, "\(output.stderr)")
        return try JSONParser.parse(Array(output.stdout.utf8))
    }

    @Test func theSummaryAndItsDaysHaveExactFigures() async throws {
        let folder = try await fixture()
        let table = try await cli.crew(["stats", folder.path] + Self.window)
        #expect(table.status == 0, "\(table.stderr)")
        let header = try #require(table.stdout.split(separator: "\n").first)
        #expect(
            header.split(separator: " ").joined(separator: " ") == "scope runs succeeded failed success p50 p95 "
                + "tokens in tokens out cost")
        // Four runs (the crashed one counts, as interrupted); 2 of the 3 that ended succeeded; durations 1, 3, 8 s:
        // p50 is the 2nd of 3 by nearest rank, p95 the 3rd.
        #expect(rows(table.stdout) == [["all", "4", "2", "1", "66.7%", "3.0s", "8.0s", "600", "60", "$0.0060"]])

        let days = try await cli.crew(["stats", folder.path, "--by", "day"] + Self.window)
        #expect(
            rows(days.stdout) == [
                ["all", "4", "2", "1", "66.7%", "3.0s", "8.0s", "600", "60", "$0.0060"],
                [Self.dayText(0), "2", "2", "0", "100.0%", "1.0s", "3.0s", "300", "30", "$0.0030"],
                [Self.dayText(1), "2", "0", "1", "0.0%", "8.0s", "8.0s", "300", "30", "$0.0030"],
            ], "\(days.stdout)")

        let summary = try json(try await cli.crew(["stats", folder.path, "--format", "json"] + Self.window))
        #expect(summary["since"]?.stringValue == Self.dayText(0) + "T00:00:00.000Z")
        #expect(summary["until"]?.stringValue == Self.dayText(3) + "T00:00:00.000Z")
        let overall = try #require(summary["overall"])
        #expect(overall["runs"]?.intValue == 4 && overall["succeeded"]?.intValue == 2)
        #expect(overall["failed"]?.intValue == 1 && overall["success_rate"]?.doubleValue == 0.6667)
        #expect(overall["p50_ms"]?.intValue == 3000 && overall["p95_ms"]?.intValue == 8000)
        #expect(overall["input_tokens"]?.intValue == 600 && overall["output_tokens"]?.intValue == 60)
        #expect(overall["cost_usd"]?.doubleValue == 0.006)
        let perDay = summary["days"]?.arrayValue ?? []
        #expect(perDay.map { $0["day"]?.stringValue } == [Self.dayText(0), Self.dayText(1)])
        #expect(perDay.map { $0["p95_ms"]?.intValue } == [3000, 8000])
        // --by day is the summary's days: the same report in JSON.
        let byDay = try await cli.crew(["stats", folder.path, "--by", "day", "--format", "json"] + Self.window)
        #expect(try json(byDay) == summary)

        let csv = try await cli.crew(["stats", folder.path, "--format", "csv"] + Self.window)
        #expect(
            csv.stdout
                == [
                    "group,day,runs,succeeded,failed,success_rate,p50_ms,p95_ms,input_tokens,output_tokens,cost_usd",
                    "all,all,4,2,1,0.6667,3000,8000,600,60,0.006",
                    "all,\(Self.dayText(0)),2,2,0,1.0,1000,3000,300,30,0.003",
                    "all,\(Self.dayText(1)),2,0,1,0.0,8000,8000,300,30,0.003",
                ].joined(separator: "\r\n") + "\r\n")
    }

    @Test func byCrewModelAndTaskHaveExactFigures() async throws {
        let folder = try await fixture()
        let crews = try await cli.crew(["stats", folder.path, "--by", "crew"] + Self.window)
        #expect(crews.stdout.hasPrefix("crew "))
        #expect(
            rows(crews.stdout) == [
                ["all", "4", "2", "1", "66.7%", "3.0s", "8.0s", "600", "60", "$0.0060"],
                ["alpha", "2", "2", "0", "100.0%", "1.0s", "3.0s", "300", "30", "$0.0030"],
                ["beta", "2", "0", "1", "0.0%", "8.0s", "8.0s", "300", "30", "$0.0030"],
            ], "\(crews.stdout)")

        // Seven task executions: scribe wrote `first` four times (400, 700, 1000, 2000 ms), critic judged `second`
        // three times (500, 1800, 5000 ms; one failed).
        let models = try await cli.crew(["stats", folder.path, "--by", "model"] + Self.window)
        #expect(models.stdout.hasPrefix("model "))
        #expect(models.stdout.split(separator: "\n").first?.contains(" tasks ") == true)
        #expect(
            rows(models.stdout) == [
                ["all", "7", "6", "1", "85.7%", "1.0s", "5.0s", "610", "61", "$0.0039"],
                ["mock/critic", "3", "2", "1", "66.7%", "1.8s", "5.0s", "220", "22", "-"],
                ["mock/scribe", "4", "4", "0", "100.0%", "700ms", "2.0s", "390", "39", "$0.0039"],
            ], "\(models.stdout)")

        let tasks = try await cli.crew(["stats", folder.path, "--by", "task"] + Self.window)
        #expect(tasks.stdout.hasPrefix("crew "))
        #expect(
            rows(tasks.stdout) == [
                ["all", "7", "6", "1", "85.7%", "1.0s", "5.0s", "610", "61", "$0.0039"],
                ["alpha", "first", "2", "2", "0", "100.0%", "400ms", "1.0s", "180", "18", "$0.0018"],
                ["alpha", "second", "2", "2", "0", "100.0%", "500ms", "1.8s", "120", "12", "-"],
                ["beta", "first", "2", "2", "0", "100.0%", "700ms", "2.0s", "210", "21", "$0.0021"],
                ["beta", "second", "1", "0", "1", "0.0%", "5.0s", "5.0s", "100", "10", "-"],
            ], "\(tasks.stdout)")

        let byCrew = try json(
            try await cli.crew(["stats", folder.path, "--by", "crew", "--format", "json"] + Self.window))
        let crewList = byCrew["crews"]?.arrayValue ?? []
        #expect(crewList.map { $0["crew"]?.stringValue } == ["alpha", "beta"])
        #expect(crewList.map { $0["overall"]?["success_rate"]?.doubleValue } == [1, 0])
        #expect(crewList.map { $0["overall"]?["cost_usd"]?.doubleValue } == [0.003, 0.003])

        let byModel = try json(
            try await cli.crew(["stats", folder.path, "--by", "model", "--format", "json"] + Self.window))
        let modelList = byModel["models"]?.arrayValue ?? []
        #expect(modelList.map { $0["model"]?.stringValue } == ["mock/critic", "mock/scribe"])
        #expect(modelList.map { $0["overall"]?["p50_ms"]?.intValue } == [1800, 700])
        #expect(modelList.map { $0["overall"]?["p95_ms"]?.intValue } == [5000, 2000])
        #expect(modelList.map { $0["overall"]?["cost_usd"] } == [.null, .double(0.0039)])

        let byTask = try json(
            try await cli.crew(["stats", folder.path, "--by", "task", "--format", "json"] + Self.window))
        let taskList = byTask["tasks"]?.arrayValue ?? []
        #expect(taskList.map { $0["crew"]?.stringValue } == ["alpha", "alpha", "beta", "beta"])
        #expect(taskList.map { $0["task"]?.stringValue } == ["first", "second", "first", "second"])
        #expect(taskList.map { $0["overall"]?["runs"]?.intValue } == [2, 2, 2, 1])
        #expect(taskList.map { $0["days"]?.arrayValue?.count } == [1, 1, 1, 1])

        let csv = try await cli.crew(["stats", folder.path, "--by", "crew", "--format", "csv"] + Self.window)
        #expect(
            csv.stdout.split(separator: "\r\n").dropFirst() == [
                "alpha,all,2,2,0,1.0,1000,3000,300,30,0.003",
                "alpha,\(Self.dayText(0)),2,2,0,1.0,1000,3000,300,30,0.003",
                "beta,all,2,0,1,0.0,8000,8000,300,30,0.003", "beta,\(Self.dayText(1)),2,0,1,0.0,8000,8000,300,30,0.003",
            ], "\(csv.stdout)")
    }

    @Test func theRunsFolderIsTheCrewsOrRunsDirAndNotBoth() async throws {
        let folder = try await fixture()
        let byPath = try await cli.crew(["stats", folder.path, "--by", "crew"] + Self.window)
        let byFile = try await cli.crew(["stats", folder.path + "/crew.yaml", "--by", "crew"] + Self.window)
        let byOption = try await cli.crew(
            ["stats", "--runs-dir", folder.path + "/.crew/runs", "--by", "crew"] + Self.window)
        let here = try await cli.crew(["stats", "--by", "crew"] + Self.window, in: folder.path)
        #expect(byPath.status == 0 && rows(byPath.stdout).count == 3)
        #expect(byFile.stdout == byPath.stdout && byOption.stdout == byPath.stdout && here.stdout == byPath.stdout)
        let both = try await cli.crew(["stats", folder.path, "--runs-dir", folder.path + "/.crew/runs"])
        #expect(both.status == 2 && both.stderr.contains("give a crew folder or --runs-dir, not both"))
        let missing = try await cli.crew(["stats", folder.path + "/nope"])
        #expect(missing.status == 2 && missing.stderr.contains("no crew folder or file at"))
    }

    @Test func sinceTakesDurationsDatesAndTimes() async throws {
        let folder = TemporaryFolder(prefix: "crew-stats-since")
        let now = Date()
        let ago: [Double] = [20 * 60, 3 * 3_600, 2 * 86_400, 10 * 86_400]
        for (index, seconds) in ago.enumerated() {
            try Self.write(
                Recorded(
                    crew: "c", status: "succeeded", start: now.addingTimeInterval(-seconds),
                    durationMS: 10, totals: (0, 0, 1, 1, nil), suffix: "b00\(index)"),
                in: folder.path + "/.crew/runs", plan: nil)
        }
        func counted(_ arguments: [String]) async throws -> Int? {
            let out = try await cli.crew(["stats", folder.path, "--format", "json"] + arguments)
            #expect(out.status == 0, "\(arguments): \(out.stderr)")
            return try JSONParser.parse(Array(out.stdout.utf8))["overall"]?["runs"]?.intValue
        }
        #expect(try await counted([]) == 3, "the default is 7d")
        #expect(try await counted(["--since", "30m"]) == 1)
        #expect(try await counted(["--since", "24h"]) == 2)
        #expect(try await counted(["--since", "7d"]) == 3)
        #expect(try await counted(["--since", "2w"]) == 4)
        #expect(try await counted(["--since", "1d", "--until", "1h"]) == 1)
        let fiveDaysAgo = String(Timestamp.iso8601(now.addingTimeInterval(-5 * 86_400)).prefix(10))
        #expect(try await counted(["--since", fiveDaysAgo]) == 3)
        #expect(try await counted(["--since", Timestamp.iso8601(now.addingTimeInterval(-3_600))]) == 1)
        let offset = ISO8601DateFormatter()
        offset.timeZone = TimeZone(secondsFromGMT: 2 * 3_600)
        offset.formatOptions = [.withInternetDateTime]
        let inParis = offset.string(from: now.addingTimeInterval(-4 * 3_600))
        #expect(inParis.hasSuffix("+02:00"))
        #expect(try await counted(["--since", inParis]) == 2)

        let json = try await cli.crew(["stats", folder.path, "--format", "json", "--since", fiveDaysAgo])
        #expect(try JSONParser.parse(Array(json.stdout.utf8))["since"]?.stringValue == fiveDaysAgo + "T00:00:00.000Z")
    }

    @Test func badValuesAreUsageErrorsThatNameTheOptionAndTheForms() async throws {
        let folder = TemporaryFolder(prefix: "crew-stats-bad")
        for bad in ["7x", "-7d", "0d", "d", "7", "1.5d", "seven", "2026-13-01", "2026-02-30", "9999999w"] {
            let out = try await cli.crew(["stats", folder.path, "--since=\(bad)"])
            #expect(out.status == 2, "--since \(bad)")
            #expect(out.stderr.contains("--since must be a duration back from now like 7d, 24h, 30m or 2w"), "\(bad)")
            #expect(out.stderr.contains("2026-12-04T10:00:00Z"))
        }
        let empty = try await cli.crew(["stats", folder.path, "--since="])
        #expect(empty.status == 2 && empty.stderr.contains("--since") && empty.stderr.contains("7d, 24h, 30m or 2w"))
        let until = try await cli.crew(["stats", folder.path, "--until", "yesterday"])
        #expect(until.status == 2 && until.stderr.contains("--until must be a duration back from now like 7d"))
        let order = try await cli.crew(["stats", folder.path, "--since", "1d", "--until", "2d"])
        #expect(order.status == 2 && order.stderr.contains("must be before --until"))
        let by = try await cli.crew(["stats", folder.path, "--by", "week"])
        #expect(by.status == 2 && by.stderr.contains("crew") && by.stderr.contains("day"))
        let format = try await cli.crew(["stats", folder.path, "--format", "yaml"])
        #expect(format.status == 2 && format.stderr.contains("csv"))
        #expect(by.stdout.isEmpty && format.stdout.isEmpty && order.stdout.isEmpty)
    }

    @Test func noRunsIsATableMessageAndValidEmptyJSONAndCSV() async throws {
        let folder = TemporaryFolder(prefix: "crew-stats-empty")
        let table = try await cli.crew(["stats", folder.path, "--since", "2026-01-01"])
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("no runs since 2026-01-01T00:00:00.000Z in "), "\(table.stdout)")
        let summary = try json(try await cli.crew(["stats", folder.path, "--format", "json"]))
        #expect(summary["overall"]?["runs"]?.intValue == 0 && summary["overall"]?["p50_ms"] == .null)
        #expect(summary["overall"]?["success_rate"] == .null && summary["days"]?.arrayValue?.isEmpty == true)
        let crews = try json(try await cli.crew(["stats", folder.path, "--by", "crew", "--format", "json"]))
        #expect(crews["crews"]?.arrayValue?.isEmpty == true && crews["since"]?.stringValue != nil)
        let csv = try await cli.crew(["stats", folder.path, "--by", "task", "--format", "csv"])
        #expect(csv.status == 0)
        #expect(
            csv.stdout
                == "group,day,runs,succeeded,failed,success_rate,p50_ms,p95_ms,input_tokens,output_tokens,cost_usd\r\n")
        let byDay = try await cli.crew(["stats", folder.path, "--by", "day"])
        #expect(byDay.status == 0 && byDay.stdout.hasPrefix("no runs since "))
    }

    @Test func hostileNamesAreEscapedOnTheTerminalAndDefusedInCSV() async throws {
        let folder = TemporaryFolder(prefix: "crew-stats-hostile")
        let hostile = "=cmd|' /C calc'!A0,\u{1b}[2J\u{1b}]0;owned\u{07}\u{202e}"
        try Self.write(
            Recorded(
                crew: hostile, status: "succeeded", start: Date().addingTimeInterval(-60), durationMS: 1500,
                totals: (1, 0, 3, 4, nil), tasks: [TaskFigures(name: "first", latencyMS: 1400, input: 3, output: 4)]),
            in: folder.path + "/.crew/runs", plan: nil)
        for by in ["crew", "task"] {
            let table = try await cli.crew(["stats", folder.path, "--by", by])
            #expect(table.status == 0)
            #expect(
                !table.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })
            #expect(table.stdout.contains(#"=cmd|' /C calc'!A0,\x1b[2J\x1b]0;owned\x07\u{202e}"#), "\(table.stdout)")
        }
        let csv = try await cli.crew(["stats", folder.path, "--by", "crew", "--format", "csv"])
        let row = try #require(csv.stdout.split(separator: "\r\n").dropFirst().first)
        // A leading ' keeps a spreadsheet from running it; the comma makes it a quoted field.
        #expect(row.hasPrefix("\"'=cmd|' /C calc'!A0,\u{1b}[2J"), "\(row)")
        #expect(row.hasSuffix(",all,1,1,0,1.0,1500,1500,3,4,"))
        let tasks = try await cli.crew(["stats", folder.path, "--by", "task", "--format", "csv"])
        #expect(tasks.stdout.split(separator: "\r\n").dropFirst().first?.hasPrefix("\"'=cmd|") == true)
        let json = try json(try await cli.crew(["stats", folder.path, "--by", "crew", "--format", "json"]))
        #expect(json["crews"]?.arrayValue?.first?["crew"]?.stringValue == hostile)
    }

    @Test func aRealRunIsCountedWithItsRecordedFigures() async throws {
        let folder = TemporaryFolder(prefix: "crew-stats-run")
        folder.write("crew.yaml", Self.crewYAML)
        for _ in 0..<2 { #expect(try await cli.crew(["run", folder.path, "--quiet"]).status == 0) }
        let runs = folder.path + "/.crew/runs"
        let records = try FileManager.default.contentsOfDirectory(atPath: runs).map { id in
            try JSONParser.parse(Array(try #require(FileManager.default.contents(atPath: runs + "/\(id)/run.json"))))
        }
        #expect(records.count == 2)
        let input = records.compactMap { $0["totals"]?["input_tokens"]?.intValue }.reduce(0, +)
        let output = records.compactMap { $0["totals"]?["output_tokens"]?.intValue }.reduce(0, +)
        let cost = records.compactMap { $0["totals"]?["cost_usd"]?.doubleValue }.reduce(0, +)
        let durations = records.compactMap { $0["duration_ms"]?.intValue }.sorted()
        #expect(input > 0 && output > 0 && cost > 0 && durations.count == 2)
        let summary = try json(try await cli.crew(["stats", folder.path, "--since", "30m", "--format", "json"]))
        let overall = summary["overall"]
        #expect(overall?["runs"]?.intValue == 2 && overall?["succeeded"]?.intValue == 2)
        #expect(overall?["success_rate"]?.doubleValue == 1)
        #expect(overall?["p50_ms"]?.intValue == durations[0] && overall?["p95_ms"]?.intValue == durations[1])
        #expect(overall?["input_tokens"]?.intValue == input && overall?["output_tokens"]?.intValue == output)
        #expect(overall?["cost_usd"]?.doubleValue == (cost * 1_000_000).rounded() / 1_000_000)
        let models = try json(
            try await cli.crew(["stats", folder.path, "--since", "30m", "--by", "model", "--format", "json"]))
        #expect(models["models"]?.arrayValue?.map { $0["model"]?.stringValue } == ["mock/critic", "mock/scribe"])
        #expect(models["models"]?.arrayValue?.map { $0["overall"]?["runs"]?.intValue } == [2, 2])
        let table = try await cli.crew(["stats", folder.path, "--since", "30m"])
        #expect(rows(table.stdout).first?.prefix(5) == ["all", "2", "2", "0", "100.0%"])
        #expect(rows(table.stdout).first?.suffix(3) == [String(input), String(output), String(format: "$%.4f", cost)])
    }

    /// The same records read by `crew serve` (into its index) and by `crew stats`: the bodies are equal byte for
    /// byte, for every report, in JSON and in CSV.
    @Test func jsonAndCSVAreWhatCrewServeAnswersForTheSameRuns() async throws {
        let plan = try await plan()
        let folder = TemporaryFolder(prefix: "crew-stats-serve")
        folder.write("crews/alpha/crew.yaml", Self.crewYAML)
        let fixture = try await fixture(plan: plan)
        let runs = folder.path + "/data/runs"
        try FileManager.default.createDirectory(atPath: folder.path + "/data", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture.path + "/.crew/runs", toPath: runs)
        let serve = try await ServeProcess.start(
            binary: CLITests.binary, arguments: [folder.path + "/crews", "--data", folder.path + "/data"],
            environment: [:], logFolder: folder.path)
        defer { kill(serve.process.processIdentifier, SIGKILL) }
        let query = "since=\(Self.dayText(0))&until=\(Self.dayText(3))"
        func get(_ path: String) async throws -> String {
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(serve.port)\(path)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.status.code == 200, "\(path)")
            return String(buffer: try await response.body.collect(upTo: 1 << 20))
        }
        // The server indexes the records it finds when it starts.
        var tries = 0
        while try await !get("/v1/analytics/summary?\(query)").contains(#""runs":4"#), tries < 200 {
            tries += 1
            try await Task.sleep(nanoseconds: 25_000_000)
        }
        let reports: [(String, [String])] = [
            ("summary", []), ("crews", ["--by", "crew"]), ("models", ["--by", "model"]), ("tasks", ["--by", "task"]),
        ]
        for (report, by) in reports {
            for format in ["json", "csv"] {
                let served = try await get("/v1/analytics/\(report)?\(query)&format=\(format)")
                let printed = try await cli.crew(
                    ["stats", "--runs-dir", runs, "--format", format] + by + Self.window)
                #expect(printed.status == 0, "\(printed.stderr)")
                #expect(printed.stdout == served, "\(report) \(format)")
                #expect(served.count > 150, "\(report) \(format): \(served)")
            }
        }
        #expect(try await get("/v1/analytics/summary?\(query)").contains(#""runs":4"#))
    }
}
