import Domain
import Foundation
import Payments
import RunState
import TextFormats

/// The step where money leaves. The ledger first assigns each payable claim to exactly one
/// transfer per payee (one transaction); the files are then written under temporary names from
/// the recorded transfers, validated, renamed, and only then marked released. A resumed run
/// writes the identical files again from the same records, never a second set of transfers.
struct PaymentStage {
    let execution: RunExecution

    static func messageId(runId: String) -> String { "MC-" + runId }

    func run() throws {
        let record = execution.record
        let store = execution.store
        let config = execution.runner.config
        let totals = try store.assignTransfers(runId: record.id)
        // The ledger's sums were kept checkpoint by checkpoint, beside the claims; the run's
        // totals from the same claims' results. Before any money is named they must agree.
        let decided = try RunTotals.from(json: record.totalsJSON).totals.payable
        guard totals.total == decided.fen else {
            throw BatchError.failed("""
                the ledger's transfers for run \(record.id) add up to \(Yuan(totals.total)), its results to \(decided); \
                nothing was paid
                """)
        }
        CrashPoint.reached("transfers-recorded")
        guard totals.count > 0 else {
            execution.log.info("nothing payable: no payment files")
            return
        }
        // A dry run pays nothing: its ledger lives on the scratch copy of the state only.
        if execution.runner.request.dryRun { return }
        // Released before a kill: the files may already be with the bank; never write them again.
        if try store.transfersReleased(runId: record.id) {
            execution.log.info("payment files were already released")
            return
        }

        guard let executionDate = Day(record.startedAt.prefix(10)) else {
            throw BatchError.failed("run \(record.id) has an unreadable start time \(record.startedAt)")
        }
        let header = PaymentBatchHeader(
            messageId: Self.messageId(runId: record.id), paymentInfoId: Self.messageId(runId: record.id) + "-P1",
            creationDateTime: record.startedAt, requestedExecutionDate: executionDate,
            numberOfTransactions: totals.count, controlSum: totals.total, payer: config.payer)

        // Every format is written in one pass over the ledger, each under a temporary name.
        let files = config.paymentFormats.map { format -> (format: PaymentFileFormat, temporary: String, final: String) in
            let final = execution.folder + "/" + format.fileName
            return (format, AtomicFile.temporaryPath(for: final), final)
        }
        var pain001: (writer: Pain001Writer, validation: Pain001Validation, temporary: String)?
        var csv: BankCSVWriter?
        for file in files {
            switch file.format {
            case .pain001:
                // Validated as it is written (one pass, beside the writing); judged below,
                // before anything is renamed.
                let validation = Pain001Validation(naming: file.format.fileName)
                pain001 = (try Pain001Writer(path: file.temporary, header: header, validation: validation), validation,
                           file.temporary)
            case .csv: csv = try BankCSVWriter(path: file.temporary, header: header, encoding: config.csvEncoding)
            }
        }
        try store.forEachTransfer(runId: record.id) { transfer, payee, setlIds in
            // Checked and cleaned once, for both files.
            let payment = try PreparedTransfer(PaymentTransfer(
                endToEndId: transfer.endToEndId, payee: payee, amount: transfer.amount,
                remittance: Remittance.text(setlIds: setlIds, totalClaims: transfer.claims)))
            try pain001?.writer.append(payment)
            try csv?.append(payment)
        }
        try pain001?.writer.finish()
        try csv?.finish()
        CrashPoint.reached("payment-file-written")
        if let pain001 {
            TamperedPaymentFile.apply(to: pain001.temporary)
            var problems = try pain001.validation.errors()
            // What was validated is every byte the writer handed the file; the file, synced,
            // must hold exactly that many (it is not read back).
            let written = pain001.writer.bytesWritten
            let size = (try? FileManager.default.attributesOfItem(atPath: pain001.temporary)[.size] as? NSNumber)?.int64Value
            if problems.isEmpty && size != written {
                problems.append("the file holds \(size.map(String.init) ?? "no") bytes, but \(written) were written and validated")
            }
            guard problems.isEmpty else {
                for f in files { try? FileManager.default.removeItem(atPath: f.temporary) }
                execution.log.error("payment file failed validation", metadata: ["errors": .string(problems.joined(separator: "; "))])
                throw BatchError.failed("""
                    \(PaymentFileFormat.pain001.fileName) failed its check before release (the pain.001.001.09 XSD, its \
                    totals, its size); no transfer was marked released:
                    \(problems.prefix(10).joined(separator: "\n"))
                    """)
            }
        }
        CrashPoint.reached("payment-file-validated")
        for file in files {
            try AtomicFile.publish(file.temporary, as: file.final)
            CrashPoint.reached("payment-file-published")
        }
        try store.markTransfersReleased(runId: record.id)
        execution.log.info("payment files released", metadata: [
            "transfers": "\(totals.count)", "ctrl_sum": .string(totals.total.yuan),
            "files": .string(files.map(\.format.fileName).joined(separator: " ")),
        ])
    }
}
