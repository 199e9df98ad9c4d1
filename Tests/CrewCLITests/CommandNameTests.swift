import ArgumentParser
import CrewCLI
import Testing

@Suite struct CommandNameTests {
    /// Every command names itself. ArgumentParser otherwise makes a name from the type's, through reflection and
    /// run-time protocol lookups, at every start of crew, `crew --version` included.
    @Test func everyCommandNamesItself() {
        var pending: [any ParsableCommand.Type] = [CrewCommand.self]
        var seen = 0
        while let command = pending.popLast() {
            #expect(command.configuration.commandName != nil, "\(command)")
            pending += command.configuration.subcommands
            seen += 1
        }
        #expect(seen >= 20)
    }
}
