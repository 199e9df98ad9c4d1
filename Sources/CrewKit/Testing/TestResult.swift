import CrewCore
import CrewSpec

/// How one test of a crew went: its run, and each assertion's verdict with what was found.
public struct TestResult: Sendable {
    public enum Status: String, Sendable {
        case passed, failed
        /// The test could not be judged: its cassette cannot be read, its inputs are wrong, the run did not start.
        case error
    }

    public var test: CrewTest
    public var status: Status
    public var runID: String?
    public var durationMS: Int
    public var assertions: [Verdict] = []
    /// Why the test is an error, or the run's own failure when assertions could not all be checked.
    public var message: String?

    public struct Verdict: Sendable {
        public var assertion: TestAssertion
        public var passed: Bool
        /// What was found, for a failure; a judge's reason for a rubric either way.
        public var detail: String?
    }
}
