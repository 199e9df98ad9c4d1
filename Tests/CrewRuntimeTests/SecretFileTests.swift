import CrewCore
import CrewTestSupport
import Foundation
import Testing

@testable import CrewRuntime

/// `${file:PATH}` names a file outside the crew on purpose (a mounted secret), so links are followed there; but only a
/// small regular file is read: a FIFO would hang the run's start and `/dev/zero` would fill memory.
@Suite struct SecretFileTests {
    @Test func aSmallRegularFileIsReadAndTrimmed() throws {
        let folder = TemporaryFolder()
        folder.write("real/key", "  sk-test-123\n")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/key", withDestinationPath: "real/key")
        #expect(ModelClients.readSecretFile(folder.path + "/key") == "sk-test-123")
    }

    @Test func fifosDevicesAndLargeFilesAreRefusedAtOnce() {
        let folder = TemporaryFolder()
        #expect(mkfifo(folder.path + "/pipe", 0o600) == 0)
        folder.write("big", String(repeating: "k", count: (64 << 10) + 1))
        let started = Date()
        for path in [folder.path + "/pipe", "/dev/zero", folder.path + "/big", folder.path, folder.path + "/none"] {
            #expect(ModelClients.readSecretFile(path) == nil, "\(path)")
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }
}
