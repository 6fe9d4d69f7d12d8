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
        let transfers = try store.assignTransfers(runId: record.id) { record.id + "-T" + pad($0, 6) }
        CrashPoint.reached("transfers-recorded")
        guard !transfers.isEmpty else {
            execution.log.info("nothing payable: no payment files")
            return
        }
        // A dry run pays nothing: its ledger lives on the scratch copy of the state only.
        if execution.runner.request.dryRun { return }

        let controlSum = transfers.reduce(Fen(0)) { $0 + $1.amount }
        guard let executionDate = Day(record.startedAt.prefix(10)) else {
            throw BatchError.failed("run \(record.id) has an unreadable start time \(record.startedAt)")
        }
        let header = PaymentBatchHeader(
            messageId: Self.messageId(runId: record.id), paymentInfoId: Self.messageId(runId: record.id) + "-P1",
            creationDateTime: record.startedAt, requestedExecutionDate: executionDate,
            numberOfTransactions: transfers.count, controlSum: controlSum, payer: config.payer)

        var written: [(temporary: String, final: String)] = []
        for format in config.paymentFormats {
            let final = execution.folder + "/" + format.fileName
            let temporary = AtomicFile.temporaryPath(for: final)
            switch format {
            case .pain001:
                let writer = try Pain001Writer(path: temporary, header: header)
                for t in transfers { try writer.append(try paymentTransfer(t)) }
                try writer.finish()
                let problems = try PaymentSchema.validate(fileAt: temporary)
                guard problems.isEmpty else {
                    try? FileManager.default.removeItem(atPath: temporary)
                    execution.log.error("payment file failed validation", metadata: ["errors": .string(problems.joined(separator: "; "))])
                    throw BatchError.failed("""
                        \(format.fileName) does not validate against pain.001.001.09; nothing was released:
                        \(problems.prefix(10).joined(separator: "\n"))
                        """)
                }
            case .csv:
                let writer = try BankCSVWriter(path: temporary, header: header, encoding: config.csvEncoding)
                for t in transfers { try writer.append(try paymentTransfer(t)) }
                try writer.finish()
            }
            written.append((temporary, final))
            CrashPoint.reached("payment-file-written")
        }
        for file in written {
            try AtomicFile.publish(file.temporary, as: file.final)
            CrashPoint.reached("payment-file-published")
        }
        try store.markTransfersReleased(runId: record.id)
        execution.log.info("payment files released", metadata: [
            "transfers": "\(transfers.count)", "ctrl_sum": .string(controlSum.yuan),
            "files": .string(written.map { ($0.final as NSString).lastPathComponent }.joined(separator: " ")),
        ])
    }

    func paymentTransfer(_ t: TransferRecord) throws -> PaymentTransfer {
        guard let payee = try execution.store.payee(of: t) else {
            throw BatchError.failed("transfer \(t.endToEndId) has no claims in the ledger")
        }
        let ids = try execution.store.setlIds(transfer: t.endToEndId, limit: 6)
        return PaymentTransfer(endToEndId: t.endToEndId, payee: payee, amount: t.amount,
                               remittance: Remittance.text(setlIds: ids, totalClaims: t.claims))
    }
}
