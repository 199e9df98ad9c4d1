import CrewCLI
import CrewKit

// A command's async code runs on the event loops that do its HTTP I/O (EventLoopJobs), except `crew serve`'s: a
// server answering many connections keeps Swift's cooperative pool, where its tail latency stays low (under wrk, the
// p95 of a run's detail went from 15 ms to 970 ms with jobs on the event loops).
if CommandLine.arguments.dropFirst().first != "serve" {
    EventLoopJobs.takeOver()
}
await CrewCommand.runAndExit()
