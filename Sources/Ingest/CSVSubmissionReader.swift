#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import TextFormats

/// Reads one CSV submission (data.md "CSV"): one row per fee line, the claim columns repeated
/// on each row, a claim's rows contiguous (key `fixmedins_code` + `mdtrt_id`).
struct CSVSubmissionReader {
    let path: String
    let displayName: String
    let skipClaims: Int

    /// The submission id: the file name without its extension.
    var submissionID: String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    private struct Columns {
        var claim: [Int?] = Array(repeating: nil, count: ClaimField.allCases.count)
        var fee: [Int?] = Array(repeating: nil, count: FeeField.allCases.count)
        var width = 0

        subscript(field: ClaimField) -> Int? { claim[field.rawValue] }
        subscript(field: FeeField) -> Int? { fee[field.rawValue] }
    }

    /// The claim being gathered from its rows.
    private struct OpenClaim {
        var fixmedinsCode: String
        var mdtrtId: String
        var raw: RawClaim
        /// Whether the claim columns were taken from a row (the first row of the right width).
        var hasClaimValues = false
    }

    /// Short rows held until they add up to a row. A line break in an unquoted field (a name
    /// typed with one, in an export that does not quote) cuts its row into short rows whose
    /// field counts add up to the header's plus one per break, the broken field's parts at
    /// the end of one piece and the start of the next. Put together, the row is read whole,
    /// by its own key, wherever its key columns are; pieces that never add up to a row are
    /// short rows, each by its own key. Copied, as the reader reuses its buffer: pieces are
    /// rare, so the copies cost nothing that matters.
    /// A row kept aside, copied (the reader reuses its buffer): a piece held, or a row of the
    /// wrong width waiting for its claim to be decided.
    private struct LoneRow {
        var line: Int
        var fields: [[UInt8]]
        /// Read right after a short row: a piece after a line break, maybe, whose first cells
        /// are then the end of a broken field, not a key.
        var continues = false

        init(line: Int, fields: [[UInt8]], continues: Bool = false) {
            self.line = line
            self.fields = fields
            self.continues = continues
        }

        init(line: Int, _ fields: CSVFields, continues: Bool = false) {
            self.init(line: line, fields: (0..<fields.count).map { Array(fields[$0]) }, continues: continues)
        }

        /// Its fields laid out as a record's, for the code that reads records.
        func withFields<R>(_ body: (CSVFields) throws -> R) rethrows -> R {
            let bytes = fields.flatMap { $0 }
            var ends: [Int] = []
            var end = 0
            for field in fields {
                end += field.count
                ends.append(end)
            }
            return try bytes.withUnsafeBufferPointer { b in
                try ends.withUnsafeBufferPointer { e in
                    // A row has at least one field, so one end; its bytes may all be empty,
                    // and an empty array may lend no address: none is read through it then.
                    try body(CSVFields(bytes: b.baseAddress ?? UnsafePointer(bitPattern: 1)!, ends: e.baseAddress!, count: fields.count))
                }
            }
        }
    }

    private struct HeldPieces {
        private(set) var pieces: [LoneRow] = []
        /// Whether a one-field piece can be the start of a row (see `oneFieldRowStartsARow`).
        let oneFieldPieceStartsARow: Bool

        init(oneFieldPieceStartsARow: Bool) { self.oneFieldPieceStartsARow = oneFieldPieceStartsARow }

        /// At most this many pieces are held: a file of one-field rows after a short row
        /// would otherwise be held whole. A row broken more often is read as short rows.
        static let limit = 64

        var isEmpty: Bool { pieces.isEmpty }

        /// The fields the pieces make joined: each break joins two fields into one.
        var joinedCount: Int { pieces.reduce(0) { $0 + $1.fields.count } - max(pieces.count - 1, 0) }

        /// Whether a row of `count` fields can be the next piece of a row of `width`: the
        /// joined fields still fit, and a row of the full width follows only a start of one
        /// field (a break in the first column cuts a row into 1 and `width` fields).
        func canContinue(with count: Int, width: Int) -> Bool {
            let joined = joinedCount
            return joined + count - 1 <= width && (count < width || (joined == 1 && oneFieldPieceStartsARow))
        }

