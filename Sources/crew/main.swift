import CrewCLI

await CrewCommand.runAndExit()
