import Foundation
import Domain
import Ingest
import Testing

/// How CSV rows are gathered into claims when a row is damaged or a key is blank or padded
/// (data.md "CSV": a row of the wrong width makes its claim INVALID_DATA; a claim's rows are
/// contiguous by `fixmedins_code` + `mdtrt_id`). Found by review: such rows refused whole
/// files or made claims that were never sent.
@Suite struct CSVRowTests {
    static let header = NormalisationTests.header

    /// A row of claim `visit` (its `mdtrt_id`), fee line `sn`, of 10.00, with the claim's
    /// invoice amount `invoice` and documents `documents`.
    static func row(_ visit: String, sn: Int, invoice: String = "20.00", documents: String = "invoice fee_list",
                    name: String = "阿托伐他汀钙片") -> String {
        "H31010400017,\(visit),13010000000000123456,张伟,130102199001011237,310,130100,21,2026-02-01,2026-02-10,I21.9,0,"
            + "INV-\(visit),2026-02-10,\(invoice),\(documents),2026-03-01,manual,\(sn),XA01,\(name),2026-02-01T09:30:00,1,10.00,10.00\n"
    }

    private func read(_ rows: String) throws -> ReadOutcome {
        let path = Paths.temporaryFolder() + "/rows.csv"
        try Paths.write(Self.header + rows, to: path)
        return try readSubmission(path)
    }

    /// An unquoted line break in `fee_name` cuts the claim's first row in two: the piece after
    /// the break starts with "钙片", not with a key. Put together, the pieces are the row,
    /// read whole, and its claim is INVALID_DATA for the break alone.
    @Test func aRowBrokenByALineBreakInTheMiddleOfAClaimStaysInIt() throws {
        // The invoice amount left empty, so that the claimed amount shows what the lines add up to.
        let broken = Self.row("ZY-1", sn: 1, invoice: "", name: "阿托伐他汀\n钙片")
        let outcome = try read(broken + Self.row("ZY-1", sn: 2, invoice: "") + Self.row("ZY-2", sn: 1, invoice: "10.00"))
        #expect(outcome.refusal == nil)
        #expect(outcome.claims.count == 2)
        // Line 2 has 21 fields (the break is in field 21 of 25), line 3 the other 5.
        #expect(outcome.problems(0).map(\.field) == ["row", "invoice_amount"])
        #expect(outcome.problems(0).first?.line == 2)
        #expect(outcome.problems(0).first?.message == "is one row broken over lines 2, 3 (a line break in an unquoted field?)")
        // The broken row was read whole, its amount with it: 10.00 (lines 2-3) + 10.00 (line 4).
        // Left in pieces, its amount would be unreadable and the claimed amount empty.
        #expect(outcome.invalid.first?.claimedAmount == 20_00)
        #expect(outcome.invalid.first?.mdtrtId == "ZY-1")
        #expect(outcome.invalid.first?.psnNo == "13010000000000123456")
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-2"])
        #expect(outcome.valid.first?.sourceLine == 5)
    }

    /// The same break on a claim's last row made a claim of its own out of the piece, one the
    /// hospital never sent.
    @Test func aRowBrokenOnAClaimsLastRowMakesNoClaimOfItsOwn() throws {
        let broken = Self.row("ZY-1", sn: 2, name: "阿托伐他汀\n钙片")
        let outcome = try read(Self.row("ZY-1", sn: 1) + broken + Self.row("ZY-2", sn: 1, invoice: "10.00"))
        #expect(outcome.refusal == nil)
        #expect(outcome.claims.count == 2)
        #expect(outcome.summary?.claims == 2)
        #expect(outcome.problems(0).map(\.line) == [3])
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-2"])
    }

    /// Two breaks in one row make three pieces (21, 1 and 5 fields), adding up to the header's
    /// plus two; a full row after them is a row again, not a piece.
    @Test func aRowBrokenTwiceIsOneRow() throws {
        let broken = Self.row("ZY-1", sn: 1, name: "阿托\n伐他汀\n钙片")
        let outcome = try read(broken + Self.row("ZY-2", sn: 1, invoice: "10.00"))
        #expect(outcome.claims.count == 2)
        #expect(outcome.problems(0).map(\.message) == ["is one row broken over lines 2, 3, 4 (a line break in an unquoted field?)"])
        #expect(outcome.valid.map(\.sourceLine) == [5])
    }

