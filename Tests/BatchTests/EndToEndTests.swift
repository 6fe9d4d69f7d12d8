@testable import Batch
import Domain
import Foundation
import Payments
import Testing

// The real binary on a copy of Samples/: what cron and a claims officer would see.
@Suite(.serialized) struct EndToEndTests {
    @Test func theSamplesRunFromInboxToPaymentFiles() throws {
        let ws = try sampleWorkspace()
        let run = try medclaims(["run", "--workspace", ws])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("run \(sampleRunId) completed: 5 files (5 taken, 0 refused), 43 claims"))

        let folder = ws + "/out/runs/" + sampleRunId
        #expect(files(in: folder) == ["payments.csv", "payments.pain001.xml", "rejected.jsonl", "report.html",
                                      "results.jsonl", "run.log.jsonl", "summary.json"])
        #expect(files(in: ws + "/inbox").isEmpty)
        #expect(files(in: ws + "/archive/" + sampleRunId).count == 5)

        let all = try results(folder + "/results.jsonl")
        let rejected = try results(folder + "/rejected.jsonl")
        #expect(all.count == 43)
        #expect(rejected.map(\.setlId) == all.filter { $0.status == .rejected }.map(\.setlId))
        // Settlement ids number the claims in adjudication order: files by name, claims in file order.
        #expect(all.map(\.setlId) == (1...43).map { sampleRunId + "-" + String(format: "%06d", $0) })
        #expect(all.first?.submission == "SUB-13010200003-20260310")

        // The worked example of rules.md, as the log has it.
        let example = try #require(all.first { $0.mdtrtId == "ZY20260201-0007" })
        #expect(example.status == .approved)
        #expect(example.medfeeSumamt == Yuan(655_333))
        #expect(example.fulamtOwnpayAmt == Yuan(70_000))
        #expect(example.overlmtSelfpay == Yuan(48_000))
        #expect(example.preselfpayAmt == Yuan(26_667))
        #expect(example.inscpScpAmt == Yuan(510_666))
        #expect(example.actPayDedc == Yuan(90_000))
        #expect(example.funds == ["310100": Yuan(357_566)])
        #expect(example.acctPay == Yuan(100_000))
        #expect(example.psnCashPay == Yuan(197_767))
        #expect(example.payable == Yuan(457_566))
        #expect(example.certno?.contains("*") == true)

        // Counts and totals in the summary are those of the logs.
        let s = try summary(folder)
        #expect(s.counts.claims == 43)
        #expect(s.counts.approved == all.filter { $0.status == .approved }.count)
        #expect(s.counts.rejected == rejected.count)
        #expect(s.totals.payable.fen == all.reduce(0) { $0 + $1.payable.fen })
        #expect(s.payments.ctrlSum == s.totals.payable)
        #expect(s.inputs.allSatisfy { $0.outcome == .taken && $0.sha256.count == 64 })
        #expect(s.startedAt == "2026-03-16T02:00:00")

        // One transfer per payee, valid against the official XSD.
        let payees = Set(all.filter { $0.payable.fen > 0 }.compactMap { $0.payee.map { "\($0.kind):\($0.id)" } })
        #expect(s.payments.transfers == payees.count)
        #expect(try PaymentSchema.validate(fileAt: folder + "/payments.pain001.xml") == [])
        let xml = try String(contentsOfFile: folder + "/payments.pain001.xml", encoding: .utf8)
        #expect(xml.contains("<NbOfTxs>\(payees.count)</NbOfTxs>"))
        #expect(xml.contains("<CtrlSum>\(s.totals.payable)</CtrlSum>"))
        // Personal data stays out of the logs: no roster card or identity number appears whole.
        let logs = try ["results.jsonl", "rejected.jsonl", "summary.json", "report.html", "run.log.jsonl"].map {
            try String(contentsOfFile: folder + "/" + $0, encoding: .utf8)
        }.joined()
        let roster = try String(contentsOfFile: ws + "/reference/insured.csv", encoding: .utf8)
        for row in roster.split(separator: "\n").dropFirst() {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for secret in [fields[2], fields[10]] where secret.count > 8 {
                #expect(!logs.contains(secret), "\(secret.prefix(4))… appears unmasked")
            }
        }
    }

    @Test func aSecondRunWithNothingWaitingPrintsNothing() throws {
        let ws = try sampleWorkspace()
        try medclaims(["run", "--workspace", ws])
        let again = try medclaims(["run", "--workspace", ws])
        #expect(again.status == 0)
        #expect(again.stdout.isEmpty)
        #expect(again.stderr.isEmpty)
    }

    @Test func theSameFilesDroppedAgainAreNotTakenTwice() throws {
        let ws = try sampleWorkspace()
        try medclaims(["run", "--workspace", ws])
        let archived = ws + "/archive/" + sampleRunId
        for name in files(in: archived) {
            try FileManager.default.copyItem(atPath: archived + "/" + name, toPath: ws + "/inbox/" + name)
        }
        let second = try medclaims(["run", "--workspace", ws])
        #expect(second.status == 0, "\(second.stderr)")
        let runId = "R20260316-0002"
        let s = try summary(ws + "/out/runs/" + runId)
        #expect(s.counts.claims == 0)
        #expect(s.inputs.allSatisfy { $0.outcome == .alreadyTaken })
        #expect(s.inputs.first?.error?.contains(sampleRunId) == true)
        #expect(s.payments.transfers == 0)
        #expect(!files(in: ws + "/out/runs/" + runId).contains("payments.pain001.xml"))
        let quarantined = files(in: ws + "/quarantine/" + runId)
        #expect(quarantined.count == 10)  // 5 files, each with FILE.error.json
        #expect(files(in: ws + "/inbox").isEmpty)
    }

    @Test func anOverlappingRunExits75() throws {
        let ws = try sampleWorkspace()
        try FileManager.default.createDirectory(atPath: ws + "/state", withIntermediateDirectories: true)
        let lock = try WorkspaceLock(path: ws + "/state/medclaims.lock", holder: "pid 4242 since 2026-03-16T01:59:00")
        let second = try medclaims(["run", "--workspace", ws])
        #expect(second.status == 75)
        #expect(second.stderr.contains("pid 4242"))
        #expect(files(in: ws + "/inbox").count == 5)
        withExtendedLifetime(lock) {}
    }

    @Test func referenceDataThatDoesNotLoadRefusesTheRunAndReadsNothing() throws {
        let ws = try sampleWorkspace()
        let policy = ws + "/reference/policy.yaml"
        let text = try String(contentsOfFile: policy, encoding: .utf8)
        try text.replacingOccurrences(of: "deadline_days:", with: "deadline_dayz:").write(toFile: policy, atomically: true, encoding: .utf8)
        let run = try medclaims(["run", "--workspace", ws])
        #expect(run.status == 2)
        #expect(run.stderr.contains("policy.yaml"))
        #expect(run.stderr.contains("deadline_dayz"))
        #expect(files(in: ws + "/inbox").count == 5)
        #expect(!FileManager.default.fileExists(atPath: ws + "/out/runs"))
    }

    /// `payments.csv_encoding: gb18030` in the config, through the real binary: the bank CSV
    /// is the UTF-8 one's text in GB18030 (the payees' names are Chinese, so the bytes differ).
    @Test func theBankCSVIsWrittenInTheEncodingTheConfigNames() throws {
        let utf8 = try sampleWorkspace()
        let gb = try sampleWorkspace()
        let config = try String(contentsOfFile: gb + "/medclaims.yaml", encoding: .utf8)
        #expect(config.contains("csv_encoding: utf-8"))
        try config.replacingOccurrences(of: "csv_encoding: utf-8", with: "csv_encoding: gb18030")
            .write(toFile: gb + "/medclaims.yaml", atomically: true, encoding: .utf8)
        for ws in [utf8, gb] { #expect(try medclaims(["run", "--workspace", ws]).status == 0) }
        let file = "/out/runs/\(sampleRunId)/payments.csv"
        let expected = try Data(contentsOf: URL(fileURLWithPath: utf8 + file))
        let written = try Data(contentsOf: URL(fileURLWithPath: gb + file))
        #expect(written != expected)
        let iconv = Process()
        iconv.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        iconv.arguments = ["-f", "GB18030", "-t", "UTF-8", gb + file]
        let out = Pipe()
        iconv.standardOutput = out
        try iconv.run()
        let decoded = out.fileHandleForReading.readDataToEndOfFile()
        iconv.waitUntilExit()
        #expect(iconv.terminationStatus == 0)
        #expect(decoded == expected)
        // The pain.001 is XML in UTF-8 whatever the CSV's encoding.
        #expect(try Data(contentsOf: URL(fileURLWithPath: gb + "/out/runs/\(sampleRunId)/payments.pain001.xml"))
                == Data(contentsOf: URL(fileURLWithPath: utf8 + "/out/runs/\(sampleRunId)/payments.pain001.xml")))
    }

    @Test func aBadFileIsQuarantinedAndTheRestOfTheRunGoesOn() throws {
        let ws = try sampleWorkspace()
        try FileManager.default.copyItem(atPath: packageRoot + "/Samples/bad/not-well-formed.xml",
                                         toPath: ws + "/inbox/SUB-00-broken.xml")
        try "half written".write(toFile: ws + "/inbox/SUB-99.xml.part", atomically: true, encoding: .utf8)
        // A dotfile is never a submission (data.md), even a good one: a sample under a hidden
        // name would add its claims to the counts below.
        try FileManager.default.copyItem(atPath: ws + "/inbox/SUB-31010400017-20260301.xml",
                                         toPath: ws + "/inbox/.SUB-98.xml")
        let run = try medclaims(["run", "--workspace", ws])
        #expect(run.status == 0, "\(run.stderr)")
        let s = try summary(ws + "/out/runs/" + sampleRunId)
        #expect(s.inputs.count == 6)
        #expect(s.inputs.first?.outcome == .refused)
        #expect(s.counts.claims == 43)
        let note = try String(contentsOfFile: ws + "/quarantine/\(sampleRunId)/SUB-00-broken.xml.error.json", encoding: .utf8)
        #expect(note.contains("\"outcome\":\"refused\""))
        #expect(note.contains("SUB-00-broken.xml:"))
        #expect(files(in: ws + "/inbox") == ["SUB-99.xml.part"])
        #expect(FileManager.default.fileExists(atPath: ws + "/inbox/.SUB-98.xml"))
    }

    /// A staging file that cannot be written (the state's disk is full: here /dev/full) is our
    /// fault, not the hospital's: the run stops with the error and quarantines nothing, and
    /// once there is room a rerun takes every file. The failure surfaces when the file's last
    /// block is synced, since the writes are handed to a thread of their own.
    @Test func aFullStagingDiskStopsTheRunInsteadOfRefusingTheFile() throws {
        let ws = try sampleWorkspace()
        let staging = ws + "/state/staging"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let blocked = RunExecution.stagingPath(folder: staging, runId: sampleRunId, position: 0)
        try FileManager.default.createSymbolicLink(atPath: blocked, withDestinationPath: "/dev/full")
        let first = try medclaims(["run", "--workspace", ws])
        #expect(first.status != 0 && !first.signalled)
        #expect(first.stderr.contains("No space left"), "\(first.stderr)")
        #expect(files(in: ws + "/quarantine").isEmpty)
        try FileManager.default.removeItem(atPath: blocked)
        let second = try medclaims(["run", "--workspace", ws])
        #expect(second.status == 0, "\(second.stderr)")
        let s = try summary(ws + "/out/runs/" + sampleRunId)
        #expect(s.inputs.map(\.outcome) == [.taken, .taken, .taken, .taken, .taken])
        #expect(s.counts.claims == 43)
    }

    @Test func aKilledRunResumesToTheCleanRunsOutputs() throws {
        let clean = try sampleWorkspace(chunkClaims: 4)
        try medclaims(["run", "--workspace", clean])
        let killed = try sampleWorkspace(chunkClaims: 4)
        let first = try medclaims(["run", "--workspace", killed], environment: ["MEDCLAIMS_CRASH_AT": "chunk-committed:3"])
        #expect(first.signalled && first.status == 9)
        let partial = try String(contentsOfFile: killed + "/out/runs/\(sampleRunId)/.results.jsonl.tmp", encoding: .utf8)
        #expect(partial.split(separator: "\n").count >= 12)
        let second = try medclaims(["run", "--workspace", killed])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("(resumed)"))
        try expectSameOutputs(killed, as: clean, when: "after a kill and resume")
    }

    /// Slow commits running beside the next batches, with the history cache dropped at every
    /// checkpoint (it then holds more than one entry) or kept whole: every claim that looks at
    /// an earlier one (duplicate invoices, overlapping stays, accumulators, balances, superseded
    /// visits) decides as in a run without either. Dropping the cache before its commit has
    /// ended would read the state without that commit's changes.
    @Test func slowCommitsAndADroppedCacheDecideTheSame() throws {
        let whole = try sampleWorkspace(chunkClaims: 3)
        try medclaims(["run", "--workspace", whole])
        // Dropped at every checkpoint; kept whole while every commit is still in flight as the
        // next claims read the state.
        for cache in [1, 50_000] {
            let slow = try sampleWorkspace(chunkClaims: 1, historyCacheEntries: cache)
            let run = try medclaims(["run", "--workspace", slow], environment: ["MEDCLAIMS_SLOW_COMMIT_MS": "30"])
            #expect(run.status == 0, "\(run.stderr)")
            try expectSameOutputs(slow, as: whole, runOutputs.filter { $0 != "report.html" },
                                  when: "with slow commits and a cache of \(cache) entries")
        }
    }

    @Test func aDryRunCommitsNothingMovesNothingAndPaysNothing() throws {
        let ws = try sampleWorkspace()
        let run = try medclaims(["run", "--workspace", ws, "--dry-run"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("dry run DRY-\(sampleRunId) completed"))
        let folder = ws + "/out/dry-runs/DRY-" + sampleRunId
        #expect(try results(folder + "/results.jsonl").count == 43)
        #expect(!files(in: folder).contains("payments.pain001.xml"))
        #expect(try summary(folder).payments.transfers > 0)
        #expect(files(in: ws + "/inbox").count == 5)
        #expect(try WorkspaceStatus.load(workspace: ws, configPath: nil).isEmpty)
        // The real run afterwards is the first run of the workspace.
        let real = try medclaims(["run", "--workspace", ws])
        #expect(real.stdout.contains("run \(sampleRunId) completed"))
    }

    @Test func reprocessingAdjudicatesRejectedClaimsAgainAndNeverPaysTwice() throws {
        let ws = try sampleWorkspace()
        try medclaims(["run", "--workspace", ws])
        let first = try results(ws + "/out/runs/\(sampleRunId)/results.jsonl")
        // The claims officer reprocesses the Shanghai file as it was.
        let corrected = ws + "/corrected"
        try FileManager.default.createDirectory(atPath: corrected, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: packageRoot + "/Samples/inbox/SUB-31010400017-20260301.xml",
                                         toPath: corrected + "/SUB-31010400017-20260301.xml")
        let run = try medclaims(["reprocess", corrected, "--workspace", ws])
        #expect(run.status == 0, "\(run.stderr)")
        let second = try results(ws + "/out/runs/R20260316-0002/results.jsonl")
        #expect(second.count == 12)
        for result in second {
            let earlier = try #require(first.first { $0.mdtrtId == result.mdtrtId && $0.fixmedinsCode == result.fixmedinsCode })
            if earlier.status == .approved {
                // The approved result stands; the new claim is refused and replaces nothing.
                #expect(result.status == .rejected)
                #expect(result.reasons.first?.code == .duplicateInvoice)
                #expect(result.reasons.first?.detail.contains(earlier.setlId) == true)
                #expect(result.payable == Yuan(0))
                #expect(result.supersedes == nil)
            } else {
                #expect(result.supersedes == earlier.setlId)
                // Adjudicated again: the same data gives the same refusal.
                #expect(result.reasons.first?.code == earlier.reasons.first?.code)
            }
        }
        #expect(try summary(ws + "/out/runs/R20260316-0002").payments.transfers == 0)
        #expect(files(in: corrected) == ["SUB-31010400017-20260301.xml"])
    }

    @Test func usageErrorsExit2() throws {
        #expect(try medclaims(["run", "--no-such-option"]).status == 2)
        #expect(try medclaims(["reprocess", "/no/such/folder", "--workspace", try sampleWorkspace()]).status == 2)
    }
}

