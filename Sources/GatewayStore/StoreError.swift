import GRDB

/// An error from the store: what failed, on which database file, and the SQLite result code when
/// SQLite was the cause.
///
/// This is the one place where SQLite result codes become store errors. The extended result code
/// is kept (never collapsed into "unknown"), statement arguments are never included (they may carry
/// field data), and `code` lets callers branch on the cases they handle differently: a full disk
/// means "withhold the acks and retry later", a missing database means "wrong state_dir".
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// Stable codes for the failures callers act on; everything else is `.sqlite`.
    public enum Code: String, Sendable, Hashable {
        /// `StoreReader` was pointed at a path where no database file exists.
        case databaseMissing = "database_missing"
        /// The file exists but is not a utility-gateway store (or is from a newer release).
        case notAGatewayStore = "not_a_gateway_store"
        /// The database could not be opened (permissions, missing folder, not a database file).
        case cannotOpen = "cannot_open"
        /// `SQLITE_FULL`: the disk (or `max_page_count`) is full. The transaction was rolled back.
        case diskFull = "disk_full"
        /// `SQLITE_BUSY`: another process holds the write lock (a second daemon on the same file?).
        case busy = "busy"
        /// `SQLITE_READONLY`: the file or its folder is not writable.
        case readOnly = "read_only"
        /// `SQLITE_CORRUPT` / `SQLITE_NOTADB`: the file is damaged.
        case corrupt = "corrupt"
        /// `SQLITE_IOERR`: the operating system reported an I/O error.
        case ioError = "io_error"
        /// A caller passed something the store refuses (for example a meta key the store owns).
        case invalidArgument = "invalid_argument"
        /// The store was used after `close()`.
        case closed = "closed"
        /// Any other SQLite failure; `sqliteResultCode` says which.
        case sqlite = "sqlite"
    }

    public var code: Code
    /// A human sentence: what failed, and what was expected.
    public var message: String
    /// The database file concerned.
    public var path: String
    /// The store operation that failed (`open`, `commit`, `merge`, `meta.set`, `query.readings`, …).
    public var operation: String
    /// SQLite's extended result code, when SQLite reported the failure (for example 13 for
    /// `SQLITE_FULL`).
    public var sqliteResultCode: Int32?
    /// The SQL statement that failed, without its arguments.
    public var sql: String?

    public init(
        code: Code, message: String, path: String, operation: String,
        sqliteResultCode: Int32? = nil, sql: String? = nil
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.operation = operation
        self.sqliteResultCode = sqliteResultCode
        self.sql = sql
    }

    public var description: String {
        var text = "store \(operation) failed on \(path): \(message) [\(code.rawValue)"
        if let sqliteResultCode { text += ", sqlite \(sqliteResultCode)" }
        text += "]"
        if let sql { text += " — SQL: \(sql)" }
        return text
    }

    /// Whether the failure is the disk filling up; the batch can be retried once space is freed.
    public var isDiskFull: Bool { code == .diskFull }
}

extension StoreError {
    /// Maps any error thrown by GRDB/SQLite into a `StoreError` with context.
    static func wrap(_ error: any Error, path: String, operation: String) -> StoreError {
        if let storeError = error as? StoreError { return storeError }
        guard let dbError = error as? DatabaseError else {
            return StoreError(code: .sqlite, message: String(describing: error), path: path, operation: operation)
        }
        let code: Code =
            switch dbError.resultCode {
            case .SQLITE_FULL: .diskFull
            case .SQLITE_BUSY, .SQLITE_LOCKED: .busy
            case .SQLITE_READONLY: .readOnly
            case .SQLITE_CORRUPT, .SQLITE_NOTADB: .corrupt
            case .SQLITE_IOERR: .ioError
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: .cannotOpen
            default: .sqlite
            }
        return StoreError(
            code: code, message: dbError.message ?? dbError.resultCode.description, path: path,
            operation: operation, sqliteResultCode: dbError.extendedResultCode.rawValue, sql: dbError.sql)
    }

    /// Runs `body`, turning whatever it throws into a `StoreError` for `operation`.
    static func context<T>(path: String, operation: String, _ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw wrap(error, path: path, operation: operation)
        }
    }
}
