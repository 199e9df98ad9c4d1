import ArgumentParser
import CrewCore
import CrewKit
import CrewSpec
import Foundation

/// How `crew test` shows its results: a line per test and per failed assertion on a terminal, GitHub Actions
/// annotations at each failed assertion's line, and JUnit XML for CI systems.
struct TestReport {
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case text, github
    }

    let format: Format
    /// The crew's folder as given: test files are shown below it.
    let root: String

    func show(_ result: TestResult) {
        let name = TerminalText.escape(result.test.name.value)
        let time = Summary.duration(result.durationMS)
        switch result.status {
        case .passed:
            Terminal.out("PASS \(name) (\(plural(result.assertions.count, "assertion")), \(time))\n")
        case .failed:
            Terminal.out("FAIL \(name) (\(time))\n")
        case .error:
            Terminal.out("ERROR \(name): \(TerminalText.escape(result.message ?? ""))\n")
        }
        for verdict in result.assertions where !verdict.passed {
            let detail = verdict.detail.map { ": \(TerminalText.escape($0))" } ?? ""
            Terminal.out("  ✗ \(TerminalText.escape(verdict.assertion.summary))\(detail)\n")
        }
        if result.status == .failed, let message = result.message {
            Terminal.out("  (\(TerminalText.escape(message)))\n")
        }
        guard format == .github else { return }
        for verdict in result.assertions where !verdict.passed {
            annotate(
                verdict.assertion.location,
                "test `\(result.test.name.value)`: \(verdict.assertion.summary)"
                    + (verdict.detail.map { ": \($0)" } ?? ""))
        }
        if result.status == .error {
            annotate(result.test.name.location, "test `\(result.test.name.value)`: \(result.message ?? "error")")
        }
    }

    private func annotate(_ location: SourceLocation, _ message: String) {
        let escaped = message.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
        let file = location.file.replacingOccurrences(of: ",", with: "%2C")
        Terminal.out("::error file=\(file),line=\(location.line),col=\(location.column)::\(escaped)\n")
    }

    func summary(_ results: [TestResult], crew: String) {
        let passed = results.filter { $0.status == .passed }.count
        let failed = results.filter { $0.status == .failed }.count
        let errors = results.count - passed - failed
        Terminal.out(
            "\(plural(results.count, "test")) of `\(TerminalText.escape(crew))`: \(passed) passed, \(failed) failed"
                + (errors > 0 ? ", \(errors) error\(errors == 1 ? "" : "s")" : "") + "\n")
    }

    /// JUnit XML, as CI systems read it: one testsuite, a testcase per test, a failure per failed assertion.
    static func junit(_ results: [TestResult], suite: String) -> String {
        func escape(_ text: String) -> String {
            var out = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
                // Characters XML 1.0 cannot hold are dropped, whatever a model wrote.
                case _ where scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value): continue
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out
        }
        let failures = results.filter { $0.status == .failed }.count
        let errors = results.filter { $0.status == .error }.count
        let seconds = Double(results.reduce(0) { $0 + $1.durationMS }) / 1000
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites>\n"
        xml +=
            "  <testsuite name=\"\(escape(suite))\" tests=\"\(results.count)\" failures=\"\(failures)\" "
            + "errors=\"\(errors)\" time=\"\(seconds)\">\n"
        for result in results {
            let name = escape(result.test.name.value)
            xml +=
                "    <testcase name=\"\(name)\" classname=\"\(escape(suite))\" file=\"\(escape(result.test.file))\" "
                + "time=\"\(Double(result.durationMS) / 1000)\">\n"
            for verdict in result.assertions where !verdict.passed {
                let message = escape(verdict.assertion.summary)
                xml += "      <failure message=\"\(message)\">\(escape(verdict.detail ?? ""))</failure>\n"
            }
            if result.status == .error {
                xml += "      <error message=\"\(escape(result.message ?? "error"))\"/>\n"
            }
            xml += "    </testcase>\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }
}
