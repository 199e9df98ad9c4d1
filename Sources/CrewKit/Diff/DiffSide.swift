import CrewBuild
import CrewCore
import CrewDocuments
import CrewTools
import Foundation

/// One side of `crew diff`: a crew's plan and the hashes of the files it was built from, read from a crew folder, a
/// build artifact, or a git revision of a crew folder.
public struct DiffSide: Sendable {
    /// How the side was named: a path, or `REV:path`.
    public var label: String
    public var document: PlanDocument
    /// Input file path (relative to the crew's folder) → SHA-256, as a manifest lists them.
    public var inputHashes: [String: String]

    public init(label: String, document: PlanDocument, inputHashes: [String: String]) {
        self.label = label
        self.document = document
        self.inputHashes = inputHashes
    }
}

extension CrewEngine {
    /// A side from `argument`: a folder that exists (then the crew, or artifact, is at `crew` below it), or else a
    /// git revision, read with `git archive` into a temporary folder (the work tree is not touched) with `crew` as
    /// the crew's path in the repository.
    public func diffSide(_ argument: String, crew: String) async throws -> DiffSide {
        if FileManager.default.fileExists(atPath: argument) {
            let path = crew == "." ? argument : FileSystem.join(argument, crew)
            if Self.isArtifact(path) { return try artifactSide(path, label: path) }
            return try folderSide(path, label: path)
        }
        return try await revisionSide(argument, crew: crew)
    }

    func artifactSide(_ folder: String, label: String) throws -> DiffSide {
        let checked = try ArtifactCheck.read(folder)
        let json: JSONValue
        do {
            json = try JSONParser.parse(checked.plan)
        } catch {
            throw CrewFailure(.r501, "plan.json in \(folder) is not JSON: \(error)")
        }
        return DiffSide(
            label: label, document: try PlanDocument.decode(json), inputHashes: Self.inputHashes(checked.manifest))
    }

    func folderSide(_ path: String, label: String) throws -> DiffSide {
        let compiled = compile(path: path)
        guard let artifact = compiled.artifact() else {
            throw CrewFailure(
                .r520, "\(label): the crew has \(compiled.diagnostics.errorCount) error(s)",
                hint: "`crew validate \(path)` lists them")
        }
        return DiffSide(label: label, document: artifact.document, inputHashes: Self.inputHashes(artifact.manifest))
    }

    static func inputHashes(_ manifest: JSONValue) -> [String: String] {
        var hashes: [String: String] = [:]
        for input in manifest["inputs"]?.arrayValue ?? [] {
            if let path = input["path"]?.stringValue, let sha = input["sha256"]?.stringValue { hashes[path] = sha }
        }
        return hashes
    }

    /// `git archive REV -- PATH` from the repository holding the current folder, unpacked into a temporary folder.
    func revisionSide(_ revision: String, crew: String) async throws -> DiffSide {
        let label = "\(revision):\(crew)"
        guard !revision.hasPrefix("-"), !revision.contains("\0") else {
            throw CrewFailure(.r510, "`\(revision)` is neither a folder nor a git revision")
        }
        let top = try await git(["rev-parse", "--show-toplevel"], in: ".", what: "find the git repository").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let prefix = try await git(["rev-parse", "--show-prefix"], in: ".", what: "find the git repository").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard let relative = FileSystem.normalize(prefix + crew), !relative.hasPrefix("..") else {
            throw CrewFailure(.r510, "the crew path `\(crew)` leaves the git repository")
        }
        _ = try await git(
            ["rev-parse", "--verify", "--quiet", revision + "^{commit}"], in: top,
            what: "read `\(revision)`: it is neither a folder nor a git revision")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("crew-diff-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let tar = scratch + "/side.tar"
        let pathspec = relative.isEmpty || relative == "." ? "." : relative
        _ = try await git(
            ["archive", "--format=tar", "-o", tar, revision, "--", pathspec], in: top,
            what: "read `\(crew)` at `\(revision)`")
        let unpacked = scratch + "/tree"
        try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
        let untar = try await ProgramRun.run("tar", ["-xf", tar, "-C", unpacked, "--no-same-owner"], in: scratch)
        guard untar.succeeded else {
            throw CrewFailure(.r510, "cannot unpack `\(crew)` at `\(revision)`: \(untar.stderr.prefix(300))")
        }
        return try folderSide(FileSystem.join(unpacked, pathspec), label: label)
    }

    private func git(_ arguments: [String], in directory: String, what: String) async throws -> ProgramRun.Result {
        let result: ProgramRun.Result
        do {
            result = try await ProgramRun.run("git", arguments, in: directory, outputLimit: 4 << 20)
        } catch {
            throw CrewFailure(.r510, "cannot \(what): \(error.message)", hint: "install git")
        }
        guard result.succeeded else {
            let said = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300)
            throw CrewFailure(.r510, "cannot \(what)" + (said.isEmpty ? "" : ": \(said)"))
        }
        return result
    }
}
