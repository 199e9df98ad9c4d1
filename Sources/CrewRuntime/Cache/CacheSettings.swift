import CrewCore

/// Whether a run answers tasks from the task cache, and where the cache is (specs/cache.md).
public struct CacheSettings: Sendable {
    /// `crew run --cache`: every task the policy finds sound is cached, as with `defaults.cache: true`.
    public var requested: Bool
    /// `.crew/cache/tasks` below the crew's folder, or `--cache-dir`.
    public var folder: ConfinedPath

    public init(requested: Bool, folder: ConfinedPath) {
        self.requested = requested
        self.folder = folder
    }

    /// The cache's place below a crew's folder.
    public static let defaultFolder = ".crew/cache/tasks"
}
