import CrewCore
import Foundation
import Testing

@Suite struct HashingTests {
    /// FIPS 180-2's test vectors, as the lowercase hex every hash in an artifact takes.
    @Test func sha256GivesTheStandardDigestsInLowercaseHex() {
        #expect(Hashing.sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hashing.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Hashing.sha256(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func readingAFileGivesItsDigestAndSize() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hashing-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = Data(repeating: 7, count: 1_100_000) + Data("end".utf8)  // past one 1 MiB read
        try bytes.write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let read = Hashing.sha256(reading: fd)
        #expect(read?.bytes == bytes.count && read?.hex == Hashing.sha256(bytes))
    }
}
