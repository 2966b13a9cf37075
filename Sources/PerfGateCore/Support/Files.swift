import Glibc

/// The files a run may read. The CLI reads this machine's disk (`LocalFiles`); a service reads
/// only the documents a request carries; a test reads memory. The spec loader, the result-file
/// sources and the token files all read through the run's `Files`, never the disk directly.
package protocol Files: Sendable {
    /// The whole file, at most `limit` bytes.
    func read(_ path: String, limit: Int) throws(FileError) -> [UInt8]
    func exists(_ path: String) -> Bool
    /// A regular file opened for streaming (a result file larger than memory); the caller closes it.
    func openRegular(_ path: String) throws(FileError) -> UnsafeMutablePointer<FILE>
    /// A document the run holds already parsed (a service's request body), so the spec loader
    /// neither writes it out nor parses it again; nil (the default) for a file to read.
    func parsedDocument(_ path: String) -> Node?
}

extension Files {
    package func parsedDocument(_ path: String) -> Node? { nil }

    /// Files held in memory stream from an anonymous temporary file: it is gone when closed, and
    /// `fclose` frees everything.
    package func openRegular(_ path: String) throws(FileError) -> UnsafeMutablePointer<FILE> {
        let bytes = try read(path, limit: Int.max)
        guard let file = tmpfile() else { throw FileError(path: path, reason: FileSystem.reason()) }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count, fflush(file) == 0 else {
            let failure = FileSystem.reason()
            fclose(file)
            throw FileError(path: path, reason: failure)
        }
        rewind(file)
        return file
    }
}

/// This machine's disk, relative paths from the run's folder.
package struct LocalFiles: Files {
    package init() {}
    package func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] { try FileSystem.read(path, limit: limit) }
    package func exists(_ path: String) -> Bool { FileSystem.exists(path) }
    package func openRegular(_ path: String) throws(FileError) -> UnsafeMutablePointer<FILE> { try FileSystem.openRegular(path) }
}
