#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be read, in the operating system's words ("No such file or directory").
struct FileAccessError: Error, Sendable, Hashable {
    let reason: String
}

/// The few POSIX file operations the loader needs, with the OS error text kept for the message.
enum FileAccess {
    /// Reads a whole file, refusing more than `limit` bytes (a mistyped `--config /dev/zero` must not
    /// hang the daemon).
    static func readFile(_ path: String, limit: Int) -> Result<[UInt8], FileAccessError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(lastError()) }
        defer { close(fd) }
        if let problem = rejectDirectory(fd) { return .failure(problem) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(lastError())
            }
            if count == 0 { return .success(bytes) }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > limit {
                return .failure(FileAccessError(reason: "the file is larger than \(limit) bytes"))
            }
        }
    }

    /// `nil` when `path` can be opened for reading and is not a directory; otherwise why not.
    static func checkReadable(_ path: String) -> FileAccessError? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return lastError() }
        defer { close(fd) }
        return rejectDirectory(fd)
    }

    /// The working directory, absolute; `/` if it cannot be determined.
    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        let utf8 = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: utf8, as: UTF8.self)
    }

    private static func rejectDirectory(_ fd: Int32) -> FileAccessError? {
        var status = stat()
        guard fstat(fd, &status) == 0 else { return lastError() }
        if (status.st_mode & S_IFMT) == S_IFDIR { return FileAccessError(reason: describe(EISDIR)) }
        return nil
    }

    private static func lastError() -> FileAccessError {
        FileAccessError(reason: describe(errno))
    }

    private static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}

/// Turning the paths written in a configuration file into absolute paths.
enum ConfigPaths {
    /// The absolute directory that holds `file` (resolved against the working directory when `file`
    /// is relative).
    static func directory(of file: String) -> String {
        let absolute = file.hasPrefix("/") ? file : join(FileAccess.currentDirectory(), file)
        guard let slash = absolute.lastIndex(of: "/") else { return "/" }
        let directory = String(absolute[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// `path` itself when absolute, otherwise `path` inside `base`; `.` components and repeated `/`
    /// are removed (`..` is kept: lexical removal would be wrong across symbolic links).
    static func resolve(_ path: String, against base: String) -> String {
        path.hasPrefix("/") ? normalize(path) : join(base, path)
    }

    private static func join(_ base: String, _ path: String) -> String {
        normalize(base + "/" + path)
    }

    private static func normalize(_ path: String) -> String {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        let joined = components.joined(separator: "/")
        let trailing = path.hasSuffix("/") && !components.isEmpty ? "/" : ""
        return path.hasPrefix("/") ? "/" + joined + trailing : joined + trailing
    }
}
