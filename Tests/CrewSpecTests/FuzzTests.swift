import CrewBuild
import CrewCore
import CrewSpec
import CrewTestSupport
import Foundation
import Testing

/// Random and mutated crews: whatever the input, compiling ends with a result, never a crash.
@Suite struct FuzzTests {
    static let seeds: [String] = {
        let valid = Fixtures.root + "/valid"
        return ["minimal.yaml", "diamond-and-chain.yaml", "fan-out/crew.yaml", "full-vocabulary/crew.yaml"].compactMap {
            try? String(contentsOfFile: valid + "/" + $0, encoding: .utf8)
        }
    }()

    static let fragments = [
        ":", "- ", "{", "}", "[", "]", "&a ", "*a", "<<: ", "\t", "\"", "'", "#", "{topic}", "{{", "${env:", "${",
        "\n  ", "\n", "? ", "|", ">", "!!binary ", "%YAML 1.1\n", "---\n", "...", "\u{0}", "é", "🦀", "null", "~",
        "version: 2", "context: [", "agent: nobody", "1e999", "-1", "0x1F",
    ]

    func mutate(_ text: String, _ rng: inout SplitMix64) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0..<(1 + Int(rng.next() % 6)) where !scalars.isEmpty {
            let at = Int(rng.next() % UInt64(scalars.count))
            switch rng.next() % 4 {
            case 0: scalars.remove(at: at)
            case 1:
                let fragment = Self.fragments[Int(rng.next() % UInt64(Self.fragments.count))]
                scalars.insert(contentsOf: fragment.unicodeScalars, at: at)
            case 2:
                let end = min(scalars.count, at + Int(rng.next() % 40))
                scalars.removeSubrange(at..<end)
            default:
                let from = Int(rng.next() % UInt64(scalars.count))
                let end = min(scalars.count, from + Int(rng.next() % 60))
                scalars.insert(contentsOf: scalars[from..<end], at: at)
            }
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    @Test(arguments: 0..<8)
    func mutatedCrewsNeverCrash(batch: Int) {
        var rng = SplitMix64(seed: UInt64(1000 + batch))
        let folder = TemporaryFolder()
        for i in 0..<150 {
            let seed = Self.seeds[Int(rng.next() % UInt64(Self.seeds.count))]
            let path = folder.write("case\(i)/crew.yaml", mutate(seed, &rng))
            let result = Compiler.compile(path: path)
            // Any outcome is fine; an error must come with a diagnostic and a crew that fails must not plan.
            #expect(result.succeeded || result.diagnostics.hasErrors)
            for diagnostic in result.diagnostics.items {
                _ = DiagnosticRenderer(color: false) { result.sources.line($0, $1) }.text(diagnostic)
            }
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(seed: 99)
        let folder = TemporaryFolder()
        for i in 0..<200 {
            let count = Int(rng.next() % 512)
            let ascii = rng.next() % 2 == 0
            let bytes = (0..<count).map { _ -> UInt8 in
                let b = UInt8(truncatingIfNeeded: rng.next())
                return ascii ? 0x20 + b % 0x5F : b
            }
            folder.write("r\(i).yaml", data: Data(bytes))
            let result = Compiler.compile(path: folder.path + "/r\(i).yaml")
            #expect(result.succeeded || result.diagnostics.hasErrors)
        }
    }
}
