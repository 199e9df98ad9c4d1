import CrewCLI
import CrewKit

// A command's async code runs on the event loops that do its HTTP I/O (EventLoopJobs). They start on a thread of
// their own while the arguments are parsed here. `crew serve` is another program (crew-server), which keeps Swift's
// cooperative pool.
EventLoopJobs.takeOver()
let parsed = CrewCommand.parseCommand()
await CrewCommand.run(parsed)
