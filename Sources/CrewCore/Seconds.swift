/// Durations in seconds as a crew writes them, turned into the integer units clocks want without ever trapping:
/// validation bounds every duration, and these conversions saturate in case a plan skipped validation.
public enum Seconds {
    /// The longest duration a crew may give (a timeout, a wait): 7 days.
    public static let max: Double = 7 * 24 * 3600

    /// `seconds` clamped to 0...`max`; NaN counts as 0.
    public static func clamped(_ seconds: Double) -> Double {
        seconds.isNaN ? 0 : Swift.min(Swift.max(seconds, 0), max)
    }

    /// For `Task.sleep(nanoseconds:)`.
    public static func nanoseconds(_ seconds: Double) -> UInt64 {
        UInt64(clamped(seconds) * 1e9)
    }

    /// Whole milliseconds, saturating at `Int.max` and `Int.min`.
    public static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite else { return seconds.isNaN ? 0 : (seconds > 0 ? Int.max : Int.min) }
        let millis = (seconds * 1000).rounded()
        if millis >= Double(Int.max) { return Int.max }
        if millis <= Double(Int.min) { return Int.min }
        return Int(millis)
    }
}
