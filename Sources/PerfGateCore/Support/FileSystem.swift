import Glibc

/// A file that could not be read or written, with the system's reason.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    package var path: String
    package var reason: String
    /// The file exists but is not one perfgate reads (a FIFO, a device, a folder, over the size
    /// limit): invalid input, as opposed to a file that could not be opened.
    package var isInvalid: Bool
    package init(path: String, reason: String, invalid: Bool = false) {
        self.path = path
        self.reason = reason
        self.isInvalid = invalid
    }
    public var description: String { "\(path): \(reason)" }
}

/// The few file operations perfgate needs, over the C library so errors keep errno's wording.
public enum FileSystem {
    package static func reason(_ code: Int32 = errno) -> String {
        String(cString: strerror(code)).lowercased()
    }

    /// `path` as the system opens it: a relative one joined to the run's folder. Messages keep
    /// the path as it was given.
    private static func local(_ path: String) -> String { Invocation.current.local(path) }

    package static func exists(_ path: String) -> Bool { access(local(path), F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(local(path), &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether the path itself is a folder: a symbolic link to one is not.
    package static func isRealDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(local(path), &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Opens a regular file for reading. A FIFO, a device, a socket or a folder is refused at
    /// once, without reading (or, for a FIFO, waiting for a writer): nothing perfgate reads can
    /// block it forever.
    package static func openRegular(_ path: String) throws(FileError) -> UnsafeMutablePointer<FILE> {
        // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
        let descriptor = open(local(path), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: path, reason: reason()) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let failure = reason()
            close(descriptor)
            throw FileError(path: path, reason: failure)
        }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG else {
            close(descriptor)
            let what =
                kind == S_IFDIR
                ? "a directory"
                : kind == S_IFIFO
                    ? "a FIFO (named pipe)"
                    : kind == S_IFCHR
                        ? "a character device"
                        : kind == S_IFBLK ? "a block device" : kind == S_IFSOCK ? "a socket" : "not a regular file"
            throw FileError(path: path, reason: "is \(what), not a regular file; give the path of a file", invalid: true)
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        guard let file = fdopen(descriptor, "rb") else {
            let failure = reason()
            close(descriptor)
            throw FileError(path: path, reason: failure)
        }
        return file
    }

    /// The whole file, refusing files larger than `limit` bytes (and anything but a regular file).
    public static func read(_ path: String, limit: Int = 64 << 20) throws(FileError) -> [UInt8] {
        let file = try openRegular(path)
        defer { fclose(file) }
        var bytes: [UInt8] = []
        // The file's size up front: too large is refused before reading, and the buffer is
        // allocated once rather than doubled (a file reads into about its own size of memory).
        var info = stat()
        if fstat(fileno(file), &info) == 0, info.st_size > 0 {
            guard info.st_size <= limit else { throw FileError(path: path, reason: "larger than the \(limit >> 20) MiB limit", invalid: true) }
            bytes.reserveCapacity(Int(info.st_size) + 1)
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count > 0 {
                guard bytes.count + count <= limit else {
                    throw FileError(path: path, reason: "larger than the \(limit >> 20) MiB limit", invalid: true)
                }
                bytes.append(contentsOf: chunk[0..<count])
            }
            if count < chunk.count {
                if ferror(file) != 0 { throw FileError(path: path, reason: reason()) }
                return bytes
            }
        }
    }

    /// Writes through a temporary file in the same folder and renames it into place, so a reader
    /// sees either the old file or the whole new one, never half of it.
    ///
    /// The temporary is made by `mkstemp`: a random name, created exclusively (`O_CREAT|O_EXCL`,
    /// which also refuses a symbolic link planted at that name), so nobody who can write to the
    /// folder can redirect the write to another file. The rename replaces a link at `path` itself
    /// rather than writing through it.
    package static func writeAtomically(_ contents: String, to path: String) throws(FileError) {
        try writeAtomically(to: path) { write in write(contents) }
    }

    /// The same, with the contents produced in pieces: `produce` calls its argument with each.
    package static func writeAtomically(to path: String, _ produce: ((String) -> Void) -> Void) throws(FileError) {
        let folder = Path.directory(of: path)
        if !folder.isEmpty, !isDirectory(folder) { try makeDirectories(folder) }
        var template = Array("\(local(folder.isEmpty ? "." : folder))/.\(Path.lastComponent(of: path)).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw FileError(path: path, reason: reason()) }
        let temporary = String(cString: template)
        // mkstemp creates 0600; a report is as readable as any file the user creates.
        fchmod(descriptor, 0o666 & ~creationMask)
        var failure: Int32 = 0
        produce { piece in
            guard failure == 0 else { return }
            // Straight from the string's own UTF-8: nothing is copied first.
            var text = piece
            text.withUTF8 { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        return
                    }
                    offset += written
                }
            }
        }
        if failure == 0 && fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        guard failure == 0 else {
            unlink(temporary)
            throw FileError(path: path, reason: reason(failure))
        }
        guard rename(temporary, local(path)) == 0 else {
            let failure = reason()
            unlink(temporary)
            throw FileError(path: path, reason: failure)
        }
    }

    /// The process's umask, read once: reading it means setting it, which races with any other
    /// thread creating a file at that moment.
    private static let creationMask: mode_t = {
        let mask = umask(0)
        umask(mask)
        return mask
    }()

    /// Removes a file if it is there (a missing one is fine).
    package static func remove(_ path: String) { _ = unlink(local(path)) }

    /// Appends to a file (creating it), as CI platforms' command files (`$GITHUB_OUTPUT`) expect.
    package static func append(_ contents: String, to path: String) throws(FileError) {
        guard let file = fopen(local(path), "ab") else { throw FileError(path: path, reason: reason()) }
        var bytes = Array(contents.utf8)
        let written = bytes.withUnsafeMutableBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file) == 0
        guard written == bytes.count, closed else { throw FileError(path: path, reason: reason()) }
    }

    /// The names in a folder, without `.` and `..`; empty when it cannot be read.
    public static func list(_ folder: String) -> [String] {
        guard let directory = opendir(local(folder)) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Paths matching a shell glob (`*`, `?`, `[…]`), sorted; empty when none match.
    package static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        let resolved = local(pattern)
        guard Glibc.glob(resolved, 0, nil, &result) == 0 else { return [] }
        // The matches as the pattern was written: relative to the run's folder if it was.
        let added = resolved.utf8.count - pattern.utf8.count
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(String(cString: $0).utf8.dropFirst(added))! }
        }
    }

    /// The path with links and `..` resolved, or nil when it does not exist.
    package static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(local(path), nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `path` made absolute against the current directory.
    package static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : Path.resolve(path, against: currentDirectory())
    }

    /// `mkdir -p`.
    package static func makeDirectories(_ path: String) throws(FileError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(local(current), 0o755) != 0 && errno != EEXIST {
                throw FileError(path: path, reason: reason())
            }
        }
    }

    /// The run's folder (see `Invocation`), else the process's working directory.
    package static func currentDirectory() -> String {
        if let directory = Invocation.current.directory { return directory }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// String path helpers, enough for spec-relative file names.
package enum Path {
    package static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    package static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    package static func fileExtension(of path: String) -> String? {
        let name = lastComponent(of: path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        return String(name[name.index(after: dot)...]).lowercased()
    }

    /// `relative` resolved against `base` unless it is already absolute.
    package static func resolve(_ relative: String, against base: String) -> String {
        if relative.hasPrefix("/") || base.isEmpty { return relative }
        return base.hasSuffix("/") ? base + relative : base + "/" + relative
    }
}