        mutating func append(_ piece: LoneRow) { pieces.append(piece) }

        mutating func removeFirst() -> LoneRow { pieces.removeFirst() }

        mutating func removeAll() { pieces.removeAll() }

        /// The row the pieces were: each piece's last field and the next piece's first are
        /// the parts of one field, with the line break between them.
        func joined() -> LoneRow {
            var fields: [[UInt8]] = []
            for (index, piece) in pieces.enumerated() {
                var rest = piece.fields[...]
                if index > 0, let first = rest.popFirst() { fields[fields.count - 1] += [0x0A] + first }
                fields += rest
            }
            return LoneRow(line: pieces[0].line, fields: fields)
        }
    }

    /// Bytes of the open claim kept from one of its rows: its key (`fixmedins_code`,
    /// `mdtrt_id` of its first row) and its claim columns (from the row they were taken
    /// from). Every further row is compared with them as bytes, so that the 20 rows of a
    /// claim make no Strings but the first one's. Reused from claim to claim.
    private struct KeptBytes {
        private var bytes: [UInt8] = []
        private var ends: [Int] = []

        mutating func keep(_ values: [UnsafeBufferPointer<UInt8>]) {
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            for value in values {
                bytes.append(contentsOf: value)
                ends.append(bytes.count)
            }
        }

        mutating func removeAll() {
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
        }

        var isEmpty: Bool { ends.isEmpty }

