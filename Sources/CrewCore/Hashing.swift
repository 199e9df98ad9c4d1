import Crypto
import Foundation

/// SHA-256 digests as lowercase hex, the form every hash in a build artifact takes.
public enum Hashing {
    public static func sha256(_ data: some DataProtocol) -> String {
        SHA256.hash(data: data).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    public static func sha256(_ string: String) -> String {
        sha256(Data(string.utf8))
    }
}
