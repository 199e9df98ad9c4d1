import CrewCLI

CrewCommand.runJobsOnEventLoops()
await CrewCommand.runAndExit()
