import Domain
import GRDB
import GRDBSQLite

/// A prepared statement run many times, with values bound straight into SQLite and columns
/// read straight out of it. GRDB's generic `StatementArguments` and `Row` box every value: in
/// the checkpoint's inserts (a row per claim) and in a batch's history lookups (a few `IN`
/// lists per batch), that cost more than SQLite's own work (issue 7). Used only there;
/// everything else goes through GRDB.
///
/// The statement comes from the connection's cache, so each batch does not prepare its SQL
/// again; it is reset, its parameters NULL, before each use and after each run or query.
struct FastStatement {
    private let statement: Statement
    private let db: Database
    private var index: CInt = 0

    init(_ db: Database, sql: String) throws {
        self.db = db
        statement = try db.cachedStatement(sql: sql)
        reset()
    }

    private var handle: OpaquePointer { statement.sqliteStatement }

    /// Ready for the next use. A query left before its end must be reset (`defer`): a statement
    /// still stepping keeps the read transaction of its connection open, and the next read on
    /// it would see the state as it was then, not as the last commit left it.
    mutating func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        index = 0
    }

    // MARK: Binding, parameter after parameter

    /// `sqlite3_bind_text` copies the bytes (SQLITE_TRANSIENT), so the String may go after.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    mutating func bind(_ text: String?) {
        index += 1
        guard var text else {
            check(sqlite3_bind_null(handle, index))
            return
        }
        // An empty String may have no buffer: SQLite would take a null pointer for NULL, so
        // the empty text is bound from a literal.
        text.withUTF8 { utf8 in
            check(utf8.count == 0
                ? sqlite3_bind_text(handle, index, "", 0, Self.transient)
                : sqlite3_bind_text(handle, index, UnsafeRawPointer(utf8.baseAddress!).assumingMemoryBound(to: CChar.self),
                                    CInt(utf8.count), Self.transient))
        }
    }

    mutating func bind(_ value: Int64?) {
        index += 1
        if let value {
            check(sqlite3_bind_int64(handle, index, value))
        } else {
            check(sqlite3_bind_null(handle, index))
        }
    }

    /// A failed bind means a bug here (a wrong index): never run the row with a stale value.
    private func check(_ code: CInt) {
        precondition(code == SQLITE_OK, "sqlite3_bind failed (\(code)) for parameter \(index)")
    }

    mutating func bind(_ value: Int) { bind(Int64(value)) }

    /// A payee as six columns: kind, id, name, account, bank name, bank code (all NULL for none).
    mutating func bind(_ payee: Payee?) {
        bind(payee?.kind.rawValue)
        bind(payee?.id)
        bind(payee?.name)
        bind(payee?.account)
        bind(payee?.bankName)
        bind(payee?.bankCode)
    }

    // MARK: Running

    /// Runs a statement that returns no rows, with the values bound since the last run (every
    /// parameter must be).
    mutating func run() throws {
        defer { reset() }
        precondition(index == sqlite3_bind_parameter_count(handle), "every parameter is bound")
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw error(code) }
    }

    /// Steps a query to its next row; false at its end, when the statement is reset for the
    /// next use. The parameters not bound are NULL (an `IN` list's padding matches nothing).
    mutating func next() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        defer { reset() }
        guard code == SQLITE_DONE else { throw error(code) }
        return false
    }

    /// The current row's text column (`column` from 0); nil for NULL.
    func text(_ column: CInt) -> String? {
        // `column_text` before `column_bytes`, as SQLite asks: the count is of that UTF-8.
        guard let start = sqlite3_column_text(handle, column) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: start, count: Int(sqlite3_column_bytes(handle, column))),
                      as: UTF8.self)
    }

    /// The current row's integer column (`column` from 0); 0 for NULL.
    func int64(_ column: CInt) -> Int64 { sqlite3_column_int64(handle, column) }

    /// The current row's integer column (`column` from 0); nil for NULL.
    func optionalInt64(_ column: CInt) -> Int64? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
    }

    private func error(_ code: CInt) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                      sql: statement.sql)
    }
}
