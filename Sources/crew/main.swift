import CrewCLI
import CrewKit

// A command's async code runs on the event loops that do its HTTP I/O (EventLoopJobs). `crew serve` is another
// program (crew-server), which keeps Swift's cooperative pool.
EventLoopJobs.takeOver()
await CrewCommand.runAndExit()
