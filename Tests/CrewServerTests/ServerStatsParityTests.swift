import CrewCore
import CrewDocuments
import CrewKit
import CrewTestSupport
import Foundation
import NIOHTTP1
import Testing

extension ServerRunsTests {
    /// `crew stats` reads the run records through `CrewEngine.analyticsEntries`; the server reads its index. For the
    /// same runs, both give the same bodies through the same `Analytics` functions, for every report.
    @Test(arguments: StoreKind.available) func theRecordsGiveTheAnalyticsTheIndexGives(store: StoreKind) async throws {
        let server = try await ServerHarness.start(store: store)
        defer { Task { await server.stop() } }
        for topic in ["a", "b"] { _ = try await server.finishedEchoRun(topic: topic) }
        let since = Date().addingTimeInterval(-3_600)
        let until = Date().addingTimeInterval(3_600)
        let query = "since=\(Timestamp.iso8601(since))&until=\(Timestamp.iso8601(until))"
        // A run's end is indexed just after its status says so.
        for _ in 0..<200 {
            let overall = try await server.request(.GET, "/v1/analytics/summary?\(query)").json?["overall"]
            if overall?["succeeded"]?.intValue == 2 { break }
            try await Task.sleep(nanoseconds: 25_000_000)
        }
        let runs = ConfinedPath(base: server.folder.path + "/data/runs")
        for report in Analytics.Report.allCases {
            let entries = CrewEngine().analyticsEntries(
                in: runs, since: Timestamp.milliseconds(since), until: Timestamp.milliseconds(until),
                tasks: report.countsTasks)
            #expect(entries.runs.count == 2 && entries.tasks.count == (report.countsTasks ? 4 : 0))
            let groups = Analytics.groups(report, runs: entries.runs, tasks: entries.tasks)
            let json = try await server.request(.GET, "/v1/analytics/\(report.rawValue)?\(query)")
            #expect(
                json.body
                    == Analytics.json(
                        report, groups, since: Timestamp.milliseconds(since), until: Timestamp.milliseconds(until)
                    ).serialized() + "\n", "\(report)")
            let csv = try await server.request(.GET, "/v1/analytics/\(report.rawValue)?\(query)&format=csv")
            #expect(csv.body == Analytics.csv(groups), "\(report)")
            #expect(csv.body.components(separatedBy: "\r\n").count >= 4, "a row per group and one per day: \(csv.body)")
        }
    }
}