    /// Found by review: with the key columns last, the first piece of a broken row has no key;
    /// it was put in the claim before, and the claim it began was lost. Put together, the row
    /// goes by its own key: here the first row of a one-row claim, and the first row of the
    /// file.
    @Test func aBrokenRowGoesByItsKeyWhereverTheKeyColumnsAre() throws {
        let columns = Self.header.dropLast().split(separator: ",").map(String.init)
        let order = Array(2..<columns.count) + [0, 1]  // fixmedins_code and mdtrt_id last
        func reordered(_ row: String) -> String {
            let fields = row.dropLast().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return order.map { fields[$0] }.joined(separator: ",") + "\n"
        }
        let header = order.map { columns[$0] }.joined(separator: ",") + "\n"
        let rows = [Self.row("ZY-1", sn: 1, invoice: "10.00", name: "阿托伐他汀\n钙片"),
                    Self.row("ZY-2", sn: 1, invoice: "10.00"),
                    Self.row("ZY-3", sn: 1, invoice: "10.00", name: "阿托伐他汀\n钙片"),
                    Self.row("ZY-4", sn: 1, invoice: "10.00")]
        let path = Paths.temporaryFolder() + "/keys-last.csv"
        try Paths.write(header + rows.map(reordered).joined(), to: path)
        let outcome = try readSubmission(path)
        #expect(outcome.refusal == nil)
        #expect(outcome.invalid.map(\.mdtrtId) == ["ZY-1", "ZY-3"])
        #expect(outcome.invalid.map { $0.problems.map(\.line) } == [[2], [5]])
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-2", "ZY-4"])
    }

    /// Found by review: two short rows that do not add up to a row were merged into the first
    /// one's claim, and the second claim was lost. Each goes by its own key.
    @Test func shortRowsThatAreNoRowTogetherGoByTheirOwnKeys() throws {
        func cut(_ row: String) -> String { row.split(separator: ",").prefix(6).joined(separator: ",") + "\n" }
        let outcome = try read(Self.row("ZY-1", sn: 1) + cut(Self.row("ZY-1", sn: 2)) + cut(Self.row("ZY-2", sn: 1))
                               + Self.row("ZY-3", sn: 1, invoice: "10.00"))
        #expect(outcome.claims.count == 3)
        #expect(outcome.invalid.map(\.mdtrtId) == ["ZY-1", "ZY-2"])
        #expect(outcome.invalid.map { $0.problems.filter { $0.field == "row" }.map(\.line) } == [[3], [4]])
        #expect(outcome.invalid.last?.problems.first?.message == "has 6 fields where the header has 25 (an unquoted comma or line break?)")
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-3"])
    }

    /// Found by review: a break in the last column leaves the whole row and a piece of one
    /// field. That piece belongs to the row before (it has no key), and must not be held to
    /// swallow the next claim's pieces.
    @Test func aBreakInTheLastColumnLeavesOneFieldForTheRowBefore() throws {
        let lastBroken = Self.row("ZY-1", sn: 1, invoice: "10.00").dropLast(6) + "10.\n00\n"  // amount "10." / "00"
        let nextBroken = Self.row("ZY-2", sn: 1, invoice: "10.00", name: "阿托伐他汀\n钙片")
        let outcome = try read(String(lastBroken) + nextBroken + Self.row("ZY-3", sn: 1, invoice: "10.00"))
        #expect(outcome.claims.count == 3)
        #expect(outcome.invalid.map(\.mdtrtId) == ["ZY-1", "ZY-2"])
        // The piece on line 3, and the amount "10." left on line 2.
        #expect(outcome.invalid.first?.problems.map { "\($0.line) \($0.field)" } == ["3 row", "2 amount"])
        #expect(outcome.invalid.last?.problems.map(\.line) == [4])
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-3"])
    }

    /// A row with an extra field, first of its claim, keeps its key where it is: it starts its
    /// own claim, which is INVALID_DATA, and the claim before it is untouched.
    @Test func aRowWithAnExtraFieldStartsItsOwnClaim() throws {
        let extra = Self.row("ZY-2", sn: 1, invoice: "10.00").dropLast() + ",oops\n"
        let outcome = try read(Self.row("ZY-1", sn: 1, invoice: "10.00") + extra)
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-1"])
        #expect(outcome.invalid.map(\.sourceLine) == [3])
        #expect(outcome.problems(1).first?.message == "has 26 fields where the header has 25 (an unquoted comma or line break?)")
    }

