import Testing

@testable import CrewCLI

@Suite struct SummaryFormatTests {
    /// Durations read as milliseconds below a second, as seconds with one decimal (rounded half up) below a minute,
    /// then as minutes and seconds.
    @Test(arguments: [
        (0, "0ms"), (999, "999ms"), (1000, "1.0s"), (1049, "1.0s"), (1050, "1.1s"), (1949, "1.9s"), (1950, "2.0s"),
        (12_345, "12.3s"), (59_949, "59.9s"), (59_950, "60.0s"), (60_000, "1m0s"), (3_725_000, "62m5s"),
    ])
    func durations(_ ms: Int, _ text: String) {
        #expect(Summary.duration(ms) == text)
    }
}
