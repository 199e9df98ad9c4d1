/// The version of the `crew` tool, written into every build artifact.
public enum CrewVersion {
    public static let current = "0.1.0"
}
