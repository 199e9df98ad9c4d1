import CrewCLI

CrewCommand.runAndExit()