        /// Whether kept value `index` is `value`, byte for byte.
        func equals(_ index: Int, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
            let start = index == 0 ? 0 : ends[index - 1]
            let count = ends[index] - start
            guard count == value.count else { return false }
            if count == 0 { return true }
            return bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, value.baseAddress!, count) == 0 }
        }
    }

    /// The one value of `mode` / `submitted` over the claims: nil when they differ.
    private enum Common<T: Equatable> {
        case none, one(T), mixed

        mutating func add(_ value: T?) {
            switch (self, value) {
            case (.none, .some(let v)): self = .one(v)
            case (.one(let v), .some(let w)) where v == w: break
            case (.mixed, _): break
            default: self = .mixed
            }
        }

        var value: T? {
            if case .one(let v) = self { return v }
            return nil
        }
    }

    func read(onClaim: (IngestedClaim) throws -> Void) throws -> SubmissionSummary {
        let reader: CSVReader
        do {
            reader = try CSVReader(path: path)
        } catch let error as FileError {
            throw FileRefusal(file: displayName, line: nil, expected: "a readable file", found: error.description)
        }
        func next() throws -> CSVRecord? {
            do {
                return try reader.next()
            } catch let error as CSVError {
                let expected = error.message.hasPrefix("unreadable encoding")
                    ? "UTF-8 (a BOM allowed) or GB18030 text (detected: \(reader.encoding.rawValue))"
                    : "well-formed CSV (RFC 4180)"
                throw FileRefusal(file: displayName, line: error.line, column: error.column, expected: expected,
                                  found: error.message)
            }
        }

        guard let header = try next() else {
            throw FileRefusal(file: displayName, line: 1, expected: "a header row", found: "an empty file")
        }
        let columns = try readHeader(header)

        let submission = submissionID
        let normaliser = Normaliser(submission: submission, format: .csv)
        var summary = SubmissionSummary(submission: submission, format: .csv, mode: nil, submitted: nil,
                                        claims: 0, invalidClaims: 0, lines: 0)
        var commonMode = Common<SettlementMode>.none
        var commonSubmitted = Common<Day>.none
        // Every claim key seen so far, as a 64-bit hash, with the line the claim started on:
        // a claim whose rows come back after another claim refuses the file. Hashes keep this
        // at a few bytes per claim however large the file.
        var startLineOfKey: [Int: Int] = [:]
        var open: OpenClaim?
        var openKey = KeptBytes()
        var openClaimColumns = KeptBytes()
        var checker = FeeLineChecker(format: .csv)
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)

        func finish(_ finished: OpenClaim) throws {
            var claim = finished
            // No row of the right width: the key its rows were grouped by still names it, for
            // the auditor and the hospital (its other values cannot be trusted).
            if !claim.hasClaimValues {
                if !claim.fixmedinsCode.isEmpty { claim.raw[.fixmedinsCode] = RawValue(text: claim.fixmedinsCode, line: claim.raw.line) }
                if !claim.mdtrtId.isEmpty { claim.raw[.mdtrtId] = RawValue(text: claim.mdtrtId, line: claim.raw.line) }
            }
            let ordinal = summary.claims
            summary.claims += 1
            commonMode.add(claim.raw[.mode].flatMap { SettlementMode(rawValue: trimmedBlanks($0.text)) })
            commonSubmitted.add(claim.raw[.submitted].flatMap { Day(trimmedBlanks($0.text)) })
            if ordinal >= skipClaims {
                let ingested = normaliser.normalise(claim.raw, ordinal: ordinal)
                if case .invalid = ingested { summary.invalidClaims += 1 }
                try onClaim(ingested)
            }
        }

        /// One row, by its key, into its claim. `brokenOver`: the lines of the pieces a row
        /// was put together from.
        func take(_ fields: CSVFields, line: Int, brokenOver: [Int]? = nil) throws {
            // A row of too few fields has empty values where it ends.
            func value(_ index: Int?) -> UnsafeBufferPointer<UInt8> {
                guard let index, index < fields.count else { return empty }
                return fields[index]
            }
            // Blanks around a value are not part of it, in the key as in the other columns.
            let fixmedinsCode = trimmingBlanks(value(columns[.fixmedinsCode]))
            let mdtrtId = trimmingBlanks(value(columns[.mdtrtId]))
            // Rows of the open claim have its key byte for byte; anything else is
            // compared as Strings (as equal Strings may differ in bytes).
            // (No `if let` here: it would copy the open claim, row after row.)
            if open != nil, !(openKey.equals(0, fixmedinsCode) && openKey.equals(1, mdtrtId)),
               open!.fixmedinsCode != String(decoding: fixmedinsCode, as: UTF8.self)
                || open!.mdtrtId != String(decoding: mdtrtId, as: UTF8.self) {
                try finish(open.take()!)
            }
            if open == nil {
                let code = String(decoding: fixmedinsCode, as: UTF8.self), id = String(decoding: mdtrtId, as: UTF8.self)
                // A claim without a whole key is INVALID_DATA (a field missing), and is not
                // looked for again: two such claims apart are two claims, not one split.
                if !code.isEmpty && !id.isEmpty {
                    var hasher = Hasher()
                    hasher.combine(code)
                    hasher.combine(id)
                    let key = hasher.finalize()
                    if let firstLine = startLineOfKey[key] {
                        throw FileRefusal(
                            file: displayName, line: line,
                            expected: "the rows of claim \(code)/\(id) together (it starts on line \(firstLine))",
                            found: "a claim's rows split apart: another row of it on line \(line), after other claims")
                    }
                    startLineOfKey[key] = line
                }
                open = OpenClaim(fixmedinsCode: code, mdtrtId: id, raw: RawClaim(line: line))
                openKey.keep([fixmedinsCode, mdtrtId])
                openClaimColumns.removeAll()
                checker.startClaim()
            }
            add(fields, line: line, brokenOver: brokenOver, columns: columns, to: &open!,
                claimColumns: &openClaimColumns, checker: &checker)
        }
        /// A row of the wrong width into the open claim, whatever its key.
        func addToOpen(_ row: LoneRow) {
            row.withFields { add($0, line: row.line, brokenOver: nil, columns: columns, to: &open!,
                                 claimColumns: &openClaimColumns, checker: &checker) }
        }
        // A one-field row with nothing held is a piece of a row cut in its first or its last
        // column: the start of the next row when the first column holds free text (a name,
        // the documents) and the last does not; otherwise the end of the row before, which
        // goes by the rule for rows without a key (a row of the open claim).
        let freeText = [columns[.psnName], columns[.documents], columns[.name]]
        let oneFieldRowStartsARow = freeText.contains(0) && !freeText.contains(columns.width - 1)
        // Short rows held until they add up to a row (see `HeldPieces`).
        var held = HeldPieces(oneFieldPieceStartsARow: oneFieldRowStartsARow)
        // Rows of the wrong width that could not be put together ("strays"): whose claim they
        // are is decided when the next row of the right width is in view. Their cells may sit
        // under the wrong columns, the key's included, unless the key columns come first.
        var strays: [LoneRow] = []
        let keyColumnsFirst = Set([columns[.fixmedinsCode]!, columns[.mdtrtId]!]) == [0, 1]
        /// A row's key, trimmed, when it has both parts.
        func key(of fields: CSVFields) -> (code: UnsafeBufferPointer<UInt8>, id: UnsafeBufferPointer<UInt8>)? {
            let (c, m) = (columns[.fixmedinsCode]!, columns[.mdtrtId]!)
            guard c < fields.count, m < fields.count else { return nil }
            let (code, id) = (trimmingBlanks(fields[c]), trimmingBlanks(fields[m]))
            return code.isEmpty || id.isEmpty ? nil : (code, id)
        }
        /// The invoice number a stray holds where the column is, if it reaches that far: the
        /// cell that names a claim, and that a damage after it leaves in place.
        func invoice(of fields: CSVFields) -> UnsafeBufferPointer<UInt8>? {
            guard let i = columns[.invoiceNo], i < fields.count else { return nil }
            let value = trimmingBlanks(fields[i])
            return value.isEmpty ? nil : value
        }
        /// Decides the strays' claims, in file order, with `next` (a row of the right width)
        /// in view, or nil at the end. Each goes to the open claim, to a claim of its own (by
        /// its key), or, waiting as an orphan, to the next claim opened: by a later stray, or
        /// by `next` (those are returned, to be added once `next` is taken).
        func settleStrays(before next: CSVFields?) throws -> [LoneRow] {
            var orphans: [LoneRow] = []
            /// Its own claim, by its key (empty where the row is too short); the orphans
            /// before it are that claim's.
            func byOwnKey(_ fields: CSVFields, line: Int) throws {
                try take(fields, line: line)
                orphans.forEach(addToOpen)
                orphans.removeAll()
            }
            for stray in strays {
                try stray.withFields { fields in
                    let hasKeyCells = columns[.fixmedinsCode]! < fields.count && columns[.mdtrtId]! < fields.count
                    // With the key columns first, a row's key is where it was put: it goes by
                    // it, as every row (a row of another claim inside one still splits it
                    // apart). Only a row too short to hold it has none.
                    if keyColumnsFirst {
                        // A file is one hospital's: a row whose institution cell is the open
                        // claim's (before any claim, the next row's) starts where a row starts,
                        // even right after a short row.
                        let code = columns[.fixmedinsCode]!
                        let institution = code < fields.count ? trimmingBlanks(fields[code]) : nil
                        let ofInstitution: Bool
                        if let institution, open != nil, !openKey.isEmpty {
                            ofInstitution = openKey.equals(0, institution)
                        } else if let institution, open == nil, let next, code < next.count {
                            ofInstitution = institution.elementsEqual(trimmingBlanks(next[code]))
                        } else {
                            ofInstitution = false
                        }
                        if hasKeyCells && (!stray.continues || ofInstitution) { return try byOwnKey(fields, line: stray.line) }
                        // Cut right after its institution: a claim of its own, key missing.
                        if !hasKeyCells && ofInstitution { return try byOwnKey(fields, line: stray.line) }
                        if open != nil && orphans.isEmpty { return addToOpen(stray) }
                        return orphans.append(stray)
                    }
                    // Otherwise its cells may have moved, the key's included. Rows are
                    // contiguous: after an orphan, it is an orphan too.
                    if !orphans.isEmpty { return orphans.append(stray) }
                    let own = key(of: fields)
                    let nextKey = next.flatMap { key(of: $0) }
                    func isOpenKey(_ k: (code: UnsafeBufferPointer<UInt8>, id: UnsafeBufferPointer<UInt8>)?) -> Bool {
                        guard open != nil, let k else { return false }
                        return openKey.equals(0, k.code) && openKey.equals(1, k.id)
                    }
                    // Its key is the open claim's, or it sits between two rows of the open claim.
                    if isOpenKey(own) || isOpenKey(nextKey) { return addToOpen(stray) }
                    if let own, let nextKey, own.code.elementsEqual(nextKey.code) && own.id.elementsEqual(nextKey.id) {
                        return orphans.append(stray)
                    }
                    // Its invoice number, in place if the damage is after it, names its claim.
                    if let number = invoice(of: fields) {
                        if open != nil, let i = columns[.invoiceNo], !openClaimColumns.isEmpty,
                           openClaimColumns.equals(ClaimField.invoiceNo.rawValue, fields[i]) {
                            return addToOpen(stray)
                        }
                        if let next, let nextNumber = invoice(of: next), number.elementsEqual(nextNumber) {
                            return orphans.append(stray)
                        }
                    }
                    // A claim of its own, under the key it holds; without one, the open claim's.
                    if own != nil || (open == nil && next == nil) { return try byOwnKey(fields, line: stray.line) }
                    if open != nil { return addToOpen(stray) }
                    orphans.append(stray)
                }
            }
            strays.removeAll()
            // At the end, with nothing in view, orphans are a claim of their own (the first
            // opens it, the rest join it).
            if next == nil, let first = orphans.first {
                let rest = Array(orphans.dropFirst())
                orphans.removeAll()
                try first.withFields { try take($0, line: first.line) }
                rest.forEach(addToOpen)
            }
            return orphans
        }
        /// A row of the right width (or a row put together), after the strays before it.
        func takeWhole(_ fields: CSVFields, line: Int, brokenOver: [Int]? = nil) throws {
            let toNext = try settleStrays(before: fields)
            try take(fields, line: line, brokenOver: brokenOver)
            toNext.forEach(addToOpen)
        }
        /// A row that is not a row of the right width: a stray. At most `HeldPieces.limit`
        /// wait; beyond, they are settled with nothing in view.
        func stray(_ row: LoneRow) throws {
            strays.append(row)
            if strays.count > HeldPieces.limit { _ = try settleStrays(before: nil) }
        }
        /// The oldest piece held, which can no longer be the start of a row: a stray.
        func releaseFirst() throws {
            try stray(held.removeFirst())
        }

        while let row = try next() {
            if isBlank(row) { continue }
            summary.lines += 1
            try row.withFields { fields in
                let afterShortRow = !held.isEmpty
                // Pieces that cannot begin a row with this one are strays, oldest first.
                while !held.isEmpty && !held.canContinue(with: fields.count, width: columns.width) { try releaseFirst() }
                let startsPieces = fields.count < columns.width && (fields.count > 1 || oneFieldRowStartsARow)
                guard !held.isEmpty || startsPieces else {
                    if fields.count == columns.width {
                        try takeWhole(fields, line: row.line)
                    } else {
                        try stray(LoneRow(line: row.line, fields))
                    }
                    return
                }
                held.append(LoneRow(line: row.line, fields, continues: afterShortRow))
                if held.joinedCount == columns.width {
                    let lines = held.pieces.map(\.line)
                    let whole = held.joined()
                    try whole.withFields { try takeWhole($0, line: whole.line, brokenOver: lines) }
                    held.removeAll()
                } else if held.pieces.count > HeldPieces.limit {
                    try releaseFirst()
                }
            }
        }
        while !held.isEmpty { try releaseFirst() }
        _ = try settleStrays(before: nil)
        if let current = open.take() { try finish(current) }
        summary.mode = commonMode.value
        summary.submitted = commonSubmitted.value
        return summary
    }

    private func readHeader(_ header: CSVRecord) throws -> Columns {
        var columns = Columns()
        columns.width = header.count
        var seen: [String: Int] = [:]
        for index in 0..<header.count {
            let name = trimmedBlanks(header.string(index))
            if let first = seen[name], ClaimField.byName[name] != nil || FeeField.byCSVName[name] != nil {
                throw FileRefusal(file: displayName, line: header.line,
                                  expected: "each column once in the header",
                                  found: "column \(name) twice (fields \(first + 1) and \(index + 1))")
            }
            seen[name] = index
            if let field = ClaimField.byName[name] { columns.claim[field.rawValue] = index }
            if let field = FeeField.byCSVName[name] { columns.fee[field.rawValue] = index }
        }
        let missing = ClaimField.allCases.filter { $0.isRequired && columns[$0] == nil }.map(\.name)
            + FeeField.allCases.filter { columns[$0] == nil }.map(\.csvName)
        if !missing.isEmpty {
            throw FileRefusal(file: displayName, line: header.line,
                              expected: "a header with the column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", "))",
                              found: "a header without \(missing.count == 1 ? "it" : "them")")
        }
        return columns
    }

    private func field(_ row: CSVRecord, _ index: Int) -> String {
        index < row.count ? row.string(index) : ""
    }

    /// Blank rows are skipped (data.md): an empty line, or a row of empty (or blank) fields
    /// only, which is what a spreadsheet writes for an empty row.
    private func isBlank(_ row: CSVRecord) -> Bool {
        row.withFields { fields in
            for index in 0..<fields.count where !fields[index].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                return false
            }
            return true
        }
    }

    private func add(_ fields: CSVFields, line: Int, brokenOver: [Int]?, columns: Columns, to claim: inout OpenClaim,
                     claimColumns: inout KeptBytes, checker: inout FeeLineChecker) {
        guard fields.count == columns.width else {
            // Its values cannot be trusted to sit under the right columns, its amount included:
            // the claim's lines cannot be summed.
            claim.raw.problems.append(FieldProblem(
                field: "row", value: "", line: line,
                message: "has \(fields.count) fields where the header has \(columns.width) (an unquoted comma or line break?)"))
            claim.raw.fees.add(amount: nil)
            return
        }
        if let brokenOver {
            // Read as the row it was, but not RFC 4180: the hospital's export is broken.
            claim.raw.problems.append(FieldProblem(
                field: "row", value: "", line: line,
                message: "is one row broken over lines \(brokenOver.map(String.init).joined(separator: ", ")) "
                    + "(a line break in an unquoted field?)"))
        }
        if !claim.hasClaimValues {
            claim.hasClaimValues = true
            var kept: [UnsafeBufferPointer<UInt8>] = []
            for field in ClaimField.allCases {
                let index = columns[field]
                if let index { claim.raw[field] = RawValue(text: String(decoding: fields[index], as: UTF8.self), line: line) }
                kept.append(index.map { fields[$0] } ?? UnsafeBufferPointer(start: nil, count: 0))
            }
            claimColumns.keep(kept)
        } else {
            for field in ClaimField.allCases {
                // Bytes first: reading the kept value would retain and release its String.
                guard let index = columns[field], !claimColumns.equals(field.rawValue, fields[index]),
                      let first = claim.raw[field] else { continue }
                let value = String(decoding: fields[index], as: UTF8.self)
                var (now, before) = (trimmedBlanks(value), trimmedBlanks(first.text))
                if field == .certno {  // its check character may be typed `x` on one row, `X` on another
                    (now, before) = (ResidentID.normalised(now), ResidentID.normalised(before))
                }
                if now != before {
                    // Both values are shown as logs may show them: an identity number masked.
                    let earlier = field == .certno ? ResidentID.masked(first.text) : first.text
                    claim.raw.problems.append(FieldProblem(
                        field: field.name, value: value, line: line,
                        message: "differs from '\(earlier)' on line \(first.line) (a claim's rows must agree)"))
                }
            }
        }
        var values = FeeLineBytes()
        for field in FeeField.allCases {
            if let index = columns[field] { values[field] = fields[index] }
        }
        checker.check(values, line: line, into: &claim.raw.fees)
    }
}