// Found by review: inputs and instants that must not block a workspace or pay twice.
@Suite(.serialized) struct RobustnessTests {
    @Test func aFileThatVanishesAfterPlanningIsRefusedAndTheRunFinishes() throws {
        let ws = try sampleWorkspace()
        let first = try medclaims(["run", "--workspace", ws], environment: ["MEDCLAIMS_CRASH_AT": "planned:1"])
        #expect(first.signalled)
        // Between the kill and the rerun, an operator removes one inbox file.
        try FileManager.default.removeItem(atPath: ws + "/inbox/SUB-510100-20260315.xml")
        let second = try medclaims(["run", "--workspace", ws])
        #expect(second.status == 0, "\(second.stderr)")
        let s = try summary(ws + "/out/runs/" + sampleRunId)
        #expect(s.inputs.map(\.outcome) == [.taken, .taken, .taken, .taken, .refused])
        #expect(s.inputs.last?.error?.contains("cannot be read") == true)
        #expect(s.counts.claims == 38)  // 43 less the 5 claims of the Chengdu file
        #expect(try medclaims(["run", "--workspace", ws]).stdout.isEmpty)
    }

    /// The state records the absolute path each file was taken to. A workspace moved, or
    /// copied, to another path between a kill and its resume still holds its taken files under
    /// its own inbox: the resume reads and archives those, to the clean run's outputs, and
    /// leaves nothing in a taking folder (where no later run would look) nor touches the files
    /// of the copy it came from. Killed with files taken and none staged, mid-adjudication,
    /// and while archiving.
    @Test(arguments: [false, true], ["files-taken:1", "chunk-committed:3", "archive:3"])
    func aWorkspaceMovedOrCopiedAfterAKillResumesWithItsOwnFiles(copied: Bool, killedAt: String) throws {
        let clean = try sampleWorkspace(chunkClaims: 4)
        try medclaims(["run", "--workspace", clean])
        let killed = try sampleWorkspace(chunkClaims: 4)
        let first = try medclaims(["run", "--workspace", killed], environment: ["MEDCLAIMS_CRASH_AT": killedAt])
        #expect(first.signalled)
        let taking = "/inbox/.taking/" + sampleRunId
        #expect(files(in: killed + taking).count >= 1)
        let before = files(in: killed + taking)
        let elsewhere = killed + "-elsewhere"
        if copied {
            try FileManager.default.copyItem(atPath: killed, toPath: elsewhere)
        } else {
            try FileManager.default.moveItem(atPath: killed, toPath: elsewhere)
        }
        let second = try medclaims(["run", "--workspace", elsewhere])
        #expect(second.status == 0, "\(second.stderr)")
        try expectTheCleanRun(clean, in: elsewhere)
        // The workspace it was copied from is as the kill left it.
        if copied { #expect(files(in: killed + taking) == before) }
    }

    /// The other way round: the workspace stays, its configured inbox changes between a kill
    /// and the resume. The files the killed run took are still in the old inbox's taking
    /// folder, where the state recorded them: the resume reads and archives them from there.
    @Test func anInboxChangedAfterAKillStillGivesItsTakenFilesToTheResume() throws {
        let clean = try sampleWorkspace(chunkClaims: 4)
        try medclaims(["run", "--workspace", clean])
        let ws = try sampleWorkspace(chunkClaims: 4)
        let first = try medclaims(["run", "--workspace", ws], environment: ["MEDCLAIMS_CRASH_AT": "chunk-committed:3"])
        #expect(first.signalled)
        #expect(files(in: ws + "/inbox/.taking/" + sampleRunId).count == 5)
        let config = try String(contentsOfFile: ws + "/medclaims.yaml", encoding: .utf8)
        try (config + "\npaths:\n  inbox: inbox2\n").write(toFile: ws + "/medclaims.yaml", atomically: true, encoding: .utf8)
        let second = try medclaims(["run", "--workspace", ws])
        #expect(second.status == 0, "\(second.stderr)")
        try expectTheCleanRun(clean, in: ws, inbox: "inbox2")
        #expect(!FileManager.default.fileExists(atPath: ws + "/inbox/.taking"))
    }

    /// The run's outputs and archive are the clean run's, and no taking folder is left.
    private func expectTheCleanRun(_ clean: String, in ws: String, inbox: String = "inbox") throws {
        #expect(try summary(ws + "/out/runs/" + sampleRunId).inputs.allSatisfy { $0.outcome == .taken })
        try expectSameOutputs(ws, as: clean, when: "after a kill and a resume elsewhere")
        #expect(files(in: ws + "/archive/" + sampleRunId) == files(in: clean + "/archive/" + sampleRunId))
        #expect(!FileManager.default.fileExists(atPath: ws + "/" + inbox + "/.taking"))
    }

    @Test func filesTakenByARunAreOutOfTheInboxUntilArchived() throws {
        let ws = try sampleWorkspace()
        let first = try medclaims(["run", "--workspace", ws], environment: ["MEDCLAIMS_CRASH_AT": "files-taken:1"])
        #expect(first.signalled)
        #expect(files(in: ws + "/inbox").isEmpty)
        #expect(files(in: ws + "/inbox/.taking/" + sampleRunId).count == 5)
        // A hospital drops a new file with a taken file's name: this run does not read it.
        try "<not a submission/>".write(toFile: ws + "/inbox/SUB-510100-20260315.xml", atomically: true, encoding: .utf8)
        let second = try medclaims(["run", "--workspace", ws])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try summary(ws + "/out/runs/" + sampleRunId).counts.claims == 43)
        let archived = try String(contentsOfFile: ws + "/archive/\(sampleRunId)/SUB-510100-20260315.xml", encoding: .utf8)
        #expect(archived.contains("<submission"))
        // The new file is the next run's, and is refused there on its own merits.
        #expect(try summary(ws + "/out/runs/R20260316-0002").inputs.first?.outcome == .refused)
        #expect(!FileManager.default.fileExists(atPath: ws + "/inbox/.taking"))
    }

