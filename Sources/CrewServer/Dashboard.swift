import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// One file of the dashboard, as scripts/embed.py wrote it into the binary.
struct DashboardAsset: Sendable {
    var type: String
    var text: String
}

/// Serves the dashboard: `/` is its page, `/ui/NAME` its scripts and styles. The files are public (no data is in
/// them: the page reads everything through the API with the caller's credential). A page gets its own policy: scripts
/// and styles from this origin only, with no inline script or style, so text the page shows can never run.
enum Dashboard {
    static let policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// Each file's bytes and entity tag, made once.
    static let served: [String: (asset: DashboardAsset, body: ByteBuffer, tag: String)] = DashboardAssets.files
        .mapValues { asset in
            let digest = SHA256.hash(data: Array(asset.text.utf8)).prefix(12).map { String(format: "%02x", $0) }
            return (asset, ByteBuffer(string: asset.text), "\"\(digest.joined())\"")
        }

    static func response(_ name: String, request: Request) throws -> Response {
        guard let file = served[name] else { throw APIError.notFound("no dashboard file `\(name.prefix(64))`") }
        // Revalidated on every load (the files change with the binary), answered 304 when unchanged.
        var headers: HTTPFields = [
            .contentType: file.asset.type, .eTag: file.tag, .cacheControl: "no-cache",
            .contentSecurityPolicy: policy,
        ]
        if request.headers[.ifNoneMatch] == file.tag {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: file.body))
    }
}