    /// Two claims without `mdtrt_id`, apart: each is INVALID_DATA ("is missing"), and the file
    /// is not refused as a claim split apart.
    @Test func claimsWithABlankKeyApartAreTwoClaims() throws {
        let outcome = try read(Self.row("", sn: 1, invoice: "10.00") + Self.row("ZY-2", sn: 1, invoice: "10.00")
                               + Self.row("", sn: 1, invoice: "10.00"))
        #expect(outcome.refusal == nil)
        #expect(outcome.invalid.map(\.sourceLine) == [2, 4])
        #expect(outcome.invalid.map { $0.problems.map(\.field) } == [["mdtrt_id"], ["mdtrt_id"]])
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-2"])
        // A whole key seen again after other claims still refuses the file.
        let split = try read(Self.row("ZY-1", sn: 1) + Self.row("ZY-2", sn: 1, invoice: "10.00") + Self.row("ZY-1", sn: 2))
        #expect(split.refusal?.line == 4)
    }

    /// Found by review: a cut row held, then a row broken in `psn_name` (pieces of 4 and 22
    /// fields): the three did not fit together, all were let go, and the 22-field piece went
    /// by its own first cells: a claim nobody sent, then "split apart". Pieces are let go
    /// oldest first, only until the new one fits.
    @Test func aCutRowBeforeABrokenRowLeavesTheBrokenRowWhole() throws {
        let cut = Self.row("ZY-1", sn: 2).split(separator: ",").prefix(10).joined(separator: ",") + "\n"
        let broken = Self.row("ZY-2", sn: 1).replacingOccurrences(of: ",张伟,", with: ",张\n伟,")
        let outcome = try read(Self.row("ZY-1", sn: 1) + cut + broken + Self.row("ZY-2", sn: 2) + Self.row("ZY-3", sn: 1, invoice: "10.00"))
        #expect(outcome.refusal == nil)
        #expect(outcome.invalid.map(\.mdtrtId) == ["ZY-1", "ZY-2"])
        // ZY-2's name, put together, keeps the break, and its next row (line 6) disagrees.
        #expect(outcome.invalid.map { $0.problems.map(\.line) } == [[3], [4, 6]])
        #expect(outcome.invalid.last?.problems.first?.message == "is one row broken over lines 4, 5 (a line break in an unquoted field?)")
        #expect(outcome.invalid.last?.problems.last?.field == "psn_name")
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-3"])
    }

    /// Found by review: with `psn_name` first, a break in it cuts the row into 1 and 25
    /// fields; the one-field piece went to the claim before, and the broken row's claim was
    /// read with half a name and no fault. When the first column holds free text and the
    /// last does not, a one-field piece is the start of the next row.
    @Test func aBreakInAFirstColumnOfFreeTextStartsTheNextRow() throws {
        let columns = Self.header.dropLast().split(separator: ",").map(String.init)
        let order = [3] + (0..<columns.count).filter { $0 != 3 }  // psn_name first
        func reordered(_ row: String) -> String {
            let fields = row.dropLast().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return order.map { fields[$0] }.joined(separator: ",") + "\n"
        }
        let header = order.map { columns[$0] }.joined(separator: ",") + "\n"
        let broken = reordered(Self.row("ZY-2", sn: 1, invoice: "10.00")).replacingOccurrences(of: "张伟,", with: "张\n伟,")
        let path = Paths.temporaryFolder() + "/name-first.csv"
        try Paths.write(header + reordered(Self.row("ZY-1", sn: 1, invoice: "10.00")) + broken
                        + reordered(Self.row("ZY-3", sn: 1, invoice: "10.00")), to: path)
        let outcome = try readSubmission(path)
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-1", "ZY-3"])
        #expect(outcome.invalid.map(\.mdtrtId) == ["ZY-2"])
        #expect(outcome.invalid.first?.problems.map(\.message) == ["is one row broken over lines 3, 4 (a line break in an unquoted field?)"])
    }

