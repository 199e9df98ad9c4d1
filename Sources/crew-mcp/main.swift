import CrewMCP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

exit(await MCPHost.run(arguments: Array(CommandLine.arguments.dropFirst())))