    /// The pain.001 is validated from the bytes its writer hands it, not read back: a file on
    /// disk that holds anything else (here one line break more, still valid XML) is refused
    /// before release. Nothing is published or marked released, no temporary is left, and the
    /// next run pays exactly the clean run's files.
    @Test func aPaymentFileThatDiffersFromWhatWasValidatedIsNeverReleased() throws {
        let clean = try sampleWorkspace()
        try medclaims(["run", "--workspace", clean])
        let ws = try sampleWorkspace()
        let first = try medclaims(["run", "--workspace", ws], environment: ["MEDCLAIMS_TAMPER_PAIN001": "1"])
        #expect(first.status != 0 && !first.signalled)
        #expect(first.stderr.contains("were written and validated"), "\(first.stderr)")
        let folder = ws + "/out/runs/" + sampleRunId
        let written = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(!written.contains { $0.contains("payments") }, "\(written)")
        let second = try medclaims(["run", "--workspace", ws])
        #expect(second.status == 0, "\(second.stderr)")
        try expectSameOutputs(ws, as: clean, ["payments.pain001.xml", "payments.csv", "summary.json"],
                              when: "after a refused payment file")
    }

    @Test func releasedPaymentFilesAreNeverWrittenAgain() throws {
        let ws = try sampleWorkspace()
        let first = try medclaims(["run", "--workspace", ws], environment: ["MEDCLAIMS_CRASH_AT": "paid:1"])
        #expect(first.signalled)
        let folder = ws + "/out/runs/" + sampleRunId
        // The bank upload job collected the files before the rerun.
        for name in ["payments.pain001.xml", "payments.csv"] { try FileManager.default.removeItem(atPath: folder + "/" + name) }
        let second = try medclaims(["run", "--workspace", ws])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(!files(in: folder).contains("payments.pain001.xml"))
        #expect(!files(in: folder).contains("payments.csv"))
        #expect(try summary(folder).payments.transfers == 18)
    }