    /// Found by review: after a short row, one-field rows were held without end (a file of
    /// them, whole). At most `HeldPieces.limit` pieces are held; the rest go as short rows
    /// of the open claim, every one reported.
    @Test func oneFieldRowsAfterAShortRowAreNotHeldWithoutEnd() throws {
        let cut = Self.row("ZY-1", sn: 2).split(separator: ",").prefix(24).joined(separator: ",") + "\n"
        let lines = String(repeating: "x\n", count: 100)
        let outcome = try read(Self.row("ZY-1", sn: 1) + cut + lines + Self.row("ZY-2", sn: 1, invoice: "10.00"))
        #expect(outcome.claims.count == 2)
        #expect(outcome.invalid.first?.problems.filter { $0.field == "row" }.map(\.line) == Array(3...103))
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-2"])
    }

    /// The header with `fixmedins_code` and `mdtrt_id` last, and rows laid out to match.
    static func keysLast(_ rows: [String]) -> String {
        let columns = header.dropLast().split(separator: ",").map(String.init)
        let order = Array(2..<columns.count) + [0, 1]
        func reordered(_ row: String) -> String {
            let fields = row.dropLast().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return order.map { fields[$0] }.joined(separator: ",") + "\n"
        }
        return order.map { columns[$0] }.joined(separator: ",") + "\n" + rows.map(reordered).joined()
    }

    /// Rows laid out with the key columns last, line `index` of the file (0: the header)
    /// damaged by `damage`, read through the reader.
    private func readKeysLast(_ rows: [String], damaging index: Int, _ damage: (String) -> String) throws -> ReadOutcome {
        var lines = Self.keysLast(rows).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[index] = damage(lines[index])
        let path = Paths.temporaryFolder() + "/keys-last.csv"
        try Paths.write(lines.joined(separator: "\n"), to: path)
        return try readSubmission(path)
    }

    /// Found by a third review: with the key columns last, an unquoted comma in `fee_name`
    /// shifts the key of its row; in the middle of a claim, the row opened a claim nobody sent
    /// and the claim's next row refused the file as split apart. A row of the wrong width now
    /// waits for the next good row: between two rows of the open claim, it is the open claim's.
    @Test func aRowWithAnUnquotedCommaInsideAClaimStaysInIt() throws {
        let rows = [Self.row("ZY-1", sn: 1, invoice: "10.00"), Self.row("ZY-2", sn: 1, invoice: "30.00"),
                    Self.row("ZY-2", sn: 2, invoice: "30.00"), Self.row("ZY-2", sn: 3, invoice: "30.00")]
        // Reordered first (26 fields would not reorder), then the comma put in.
        let outcome = try readKeysLast(rows, damaging: 3) { $0.replacingOccurrences(of: ",阿托伐他汀钙片,", with: ",葡萄糖注射液,5%,") }
        #expect(outcome.refusal == nil)
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-1"])
        #expect(outcome.invalid.map(\.mdtrtId) == ["ZY-2"])
        #expect(outcome.invalid.first?.problems.map(\.line) == [4])
    }

    /// The same comma on the first row of a claim: the row's cells before the comma are that
    /// claim's (its invoice number, here), so it is that claim's, not the one before.
    @Test func aRowWithAnUnquotedCommaFirstInAClaimIsThatClaims() throws {
        let rows = [Self.row("ZY-1", sn: 1, invoice: "10.00"), Self.row("ZY-2", sn: 1, invoice: "20.00"),
                    Self.row("ZY-2", sn: 2, invoice: "20.00")]
        let outcome = try readKeysLast(rows, damaging: 2) { $0.replacingOccurrences(of: ",阿托伐他汀钙片,", with: ",葡萄糖注射液,5%,") }
        #expect(outcome.claims.count == 2)
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-1"])
        #expect(outcome.invalid.map(\.mdtrtId) == ["ZY-2"])
        #expect(outcome.invalid.first?.problems.map(\.line) == [3])
    }

    /// A short row ending before the key columns, first row of the next claim: the invoice
    /// number it holds is that claim's, so it is, and the claim before is good.
    @Test func aCutRowGoesToTheClaimWhoseInvoiceItHolds() throws {
        let rows = [Self.row("ZY-1", sn: 1, invoice: "10.00"), Self.row("ZY-2", sn: 1), Self.row("ZY-2", sn: 2)]
        // Cut after field 12: invoice_no, field 11, is still there.
        let outcome = try readKeysLast(rows, damaging: 2) { $0.split(separator: ",").prefix(12).joined(separator: ",") }
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-1"])
        #expect(outcome.invalid.map(\.mdtrtId) == ["ZY-2"])
        #expect(outcome.invalid.first?.problems.filter { $0.field == "row" }.map(\.line) == [3])
    }

