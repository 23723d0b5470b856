import GRDB
import GRDBSQLite

/// The ingest hot path binds and steps GRDB's cached statements through the C API: building a
/// `StatementArguments` array per row costs about half the insert rate (DESIGN §1, §8: 234k–274k
/// rows/s through GRDB's arguments against 527k–778k raw). Only integers and doubles are bound
/// here, so no string lifetime questions arise.
struct RawStatement {
    let statement: Statement

    init(_ statement: Statement) { self.statement = statement }

    @inline(__always) func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(statement.sqliteStatement, index, value)
    }

    @inline(__always) func bind(_ index: Int32, _ value: Double) {
        sqlite3_bind_double(statement.sqliteStatement, index, value)
    }

    /// Steps a statement that returns no row (an INSERT); throws SQLite's error with the SQL.
    @inline(__always) func run() throws {
        let handle = statement.sqliteStatement
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw failure(code) }
    }

    /// Steps a query and reports whether it produced a row.
    @inline(__always) func exists() throws -> Bool {
        let handle = statement.sqliteStatement
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw failure(code)
        }
    }

    private func failure(_ code: Int32) -> DatabaseError {
        let db = sqlite3_db_handle(statement.sqliteStatement)
        // sqlite3_reset returned the same code; the extended code and message stay on the handle.
        let extended = sqlite3_extended_errcode(db)
        let message = String(cString: sqlite3_errmsg(db))
        return DatabaseError(
            resultCode: ResultCode(rawValue: extended == 0 ? code : extended), message: message,
            sql: statement.sql)
    }
}