    @Test func aConfigWithNoPaymentFormatIsRefused() throws {
        let ws = try sampleWorkspace()
        let config = try String(contentsOfFile: ws + "/medclaims.yaml", encoding: .utf8)
        let edited = config.replacingOccurrences(of: "formats: [pain001, csv]", with: "formats: []")
        #expect(edited != config)
        try edited.write(toFile: ws + "/medclaims.yaml", atomically: true, encoding: .utf8)
        let run = try medclaims(["run", "--workspace", ws])
        #expect(run.status == 2)
        #expect(run.stderr.contains("payments.formats"))
        #expect(files(in: ws + "/inbox").count == 5)
    }

    @Test func twoDryRunsKeepTheirOwnFolders() throws {
        let ws = try sampleWorkspace()
        #expect(try medclaims(["run", "--workspace", ws, "--dry-run"]).status == 0)
        #expect(try medclaims(["run", "--workspace", ws, "--dry-run"]).status == 0)
        #expect(files(in: ws + "/out/dry-runs") == ["DRY-\(sampleRunId)", "DRY-\(sampleRunId)-2"])
    }

    @Test func aQuarantineNoteSaysLineExpectedAndFound() throws {
        let ws = try sampleWorkspace()
        try FileManager.default.copyItem(atPath: packageRoot + "/Samples/bad/not-well-formed.xml",
                                         toPath: ws + "/inbox/SUB-00-broken.xml")
        #expect(try medclaims(["run", "--workspace", ws]).status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: ws + "/quarantine/\(sampleRunId)/SUB-00-broken.xml.error.json"))
        let note = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(note["file"] as? String == "inbox/SUB-00-broken.xml")
        #expect((note["line"] as? Int ?? 0) > 0)
        #expect((note["expected"] as? String)?.isEmpty == false)
        #expect((note["found"] as? String)?.isEmpty == false)
    }
}

/// What a hospital runs before it sends a file (issue 2's "Done when").
@Test func checkIsCleanOnTheSampleInboxAndNamesEveryBadSample() throws {
    let inbox = files(in: packageRoot + "/Samples/inbox").map { packageRoot + "/Samples/inbox/" + $0 }
    let clean = try medclaims(["check"] + inbox)
    #expect(clean.status == 0, "\(clean.stdout)")
    #expect(clean.stdout.contains("5 files checked: 5 clean"))
    let badFolder = packageRoot + "/Samples/bad"
    let bad = try medclaims(["check"] + files(in: badFolder).map { badFolder + "/" + $0 })
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("README.md: skipped"))
    for name in files(in: badFolder) where name != "README.md" {
        #expect(bad.stdout.contains(name + ":"), "\(name) is not reported")
    }
}