    /// A stray line before the first claim made a claim nobody sent (every field missing); it
    /// is the first claim's now.
    @Test func aStrayLineBeforeTheFirstClaimIsItsNotAClaim() throws {
        let outcome = try read("x\n" + Self.row("ZY-1", sn: 1, invoice: "10.00"))
        #expect(outcome.claims.count == 1)
        #expect(outcome.invalid.map(\.mdtrtId) == ["ZY-1"])
        #expect(outcome.invalid.first?.problems.map(\.line) == [2])
    }

    /// Found by a fourth review: a stray line before the first claim, then a one-row claim
    /// with an unquoted comma (key intact, key columns first): the claim was added to the one
    /// after it, and lost. With the key columns first a row goes by its key; the line before
    /// is the claim's it precedes.
    @Test func aStrayLineThenADamagedClaimKeepsEveryClaim() throws {
        let comma = Self.row("ZY-1", sn: 1, invoice: "10.00").replacingOccurrences(of: ",阿托伐他汀钙片,", with: ",阿托,伐他汀钙片,")
        let outcome = try read("医保结算清单\n" + comma + Self.row("ZY-2", sn: 1) + Self.row("ZY-2", sn: 2))
        // No row of ZY-1 has the header's width: the key it was grouped by still names it.
        #expect(outcome.invalid.map(\.mdtrtId) == ["ZY-1"])
        #expect(outcome.invalid.first?.problems.filter { $0.field == "row" }.map(\.line) == [3, 2])
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-2"])
        #expect(outcome.claims.count == 2)
    }

    /// Found by a fourth review: a row with an empty `mdtrt_id` and an unquoted comma went to
    /// a neighbour. With the key columns first it goes by its key, empty part and all: a
    /// claim of its own, INVALID_DATA.
    @Test func aDamagedRowWithABlankKeyIsAClaimOfItsOwn() throws {
        let blank = Self.row("", sn: 1, invoice: "10.00").replacingOccurrences(of: ",阿托伐他汀钙片,", with: ",阿托,伐他汀钙片,")
        let outcome = try read(Self.row("ZY-1", sn: 1) + Self.row("ZY-1", sn: 2) + blank + Self.row("ZY-3", sn: 1, invoice: "10.00"))
        #expect(outcome.claims.count == 3)
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-1", "ZY-3"])
        #expect(outcome.invalid.map(\.sourceLine) == [4])
    }

    /// Found by a fourth review: with the key columns last, a one-row claim with an unquoted
    /// comma went, by the columns it shared, to a neighbour of the same patient, and was lost.
    /// Its invoice number names no neighbour: it is a claim of its own (under the key its
    /// shifted cells hold), and the neighbours stay good.
    @Test func aDamagedOneRowClaimWithTheKeysLastStaysApart() throws {
        let rows = [Self.row("ZY-1", sn: 1), Self.row("ZY-1", sn: 2), Self.row("ZY-2", sn: 1, invoice: "10.00"),
                    Self.row("ZY-3", sn: 1, invoice: "10.00")]
        let outcome = try readKeysLast(rows, damaging: 3) { $0.replacingOccurrences(of: ",阿托伐他汀钙片,", with: ",阿托,伐他汀钙片,") }
        #expect(outcome.claims.count == 3)
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-1", "ZY-3"])
        #expect(outcome.invalid.map(\.sourceLine) == [4])
    }

    /// Found by a fifth review: a row with a line break and an unquoted comma makes pieces
    /// that add up to one field too many; the second piece went by its first cells (the end
    /// of the broken name), a claim nobody sent, and the claim's next row refused the file.
    /// A short row read after a short row starts with the end of a field, unless it starts
    /// with the open claim's institution (a file is one hospital's).
    @Test func aRowWithABreakAndACommaStaysInItsClaim() throws {
        let damaged = Self.row("ZY-1", sn: 1).replacingOccurrences(of: ",阿托伐他汀钙片,", with: ",阿托,伐他汀\n钙片,")
        let outcome = try read(damaged + Self.row("ZY-1", sn: 2) + Self.row("ZY-2", sn: 1, invoice: "10.00"))
        #expect(outcome.refusal == nil)
        #expect(outcome.claims.count == 2)
        #expect(outcome.invalid.map(\.mdtrtId) == ["ZY-1"])
        #expect(outcome.invalid.first?.problems.filter { $0.field == "row" }.map(\.line) == [2, 3])
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-2"])
    }

