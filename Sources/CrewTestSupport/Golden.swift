import Foundation

/// Golden files: compare text against a committed expectation; with CREW_RECORD=1 in the environment, write it
/// instead (then review the diff and commit).
public enum Golden {
    public static var recording: Bool { ProcessInfo.processInfo.environment["CREW_RECORD"] == "1" }

    /// Returns nil when `actual` matches the file (or was recorded), else a message with a line diff.
    public static func check(_ actual: String, against path: String) -> String? {
        if recording {
            try? FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? actual.write(toFile: path, atomically: true, encoding: .utf8)
            return nil
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            return "missing golden file \(path); run with CREW_RECORD=1 to create it"
        }
        guard expected != actual else { return nil }
        return "output differs from \(path) (CREW_RECORD=1 re-records):\n" + diff(expected, actual)
    }

    static func diff(_ expected: String, _ actual: String) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var out = ""
        for i in 0..<max(a.count, b.count) {
            let left = i < a.count ? String(a[i]) : nil
            let right = i < b.count ? String(b[i]) : nil
            if left != right {
                if let left { out += "- \(left)\n" }
                if let right { out += "+ \(right)\n" }
            }
        }
        return out
    }
}
