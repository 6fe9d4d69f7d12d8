import Domain
import GRDB
import GRDBSQLite

/// A prepared statement run many times in one transaction, binding values straight into
/// SQLite. The checkpoint inserts a row per claim; GRDB's generic `StatementArguments` boxes
/// every value, which cost more than SQLite's own work there (issue 7). Used only for the
/// checkpoint's inserts; everything else goes through GRDB.
struct FastInsert {
    private let statement: Statement
    private let db: Database
    private var index: CInt = 0

    init(_ db: Database, sql: String) throws {
        self.db = db
        statement = try db.makeStatement(sql: sql)
    }

    /// `sqlite3_bind_text` copies the bytes (SQLITE_TRANSIENT), so the String may go after.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    mutating func bind(_ text: String?) {
        index += 1
        guard var text else {
            check(sqlite3_bind_null(statement.sqliteStatement, index))
            return
        }
        // An empty String may have no buffer: SQLite would take a null pointer for NULL, so
        // the empty text is bound from a literal.
        text.withUTF8 { utf8 in
            check(utf8.count == 0
                ? sqlite3_bind_text(statement.sqliteStatement, index, "", 0, Self.transient)
                : sqlite3_bind_text(statement.sqliteStatement, index,
                                    UnsafeRawPointer(utf8.baseAddress!).assumingMemoryBound(to: CChar.self),
                                    CInt(utf8.count), Self.transient))
        }
    }

    mutating func bind(_ value: Int64?) {
        index += 1
        if let value {
            check(sqlite3_bind_int64(statement.sqliteStatement, index, value))
        } else {
            check(sqlite3_bind_null(statement.sqliteStatement, index))
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

    /// Runs the statement with the values bound since the last run.
    mutating func run() throws {
        defer {
            sqlite3_reset(statement.sqliteStatement)
            sqlite3_clear_bindings(statement.sqliteStatement)
            index = 0
        }
        precondition(index == sqlite3_bind_parameter_count(statement.sqliteStatement), "every parameter is bound")
        let code = sqlite3_step(statement.sqliteStatement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
        }
    }
}
