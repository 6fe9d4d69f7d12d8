import CSQLite
import Domain
import Foundation
import GRDB

/// The durable run state: one SQLite database in WAL mode (GRDB). Every checkpointed chunk is
/// one transaction, so the state is always at a checkpoint, whatever instant a run was killed.
///
/// A pool of two connections: one writes, one reads, and in WAL mode a read does not wait for
/// a write. A chunk's checkpoint commits on its own thread while the next batch's history is
/// read (issue 7: at 1,000,000 claims the run waited 40 s for commits before it could read).
/// A read sees the state as of the last commit that ended before it began.
public final class StateStore: @unchecked Sendable {
    public let path: String
    let db: DatabasePool

    public init(path: String) throws {
        _ = Self.sqliteSetUp
        self.path = path
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // A chunk's lookups and inserts land all over the indexes of a state that grows by
            // a million claims a night: page caches of 20 MiB (writer) and 12 MiB (reader) keep
            // their upper levels in memory (the leaves come from the OS's file cache). They are
            // the largest part of a run's memory besides the roster, hence not larger (issue 7:
            // under 200 MB at 1,000,000 claims).
            try db.execute(sql: db.configuration.readonly ? "PRAGMA cache_size = -12288" : "PRAGMA cache_size = -20480")
            // In WAL mode, NORMAL syncs at checkpoints rather than at every commit: a killed
            // process loses nothing (the OS has the pages); a power cut may lose the last
            // chunks, which a resume redoes, since the result logs are cut back to the
            // committed lengths and the staged files are synced before they count.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A chunk's commit dirties thousands of index pages all over the file. With the
            // default WAL checkpoint every 1,000 pages, nearly every commit also copied its pages
            // into the database file (and synced it); every 10,000 pages (40 MB of WAL), a page
            // that several chunks change is copied once. Measured on 100,000 claims: 17% fewer
            // bytes written by the run, and less system time (issue 7).
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
        }
        config.maximumReaderCount = 1
        db = try DatabasePool(path: path, configuration: config)
        try Self.migrator.migrate(db)
    }

    /// Once per process, before the first connection: SQLite stops counting its memory under a
    /// global mutex. The history reads and the checkpoint's commit run on two threads at once,
    /// and every SQLite malloc of one waited for the other's (issue 7).
    private static let sqliteSetUp: Void = { _ = medclaims_sqlite3_stop_counting_memory() }()

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        // "v1" is the schema as first released. A later change is a new migration ("v2"...),
        // never an edit of this one: workspaces keep their state across versions.
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE run (
                    id TEXT PRIMARY KEY,
                    seq INTEGER NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    phase TEXT NOT NULL,
                    started_at TEXT NOT NULL,
                    ended_at TEXT,
                    policy_version TEXT NOT NULL,
                    reference_json TEXT NOT NULL,
                    claims_done INTEGER NOT NULL DEFAULT 0,
                    results_bytes INTEGER NOT NULL DEFAULT 0,
                    rejected_bytes INTEGER NOT NULL DEFAULT 0,
                    totals_json TEXT NOT NULL
                );
                CREATE TABLE run_file (
                    run_id TEXT NOT NULL REFERENCES run(id),
                    position INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    source_path TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    bytes INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    error TEXT,
                    refusal_line INTEGER,
                    refusal_column INTEGER,
                    refusal_expected TEXT,
                    refusal_found TEXT,
                    claims INTEGER NOT NULL DEFAULT 0,
                    next_offset INTEGER NOT NULL DEFAULT 0,
                    next_ordinal INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (run_id, position)
                );
                -- Content already taken by a run (never taken twice); reprocessing does not record here.
                CREATE TABLE taken_content (
                    sha256 TEXT PRIMARY KEY,
                    run_id TEXT NOT NULL,
                    name TEXT NOT NULL
                );
                CREATE TABLE claim (
                    setl_id TEXT PRIMARY KEY,
                    run_id TEXT NOT NULL,
                    file_position INTEGER NOT NULL,
                    ordinal INTEGER NOT NULL,
                    fixmedins_code TEXT,
                    mdtrt_id TEXT,
                    invoice_no TEXT,
                    psn_no TEXT,
                    status TEXT NOT NULL,
                    reason TEXT,
                    payable INTEGER NOT NULL,
                    payee_kind TEXT,
                    payee_id TEXT,
                    payee_name TEXT,
                    payee_account TEXT,
                    payee_bank_name TEXT,
                    payee_bank_code TEXT,
                    transfer_id TEXT
                );
                CREATE INDEX claim_visit ON claim(fixmedins_code, mdtrt_id);
                CREATE INDEX claim_run_payee ON claim(run_id, payee_kind, payee_id) WHERE payable > 0;
                CREATE INDEX claim_transfer ON claim(transfer_id) WHERE transfer_id IS NOT NULL;
                -- One approved claim per invoice, ever: the ledger's guard against paying twice.
                CREATE TABLE approved_invoice (
                    fixmedins_code TEXT NOT NULL,
                    invoice_no TEXT NOT NULL,
                    setl_id TEXT NOT NULL UNIQUE,
                    PRIMARY KEY (fixmedins_code, invoice_no)
                ) WITHOUT ROWID;
                CREATE TABLE stay (
                    psn_no TEXT NOT NULL,
                    begndate INTEGER NOT NULL,
                    enddate INTEGER NOT NULL,
                    setl_id TEXT NOT NULL
                );
                CREATE INDEX stay_person ON stay(psn_no);
                CREATE TABLE accumulator (
                    psn_no TEXT NOT NULL,
                    year INTEGER NOT NULL,
                    value TEXT NOT NULL,  -- AccumulatorText
                    PRIMARY KEY (psn_no, year)
                ) WITHOUT ROWID;
                CREATE TABLE account (
                    psn_no TEXT PRIMARY KEY,
                    balance INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE transfer (
                    end_to_end_id TEXT PRIMARY KEY,
                    run_id TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    payee_kind TEXT NOT NULL,
                    payee_id TEXT NOT NULL,
                    amount INTEGER NOT NULL CHECK (amount > 0),
                    claims INTEGER NOT NULL,
                    released INTEGER NOT NULL DEFAULT 0,
                    UNIQUE (run_id, payee_kind, payee_id),
                    UNIQUE (run_id, seq)
                );
                """)
        }
        // "v2": the ledger keeps, at every checkpoint, each payee's running sum of the run's
        // payable claims (`payee_total`), and a transfer carries what its payment files say:
        // the payee as recorded on its first claim and the settlement ids its remittance names.
        // Paying then reads one row per payee. Under v1 it read every payable claim twice in
        // payee order, a random read each, through the claim_run_payee index, which every
        // checkpoint also had to update (issue 7: 13 s of a 1,000,000-claim run).
        // A v1 state may hold a run killed before paying (its payee sums are made here from
        // its claims so far) or one killed while paying (its unreleased transfers get their
        // payees and ids here; six ids: what the remittance named then and names now).
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE payee_total (
                    run_id TEXT NOT NULL,
                    payee_kind TEXT NOT NULL,
                    payee_id TEXT NOT NULL,
                    amount INTEGER NOT NULL,
                    claims INTEGER NOT NULL,
                    payee_name TEXT,
                    payee_account TEXT,
                    payee_bank_name TEXT,
                    payee_bank_code TEXT,
                    setl_ids TEXT NOT NULL,  -- the first six, in claim order, space-separated
                    PRIMARY KEY (run_id, payee_kind, payee_id)
                ) WITHOUT ROWID;
                -- Every unfinished run's payable claims so far, summed per payee; with MIN(rowid),
                -- the payee's columns come from its first claim.
                INSERT INTO payee_total (run_id, payee_kind, payee_id, amount, claims, payee_name, payee_account,
                                         payee_bank_name, payee_bank_code, setl_ids)
                    SELECT run_id, payee_kind, payee_id, amount, claims, payee_name, payee_account, payee_bank_name,
                           payee_bank_code, ''
                    FROM (
                        SELECT run_id, payee_kind, payee_id, SUM(payable) AS amount, COUNT(*) AS claims, MIN(rowid),
                               payee_name, payee_account, payee_bank_name, payee_bank_code
                        FROM claim
                        WHERE payable > 0 AND run_id IN (SELECT id FROM run WHERE phase != 'completed')
                        GROUP BY run_id, payee_kind, payee_id);
                UPDATE payee_total SET setl_ids = (
                    SELECT group_concat(setl_id, ' ') FROM (
                        SELECT c.setl_id FROM claim c
                        WHERE c.run_id = payee_total.run_id AND c.payee_kind = payee_total.payee_kind
                            AND c.payee_id = payee_total.payee_id AND c.payable > 0
                        ORDER BY c.rowid LIMIT 6));
                -- A run killed while paying: its unreleased transfers take their payees and ids
                -- from those sums, and the run keeps no sums (its transfers are recorded).
                ALTER TABLE transfer ADD COLUMN payee_name TEXT;
                ALTER TABLE transfer ADD COLUMN payee_account TEXT;
                ALTER TABLE transfer ADD COLUMN payee_bank_name TEXT;
                ALTER TABLE transfer ADD COLUMN payee_bank_code TEXT;
                ALTER TABLE transfer ADD COLUMN setl_ids TEXT;
                UPDATE transfer SET (payee_name, payee_account, payee_bank_name, payee_bank_code, setl_ids) = (
                    SELECT p.payee_name, p.payee_account, p.payee_bank_name, p.payee_bank_code, p.setl_ids
                    FROM payee_total p
                    WHERE p.run_id = transfer.run_id AND p.payee_kind = transfer.payee_kind
                        AND p.payee_id = transfer.payee_id)
                WHERE released = 0;
                DELETE FROM payee_total WHERE run_id IN (SELECT run_id FROM transfer);
                -- Nothing reads claims by payee any more; claim.transfer_id was never written.
                DROP INDEX claim_run_payee;
                DROP INDEX claim_transfer;
                """)
        }
        // "v3": a person's accumulators, account balance and stays become one row (`person`),
        // and so does their running payable sum in the run that last paid them (the `pay_`
        // columns; `payee_total` keeps institutions'). A checkpoint wrote, for each person an
        // approved claim moved, a random page of `accumulator`, `account`, `stay` (by its
        // `stay_person` index) and `payee_total`: at 1,000,000 claims most of what the run
        // wrote to SQLite (issue 7).
        // A person's `pay_` columns count only while `pay_run` is the run paying: the next run
        // that pays them starts the sum again, so a run's transfers need no clean-up after.
        migrator.registerMigration("v3") { db in
            try db.execute(sql: """
                CREATE TABLE person (
                    psn_no TEXT PRIMARY KEY,
                    years TEXT NOT NULL,  -- PersonText: accumulators, a line per year
                    balance INTEGER,      -- the personal account's; NULL: no claim moved it yet
                    stays TEXT NOT NULL,  -- PersonText: approved inpatient stays, a line each
                    pay_run TEXT,
                    pay_amount INTEGER NOT NULL DEFAULT 0,
                    pay_claims INTEGER NOT NULL DEFAULT 0,
                    pay_name TEXT,
                    pay_account TEXT,
                    pay_bank_name TEXT,
                    pay_bank_code TEXT,
                    pay_setl_ids TEXT     -- the first six, in claim order, space-separated
                ) WITHOUT ROWID;
                -- Paying reads the run's persons in id order (the index holds psn_no after
                -- pay_run), not every person the state ever paid.
                CREATE INDEX person_pay_run ON person(pay_run);
                """)
            // Person by person (a cursor, so memory stays flat whatever the state's size), with
            // the same statements for each.
            let persons = try String.fetchCursor(db, sql: "SELECT psn_no FROM accumulator UNION SELECT psn_no FROM account "
                                                      + "UNION SELECT psn_no FROM stay")
            let years = try db.cachedStatement(sql: "SELECT year, value FROM accumulator WHERE psn_no = ?")
            let balance = try db.cachedStatement(sql: "SELECT balance FROM account WHERE psn_no = ?")
            let stays = try db.cachedStatement(sql: "SELECT setl_id, begndate, enddate FROM stay WHERE psn_no = ?")
            let insert = try db.cachedStatement(sql: "INSERT INTO person (psn_no, years, balance, stays) VALUES (?, ?, ?, ?)")
            while let psnNo = try persons.next() {
                var person = PersonState()
                for row in try Row.fetchAll(years, arguments: [psnNo]) {
                    person.years[row[0]] = try AccumulatorText.decode(row[1])
                }
                person.accountBalance = try Fen.fetchOne(balance, arguments: [psnNo])
                for row in try Row.fetchAll(stays, arguments: [psnNo]) {
                    person.addStay(ApprovedStay(setlId: row[0], begndate: Day(ordinal: row[1]), enddate: Day(ordinal: row[2])))
                }
                try insert.execute(arguments: [psnNo, PersonText.encodeYears(person.years), person.accountBalance,
                                               PersonText.encodeStays(person.stays)])
            }
            // Only an unfinished run has payee sums (paying turns them into transfers), and
            // only one run is unfinished at a time.
            let runs = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT run_id) FROM payee_total WHERE payee_kind = 'person'")
            guard runs ?? 0 <= 1 else { throw LedgerError(message: "payee sums of \(runs!) unfinished runs") }
            try db.execute(sql: """
                INSERT INTO person (psn_no, years, stays, pay_run, pay_amount, pay_claims, pay_name, pay_account,
                                    pay_bank_name, pay_bank_code, pay_setl_ids)
                    SELECT payee_id, '', '', run_id, amount, claims, payee_name, payee_account, payee_bank_name,
                           payee_bank_code, setl_ids
                    FROM payee_total WHERE payee_kind = 'person'
                    ON CONFLICT (psn_no) DO UPDATE SET
                        pay_run = excluded.pay_run, pay_amount = excluded.pay_amount, pay_claims = excluded.pay_claims,
                        pay_name = excluded.pay_name, pay_account = excluded.pay_account,
                        pay_bank_name = excluded.pay_bank_name, pay_bank_code = excluded.pay_bank_code,
                        pay_setl_ids = excluded.pay_setl_ids;
                DELETE FROM payee_total WHERE payee_kind = 'person';
                DROP TABLE accumulator;
                DROP TABLE account;
                DROP TABLE stay;
                """)
        }
        // "v4": a run's payment files are released once, and that is one row of
        // `payment_release`, not a flag on each of its transfers: at 1,000,000 claims, marking
        // 178,600 transfer rows released rewrote their pages (about 45 MB through the WAL and
        // back), 0.3 s of a resume of about 12 s (issue 7). A run whose transfers were all
        // released gets its row. The column `transfer.released` stays, and is no longer
        // written or read (it is 0 on every transfer from v4 on): dropping it rewrote every
        // transfer of every past run in this one transaction, tens of millions of rows in a
        // year of national runs.
        migrator.registerMigration("v4") { db in
            try db.execute(sql: """
                CREATE TABLE payment_release (run_id TEXT PRIMARY KEY REFERENCES run(id)) WITHOUT ROWID;
                INSERT INTO payment_release (run_id)
                    SELECT run_id FROM transfer GROUP BY run_id HAVING MIN(released) = 1;
                """)
        }
        return migrator
    }

    // MARK: Runs

    public func unfinishedRun() throws -> RunRecord? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM run WHERE phase != 'completed' ORDER BY seq LIMIT 1")
                .map(Self.runRecord)
        }
    }

    public func runs() throws -> [RunRecord] {
        try db.read { db in try Row.fetchAll(db, sql: "SELECT * FROM run ORDER BY seq").map(Self.runRecord) }
    }

    public func nextRunSequence() throws -> Int {
        try db.read { db in (try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM run") ?? 0) + 1 }
    }

    /// Records a new run and its planned files in one transaction.
    public func createRun(_ run: RunRecord, files: [RunFileRecord]) throws {
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO run (id, seq, kind, phase, started_at, ended_at, policy_version, reference_json,
                    claims_done, results_bytes, rejected_bytes, totals_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run.id, run.seq, run.kind.rawValue, run.phase.rawValue, run.startedAt, run.endedAt,
                                 run.policyVersion, run.referenceJSON, run.claimsDone, run.resultsBytes,
                                 run.rejectedBytes, run.totalsJSON])
            for file in files { try Self.insert(file, db) }
        }
    }

    public func updateRun(_ run: RunRecord) throws {
        try db.write { db in try Self.update(run, db) }
    }

    public func files(of runId: String) throws -> [RunFileRecord] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run_file WHERE run_id = ? ORDER BY position", arguments: [runId])
                .map(Self.fileRecord)
        }
    }

    /// Updates a file's outcome; `takenContent` also remembers its content as taken.
    public func updateFile(_ file: RunFileRecord, rememberContent: Bool = false) throws {
        try db.write { db in
            try Self.update(file, db)
            if rememberContent {
                try db.execute(sql: "INSERT OR IGNORE INTO taken_content (sha256, run_id, name) VALUES (?, ?, ?)",
                               arguments: [file.sha256, file.runId, file.name])
            }
        }
    }

    /// The run and name that took this content before, if any.
    public func takenContent(sha256: String) throws -> (runId: String, name: String)? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT run_id, name FROM taken_content WHERE sha256 = ?", arguments: [sha256])
                .map { (runId: $0["run_id"], name: $0["name"]) }
        }
    }

    // MARK: What a chunk of claims reads, in one go
    //
    // The run reads a chunk's claims ahead and asks for everything they will look up at once:
    // a few `IN (...)` queries per chunk instead of several point lookups per claim (issue 7).
    // They bind and read through `FastStatement`, and group their keys by bytes without an
    // array per key: through GRDB's rows and arguments, and with `[UInt8]` keys, the Swift
    // side of a lookup cost as much as SQLite's (at 100,000 claims, 6 interleaved runs each,
    // the batches' lookups took a median of 1.52 s before, 1.35 s after).

    /// The keys a chunk of claims will look up.
    public struct HistoryKeys: Sendable {
        /// (fixmedins_code, invoice_no) of valid claims.
        public var invoices: [PairKey] = []
        /// `psn_no` of valid claims.
        public var persons: [String] = []
        /// (fixmedins_code, mdtrt_id) of every claim that has both.
        public var visits: [PairKey] = []

        public init() {}
        public var isEmpty: Bool { invoices.isEmpty && persons.isEmpty && visits.isEmpty }
    }

    /// What the state holds for those keys; a key that is absent has nothing stored.
    public struct HistoryRows: Sendable {
        public var invoices: [PairKey: String] = [:]
        /// By the bytes of `psn_no`, as SQLite keys `person`.
        public var persons: [ByteText: PersonState] = [:]
        public var visits: [PairKey: (setlId: String, status: ClaimStatus)] = [:]
    }

    /// SQLite allows 32,766 bound variables; batches stay far below.
    static let batch = 512

    public func history(_ keys: HistoryKeys) throws -> HistoryRows {
        var rows = HistoryRows()
        guard !keys.isEmpty else { return rows }
        try db.read { db in
            // Invoices and visits: by hospital, then the second key in a batch, so both use
            // their (fixmedins_code, ...) index.
            for (code, numbers) in Self.grouped(keys.invoices) {
                try Self.select(db, "SELECT invoice_no, setl_id FROM approved_invoice "
                                + "WHERE fixmedins_code = ? AND invoice_no IN", first: code, in: numbers) { row in
                    rows.invoices[PairKey(code, row.text(0)!)] = row.text(1)!
                }
            }
            for (code, ids) in Self.grouped(keys.visits) {
                // rowid order: the last row of a visit is its latest result.
                try Self.select(db, "SELECT mdtrt_id, setl_id, status FROM claim WHERE fixmedins_code = ? AND mdtrt_id IN",
                                first: code, in: ids, then: "ORDER BY rowid") { row in
                    rows.visits[PairKey(code, row.text(0)!)] = (row.text(1)!, ClaimStatus(rawValue: row.text(2)!) ?? .rejected)
                }
            }
            try Self.select(db, "SELECT psn_no, years, balance, stays FROM person WHERE psn_no IN",
                            in: Self.unique(keys.persons)) { row in
                rows.persons[ByteText(row.text(0)!)] = PersonState(years: try PersonText.decodeYears(row.text(1)!),
                                                         accountBalance: row.optionalInt64(2),
                                                         stays: try PersonText.decodeStays(row.text(3)!))
            }
        }
        return rows
    }

    /// Runs `sql`, which ends in `IN`, with a list of `keys` (in batches; `first` bound before
    /// them, `suffix` after the list), and hands `row` each row found.
    private static func select(_ db: Database, _ sql: String, first: String? = nil, in keys: [String],
                               then suffix: String = "", row: (FastStatement) throws -> Void) throws {
        for part in keys.chunked(batch) {
            var query = try FastStatement(db, sql: sql + " " + placeholders(part.count) + " " + suffix)
            defer { query.reset() }  // also when `row` throws
            if let first { query.bind(first) }
            for key in part { query.bind(key) }
            while try query.next() { try row(query) }
        }
    }

    /// An IN list for `count` values, rounded up to a power of two, so that each query has a
    /// handful of SQL texts whose prepared statements are reused; the parameters left unbound
    /// are NULL, which matches nothing.
    static func placeholders(_ count: Int) -> String {
        "(" + Array(repeating: "?", count: listLength(count)).joined(separator: ",") + ")"
    }

    static func listLength(_ count: Int) -> Int {
        var length = 1
        while length < count { length *= 2 }
        return length
    }

    /// The values without repeats, by their bytes (as SQLite compares them), in first-met order.
    static func unique(_ values: [String]) -> [String] {
        var seen = Set<ByteText>()
        return values.filter { seen.insert(ByteText($0)).inserted }
    }

    /// Second keys grouped by first key (by bytes, as SQLite compares them), each list without
    /// repeats; groups and keys in the order first met.
    static func grouped(_ pairs: [PairKey]) -> [(String, [String])] {
        var seen = Set<PairKey>()
        var order: [ByteText] = []
        var groups: [ByteText: [String]] = [:]
        for pair in pairs where seen.insert(pair).inserted {
            let first = ByteText(pair.first)
            if groups[first] == nil { order.append(first) }
            groups[first, default: []].append(pair.second)
        }
        return order.map { ($0.text, groups[$0]!) }
    }

    // MARK: The checkpoint

    /// Writes a chunk's results, the accumulators they moved and the checkpoint in one transaction.
    /// A file's last chunk (the file taken) is made durable at once (`synchronous = FULL` for
    /// that commit): the input is archived and its staging file deleted right after, and a
    /// power cut must not take back the commit those steps rely on. Other chunks are synced
    /// with the WAL's checkpoints; a power cut loses at most what a resume redoes.
    public func commit(_ chunk: ChunkCommit) throws {
        guard chunk.file.outcome == .taken else { return try db.write { try Self.write(chunk, $0) } }
        try writeDurably { try Self.write(chunk, $0) }
    }

    /// One transaction committed with `synchronous = FULL`: on disk when this returns, not at
    /// the WAL's next checkpoint.
    private func writeDurably(_ body: (Database) throws -> Void) throws {
        try db.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
            try db.inTransaction {
                try body(db)
                return .commit
            }
        }
    }

    private static func write(_ chunk: ChunkCommit, _ db: Database) throws {
        var insertClaim = try FastStatement(db, sql: """
            INSERT INTO claim (setl_id, run_id, file_position, ordinal, fixmedins_code, mdtrt_id, invoice_no,
                psn_no, status, reason, payable, payee_kind, payee_id, payee_name, payee_account,
                payee_bank_name, payee_bank_code)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for c in chunk.claims {
            insertClaim.bind(c.setlId)
            insertClaim.bind(c.runId)
            insertClaim.bind(c.filePosition)
            insertClaim.bind(c.ordinal)
            insertClaim.bind(c.fixmedinsCode)
            insertClaim.bind(c.mdtrtId)
            insertClaim.bind(c.invoiceNo)
            insertClaim.bind(c.psnNo)
            insertClaim.bind(c.status.rawValue)
            insertClaim.bind(c.reason)
            insertClaim.bind(c.payable)
            insertClaim.bind(c.payee)
            try insertClaim.run()
        }
        // Each person the chunk moved, whole, before their payable sums below (in `psn_no`
        // order, so the inserts walk the table once).
        var writePerson = try FastStatement(db, sql: """
            INSERT INTO person (psn_no, years, balance, stays) VALUES (?, ?, ?, ?)
            ON CONFLICT (psn_no) DO UPDATE SET years = excluded.years, balance = excluded.balance, stays = excluded.stays
            """)
        for (key, person) in chunk.persons.sorted(by: { $0.key.text < $1.key.text }) {
            writePerson.bind(key.text)
            writePerson.bind(PersonText.encodeYears(person.years))
            writePerson.bind(person.accountBalance)
            writePerson.bind(PersonText.encodeStays(person.stays))
            try writePerson.run()
        }
        // The ledger's running sums: the payee as on its first claim, the first six ids. A
        // person's are in their own row (they were approved, so it exists); an institution's in
        // `payee_total`.
        // A person's later claims in the run only add to the sum, in a statement that does not
        // name `pay_run`: SQLite rewrites an index entry whenever its column is assigned, even
        // to the value it holds, and the `person_pay_run` entries of a chunk's persons are
        // random pages (at 1,000,000 claims, about a third of the pages a checkpoint wrote).
        // Only a person's first claim in the run moves their entry.
        var addToPersonInRun = try FastStatement(db, sql: """
            UPDATE person SET
                pay_amount = pay_amount + ?2,
                pay_claims = pay_claims + 1,
                pay_setl_ids = CASE WHEN pay_claims < \(Self.remittanceSetlIds) THEN pay_setl_ids || ' ' || ?3
                                    ELSE pay_setl_ids END
            WHERE psn_no = ?4 AND pay_run = ?1
            """)
        var startPersonInRun = try FastStatement(db, sql: """
            UPDATE person SET pay_run = ?1, pay_amount = ?2, pay_claims = 1, pay_setl_ids = ?3,
                pay_name = ?4, pay_account = ?5, pay_bank_name = ?6, pay_bank_code = ?7
            WHERE psn_no = ?8
            """)
        var addToInstitution = try FastStatement(db, sql: """
            INSERT INTO payee_total (run_id, amount, claims, payee_kind, payee_id, payee_name, payee_account,
                                     payee_bank_name, payee_bank_code, setl_ids)
            VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_id, payee_kind, payee_id) DO UPDATE SET
                amount = amount + excluded.amount,
                claims = claims + 1,
                setl_ids = CASE WHEN claims < \(Self.remittanceSetlIds) THEN setl_ids || ' ' || excluded.setl_ids
                                ELSE setl_ids END
            """)
        for c in chunk.claims where c.payable > 0 {
            guard let payee = c.payee else { preconditionFailure("claim \(c.setlId) is payable to no one") }
            switch payee.kind {
            case .person:
                addToPersonInRun.bind(c.runId)
                addToPersonInRun.bind(c.payable)
                addToPersonInRun.bind(c.setlId)
                addToPersonInRun.bind(payee.id)
                try addToPersonInRun.run()
                if db.changesCount == 1 { continue }
                startPersonInRun.bind(c.runId)
                startPersonInRun.bind(c.payable)
                startPersonInRun.bind(c.setlId)
                startPersonInRun.bind(payee.name)
                startPersonInRun.bind(payee.account)
                startPersonInRun.bind(payee.bankName)
                startPersonInRun.bind(payee.bankCode)
                startPersonInRun.bind(payee.id)
                try startPersonInRun.run()
                guard db.changesCount == 1 else {
                    throw LedgerError(message: "claim \(c.setlId) is payable to \(payee.id), who has no state")
                }
            case .institution:
                addToInstitution.bind(c.runId)
                addToInstitution.bind(c.payable)
                addToInstitution.bind(payee)
                addToInstitution.bind(c.setlId)
                try addToInstitution.run()
            }
        }
        var insertInvoice = try FastStatement(
            db, sql: "INSERT INTO approved_invoice (fixmedins_code, invoice_no, setl_id) VALUES (?, ?, ?)")
        for i in chunk.approvedInvoices {
            insertInvoice.bind(i.fixmedinsCode)
            insertInvoice.bind(i.invoiceNo)
            insertInvoice.bind(i.setlId)
            try insertInvoice.run()
        }
        try Self.update(chunk.file, db)
        try Self.update(chunk.run, db)
        if chunk.rememberContent {
            try db.execute(sql: "INSERT OR IGNORE INTO taken_content (sha256, run_id, name) VALUES (?, ?, ?)",
                           arguments: [chunk.file.sha256, chunk.file.runId, chunk.file.name])
        }
    }

    // MARK: The payment ledger

    /// How many settlement ids a transfer's remittance names (and the ledger keeps).
    static let remittanceSetlIds = 6

    /// Assigns every payable claim of the run to exactly one transfer per payee, in one
    /// transaction, the first time it is called; later calls (a resumed run) find the same
    /// transfers. Each payee's running sum (kept by the checkpoints) becomes one transfer,
    /// numbered in payee order and identified `RUN_ID-TNNNNNN`, with the payee as recorded on
    /// its first claim and its first `remittanceSetlIds` settlement ids; the sums then go.
    /// Returns the count and total of the transfers.
    public func assignTransfers(runId: String) throws -> (count: Int, total: Fen) {
        try db.write { db in
            let existing = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM transfer WHERE run_id = ?", arguments: [runId]) ?? 0
            if existing == 0 {
                // A claim's transfer is its run's transfer to its payee (unique per run and
                // payee); no transfer id is written into the claim rows (`claim.transfer_id`,
                // from v1, stays empty). Payee order is institutions ('institution' sorts before
                // 'person'; `payee_total` holds only institutions since v3), then persons, each
                // by id: two statements, each reading its table in key order. One over both
                // tables sorted them in memory (9 MB more peak RSS in a resume at 1,000,000 claims).
                try db.execute(sql: """
                    INSERT INTO transfer (end_to_end_id, run_id, seq, payee_kind, payee_id, amount, claims, payee_name,
                                          payee_account, payee_bank_name, payee_bank_code, setl_ids)
                    SELECT printf('%s-T%06d', ?1, seq), ?1, seq, payee_kind, payee_id, amount, claims, payee_name,
                           payee_account, payee_bank_name, payee_bank_code, setl_ids
                    FROM (SELECT ROW_NUMBER() OVER (ORDER BY payee_kind, payee_id) AS seq, *
                          FROM payee_total WHERE run_id = ?1)
                    """, arguments: [runId])
                try db.execute(sql: """
                    INSERT INTO transfer (end_to_end_id, run_id, seq, payee_kind, payee_id, amount, claims, payee_name,
                                          payee_account, payee_bank_name, payee_bank_code, setl_ids)
                    SELECT printf('%s-T%06d', ?1, seq), ?1, seq, 'person', psn_no, pay_amount, pay_claims, pay_name,
                           pay_account, pay_bank_name, pay_bank_code, pay_setl_ids
                    FROM (SELECT ?2 + ROW_NUMBER() OVER (ORDER BY psn_no) AS seq, *
                          FROM person WHERE pay_run = ?1)
                    """, arguments: [runId, db.changesCount])
                // Institutions' sums go; persons' stay in their rows, counted no more once
                // another run pays them.
                try db.execute(sql: "DELETE FROM payee_total WHERE run_id = ?", arguments: [runId])
            }
            return try Self.transferTotals(runId: runId, db)
        }
    }

    /// The count and total of the run's transfers.
    public func transferTotals(runId: String) throws -> (count: Int, total: Fen) {
        try db.read { db in try Self.transferTotals(runId: runId, db) }
    }

    static func transferTotals(runId: String, _ db: Database) throws -> (count: Int, total: Fen) {
        let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total FROM transfer WHERE run_id = ?",
                                   arguments: [runId])!
        return (row["n"], row["total"])
    }

    /// Streams the run's transfers in order, each with its payee and the settlement ids its
    /// remittance names, from the transfer rows alone: memory flat whatever the count.
    public func forEachTransfer(runId: String, _ body: (TransferRecord, Payee, [String]) throws -> Void) throws {
        try db.read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT end_to_end_id, seq, payee_kind, payee_id, amount, claims, payee_name, payee_account,
                       payee_bank_name, payee_bank_code, setl_ids
                FROM transfer WHERE run_id = ? ORDER BY seq
                """, arguments: [runId])
            while let row = try rows.next() {
                let kind = Payee.Kind(rawValue: row[2]) ?? .person
                let transfer = TransferRecord(endToEndId: row[0], runId: runId, seq: row[1], payeeKind: kind,
                                              payeeId: row[3], amount: row[4], claims: row[5])
                // Only a transfer released under v1 lacks these, and its files are never
                // written again: a missing one is a broken ledger, never an empty field.
                guard let name: String = row[6], let account: String = row[7], let bankName: String = row[8],
                      let bankCode: String = row[9], let setlIds: String = row[10] else {
                    throw LedgerError(message: "transfer \(transfer.endToEndId) has no payee or settlement ids recorded")
                }
                let payee = Payee(kind: kind, id: transfer.payeeId, name: name, account: account, bankName: bankName,
                                  bankCode: bankCode)
                // Split on the bytes, not on Characters: 178,600 transfers at 1,000,000 claims.
                let ids = setlIds.utf8.split(separator: UInt8(ascii: " ")).map { String(Substring($0)) }
                try body(transfer, payee, ids)
            }
        }
    }

    /// A ledger that cannot name what it pays.
    public struct LedgerError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Whether the run's payment files were already released (its row in `payment_release`).
    public func transfersReleased(runId: String) throws -> Bool {
        try db.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM payment_release WHERE run_id = ?)",
                              arguments: [runId]) ?? false
        }
    }

    /// Marks the run's payment files released: one row, whatever the number of its transfers
    /// (migration "v4"), made durable at once: the files are already published, and a power
    /// cut must not take the mark back and have the next run write them again.
    public func markTransfersReleased(runId: String) throws {
        try writeDurably { db in
            try db.execute(sql: "INSERT OR IGNORE INTO payment_release (run_id) VALUES (?)", arguments: [runId])
        }
    }

    /// A consistent copy of the whole state (for dry runs and backups).
    public func backup(to path: String) throws {
        let copy = try DatabaseQueue(path: path)
        try db.backup(to: copy)
    }

    // MARK: Row mapping

    static func runRecord(_ row: Row) -> RunRecord {
        RunRecord(id: row["id"], seq: row["seq"], kind: RunSummary.Kind(rawValue: row["kind"]) ?? .run,
                  phase: RunPhase(rawValue: row["phase"]) ?? .adjudicating, startedAt: row["started_at"],
                  endedAt: row["ended_at"], policyVersion: row["policy_version"], referenceJSON: row["reference_json"],
                  claimsDone: row["claims_done"], resultsBytes: row["results_bytes"], rejectedBytes: row["rejected_bytes"],
                  totalsJSON: row["totals_json"])
    }

    static func update(_ run: RunRecord, _ db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE run SET phase = ?, ended_at = ?, claims_done = ?, results_bytes = ?, rejected_bytes = ?,
                totals_json = ? WHERE id = ?
            """).execute(arguments: [run.phase.rawValue, run.endedAt, run.claimsDone, run.resultsBytes,
                                     run.rejectedBytes, run.totalsJSON, run.id])
    }

    static func fileRecord(_ row: Row) -> RunFileRecord {
        RunFileRecord(runId: row["run_id"], position: row["position"], name: row["name"], sourcePath: row["source_path"],
                      sha256: row["sha256"], bytes: row["bytes"],
                      outcome: FileOutcome(rawValue: row["outcome"]) ?? .pending, error: row["error"],
                      refusal: (row["refusal_expected"] as String?).map {
                          FileRefusal(file: row["name"], line: row["refusal_line"], column: row["refusal_column"],
                                      expected: $0, found: row["refusal_found"] ?? "")
                      },
                      claims: row["claims"], nextOffset: row["next_offset"], nextOrdinal: row["next_ordinal"])
    }

    static func insert(_ file: RunFileRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO run_file (run_id, position, name, source_path, sha256, bytes, outcome, error, claims,
                next_offset, next_ordinal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [file.runId, file.position, file.name, file.sourcePath, file.sha256, file.bytes,
                             file.outcome.rawValue, file.error, file.claims, file.nextOffset, file.nextOrdinal])
    }

    static func update(_ file: RunFileRecord, _ db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE run_file SET sha256 = ?, bytes = ?, outcome = ?, error = ?, refusal_line = ?, refusal_column = ?,
                refusal_expected = ?, refusal_found = ?, claims = ?, next_offset = ?, next_ordinal = ?
            WHERE run_id = ? AND position = ?
            """).execute(arguments: [file.sha256, file.bytes, file.outcome.rawValue, file.error, file.refusal?.line,
                                     file.refusal?.column, file.refusal?.expected, file.refusal?.found, file.claims,
                                     file.nextOffset, file.nextOrdinal, file.runId, file.position])
    }
}
