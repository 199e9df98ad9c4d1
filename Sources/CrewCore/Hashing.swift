import Crypto
import Foundation

/// SHA-256 digests as lowercase hex, the form every hash in a build artifact takes.
public enum Hashing {
    public static func sha256(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    /// From the string's own bytes: `Data(String.UTF8View)` casts the view to a protocol at run time, which scans
    /// every conformance in the binary the first time.
    public static func sha256(_ string: String) -> String {
        var string = string
        return string.withUTF8 { hex(SHA256.hash(data: $0)) }
    }

    /// The digest of everything left to read from `fd`, and the byte count, read 1 MiB at a time.
    public static func sha256(reading fd: Int32) -> (hex: String, bytes: Int)? {
        var hasher = SHA256()
        var block = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let count = block.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            hasher.update(data: block[..<count])
            total += count
        }
        return (hex(hasher.finalize()), total)
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Two digits a byte, written into one buffer: chunk ids hash every chunk of a knowledge base, and a string per
    /// byte joined afterwards cost more than the hash.
    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
