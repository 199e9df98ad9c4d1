import CrewCore

/// How `crew serve` runs: which crews it serves, where it keeps its data, where it listens.
public struct ServerConfiguration: Sendable {
    /// A folder (or git checkout) whose subfolders are crews: each holds a crew.yaml or a crewAI project.
    public var crewsFolder: String
    /// Run records (`runs/`) and task output files (`outputs/<crew>/`) go below it.
    public var dataFolder: String
    public var host: String
    /// 0 lets the system choose (tests read the port back from `CrewServer.start`).
    public var port: Int
    /// The largest request body read.
    public var maxBodyBytes: Int

    public init(
        crewsFolder: String, dataFolder: String, host: String = "127.0.0.1", port: Int = 8080,
        maxBodyBytes: Int = 1 << 20
    ) {
        self.crewsFolder = crewsFolder
        self.dataFolder = dataFolder
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
    }

    var runsFolder: ConfinedPath { ConfinedPath(base: dataFolder, below: "runs") }

    func outputFolder(crew: String) -> String { FileSystem.join(FileSystem.join(dataFolder, "outputs"), crew) }

    /// Whether the address is this machine only. Until tokens exist, the server listens on nothing else.
    var isLoopback: Bool { ["127.0.0.1", "::1", "localhost"].contains(host) }
}
