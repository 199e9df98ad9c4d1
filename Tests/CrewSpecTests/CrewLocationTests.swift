import CrewCore
import CrewSpec
import CrewTestSupport
import Testing

/// What a PATH argument names: a crew file (its folder is the crew's), or a folder with `crew.yaml`.
@Suite struct CrewLocationTests {
    @Test func aFileIsFoundInItsFolder() throws {
        let folder = TemporaryFolder()
        let file = folder.write("crews/é/my crew.yaml", "version: 1\n")
        #expect(try CrewLocation.locate(file).get() == .native(root: folder.path + "/crews/é", file: "my crew.yaml"))
        folder.write("crew.yaml", "version: 1\n")
        #expect(try CrewLocation.locate(folder.path).get() == .native(root: folder.path, file: "crew.yaml"))
    }

    @Test func aMissingPathSaysSo() {
        let folder = TemporaryFolder()
        guard case .failure(let problem) = CrewLocation.locate(folder.path + "/none.yaml") else {
            Issue.record("a missing file was found")
            return
        }
        #expect(problem.message.contains("no such file or folder"))
    }
}
