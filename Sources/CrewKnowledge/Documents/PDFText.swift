import Foundation

/// PDF sources, through poppler's `pdftotext` (no PDF parser of our own: the format is vast). The program is found
/// on PATH and run directly, never through a shell, so a file name cannot inject commands. Line numbers of a PDF's
/// chunks count lines of the extracted text.
enum PDFText {
    static func extract(fullPath: String, relativePath: String, searchPath: String?) throws(DocumentError) -> String {
        guard FileManager.default.fileExists(atPath: fullPath) else {
            throw DocumentError(path: relativePath, message: "no such file; check the knowledge source's path")
        }
        guard let program = findProgram("pdftotext", searchPath: searchPath) else {
            throw DocumentError(
                path: relativePath,
                message: "reading PDF files needs the `pdftotext` program, which is not on PATH; install poppler-utils "
                    + "(apt install poppler-utils, brew install poppler) or convert the file to text")
        }
        let output = try run(program, arguments: ["-enc", "UTF-8", "-q", fullPath, "-"], path: relativePath)
        let text = try DocumentReader.decodeText(output, path: relativePath)
        return text.replacingOccurrences(of: "\u{0C}", with: "\n")  // page breaks
    }

    /// The first executable `name` in the colon-separated `searchPath`.
    static func findProgram(_ name: String, searchPath: String?) -> String? {
        for folder in (searchPath ?? "").split(separator: ":") where !folder.isEmpty {
            let candidate = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs the program and returns its standard output; a non-zero exit is an error. Standard error is discarded
    /// rather than piped, so a chatty program cannot block on a full pipe while we read its output.
    static func run(_ program: String, arguments: [String], path: String) throws(DocumentError) -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw DocumentError(path: path, message: "cannot run \(program): \(error.localizedDescription)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw DocumentError(
                path: path,
                message: "pdftotext could not read it (exit status \(process.terminationStatus)); check that it is a "
                    + "valid PDF without a password")
        }
        return [UInt8](data)
    }
}