    /// Found by a fifth review: a row cut after its first field, the institution, was charged
    /// to the good claim before it. Holding the open claim's institution, it starts a row: a
    /// claim of its own, its `mdtrt_id` missing; the claims around it are good.
    @Test func aRowCutAfterItsInstitutionIsAClaimOfItsOwn() throws {
        let outcome = try read(Self.row("ZY-1", sn: 1, invoice: "10.00") + "H31010400017\n" + Self.row("ZY-2", sn: 1, invoice: "10.00"))
        #expect(outcome.claims.count == 3)
        #expect(outcome.valid.map(\.mdtrtId) == ["ZY-1", "ZY-2"])
        #expect(outcome.invalid.map(\.sourceLine) == [3])
        #expect(outcome.invalid.first?.fixmedinsCode == "H31010400017")
        // Found by a sixth review: the same line first in the file went to the claim after it.
        let first = try read("H31010400017\n" + Self.row("ZY-2", sn: 1, invoice: "10.00"))
        #expect(first.claims.count == 2)
        #expect(first.invalid.map(\.sourceLine) == [2])
        #expect(first.valid.map(\.mdtrtId) == ["ZY-2"])
    }

    /// Blanks around a key are not part of it, as for every other column.
    @Test func aKeyWithBlanksAroundItIsTheSameKey() throws {
        let padded = Self.row("ZY-1", sn: 2).replacingOccurrences(of: ",ZY-1,", with: ",ZY-1 ,")
        let outcome = try read(Self.row("ZY-1", sn: 1) + padded)
        #expect(outcome.claims.count == 1)
        #expect(outcome.valid.first?.lines.count == 2)
        #expect(outcome.valid.first?.mdtrtId == "ZY-1")
    }

    /// Windows breaks the lines of a quoted cell with CR LF, which Swift reads as one
    /// Character, equal neither to CR nor to LF.
    @Test func documentsOnLinesBrokenWithCRLFAreRead() throws {
        let row = Self.row("ZY-1", sn: 1, invoice: "10.00", documents: "\"invoice\r\nfee_list\r\ndischarge_summary\r\n\"")
        let outcome = try read(row)
        #expect(outcome.valid.first?.documents == [.invoice, .feeList, .dischargeSummary])
    }

    /// data.md: an invalid claim's `claimed_amt` is the invoice amount, or the lines' sum where
    /// that is unreadable, empty where neither can be read. The sum of some of the lines would
    /// understate what was refused.
    @Test func theClaimedAmountIsTheSumOfAllLinesOrNothing() throws {
        let unreadable = Self.row("ZY-1", sn: 2, invoice: "").replacingOccurrences(of: ",1,10.00,10.00\n", with: ",1,10.00,5.x\n")
        let some = try read(Self.row("ZY-1", sn: 1, invoice: "") + unreadable)
        #expect(some.invalid.count == 1)
        #expect(some.invalid.first?.claimedAmount == nil)
        // Found by review: a row of the wrong width has no amount that can be read either.
        let short = Self.row("ZY-1", sn: 2, invoice: "").split(separator: ",").prefix(24).joined(separator: ",") + "\n"
        let cut = try read(Self.row("ZY-1", sn: 1, invoice: "") + short)
        #expect(cut.invalid.first?.problems.map(\.field) == ["row", "invoice_amount"])
        #expect(cut.invalid.first?.claimedAmount == nil)
        // Every line read, the invoice amount missing: the lines' sum, 10.00 + 10.00.
        let all = try read(Self.row("ZY-1", sn: 1, invoice: "") + Self.row("ZY-1", sn: 2, invoice: ""))
        #expect(all.invalid.first?.problems.map(\.field) == ["invoice_amount"])
        #expect(all.invalid.first?.claimedAmount == 20_00)
    }
}
