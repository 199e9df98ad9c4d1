import CrewCLI
import CrewKit

EventLoopJobs.takeOver()
await CrewCommand.runAndExit()
