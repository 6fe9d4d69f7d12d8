import Domain

/// Refund netting (rules.md §2 and "Netting"): lines of the same `code` and numerically equal
/// `pric` are merged, refund or not. The merged line keeps the position, `sn`, `name` and
/// `time` of the group's first line with `cnt > 0`; a net `cnt` of zero drops the group
/// silently; a net `cnt` below zero makes the claim `INVALID_DATA`.
enum Netting {
    enum Outcome {
        case netted([FeeLine])
        case invalid(Reason)
    }

    private struct Key: Hashable {
        let code: String
        let pric: MicroYuan
    }

    private struct Group {
        var cnt: Quantity4 = 0
        var amount: Fen = 0
        /// Index in the submitted lines of the first line with `cnt > 0`.
        var representative: Int?
        /// Index of the group's first line, whatever its sign (for error messages).
        var first: Int
    }

    static func net(_ lines: [FeeLine], submission: String) -> Outcome {
        // Most claims have no refund: nothing to merge when every (code, pric) is distinct and
        // every cnt is positive. The general path below handles that too; this keeps the
        // common case from building a dictionary per claim.
        if lines.allSatisfy({ $0.cnt > 0 && $0.amount >= 0 }) && !hasRepeatedKey(lines) { return .netted(lines) }

        // A claim's groups are found by comparing with each group's first line (price first,
        // then code) while there are few; a long claim hashes its keys instead.
        let fewLines = lines.count <= 32
        var index: [Key: Int] = [:]
        var groups: [Group] = []
        groups.reserveCapacity(lines.count)
        for (i, line) in lines.enumerated() {
            let found: Int?
            if fewLines {
                found = groups.firstIndex { lines[$0.first].pric == line.pric && lines[$0.first].code == line.code }
            } else {
                found = index[Key(code: line.code, pric: line.pric)]
            }
            let g: Int
            if let found {
                g = found
            } else {
                g = groups.count
                if !fewLines { index[Key(code: line.code, pric: line.pric)] = g }
                groups.append(Group(first: i))
            }
            groups[g].cnt += line.cnt
            groups[g].amount += line.amount
            if groups[g].representative == nil && line.cnt > 0 { groups[g].representative = i }
        }

        var merged: [(position: Int, line: FeeLine)] = []
        for group in groups {
            let firstLine = lines[group.first]
            if group.cnt < 0 || (group.cnt > 0 && group.amount < 0) {
                let what = group.cnt < 0
                    ? "net cnt \(Text.quantity(group.cnt))"
                    : "net amount \(group.amount.yuan)"
                return .invalid(Reason(
                    .invalidData,
                    detail: "refund lines of code \(firstLine.code) at pric \(Text.price(firstLine.pric)) net below zero: \(what)",
                    basis: "submission \(submission) line \(firstLine.sourceLine); data.md: refunds that net a code below zero"))
            }
            guard group.cnt > 0, let r = group.representative else { continue }  // net zero: dropped
            var line = lines[r]
            line.cnt = group.cnt
            line.amount = group.amount
            merged.append((r, line))
        }
        merged.sort { $0.position < $1.position }
        return .netted(merged.map(\.line))
    }

    private static func hasRepeatedKey(_ lines: [FeeLine]) -> Bool {
        if lines.count < 2 { return false }
        if lines.count <= 32 {  // quadratic but allocation-free for the usual 20 lines
            for i in 1..<lines.count {
                for j in 0..<i where lines[i].pric == lines[j].pric && lines[i].code == lines[j].code {
                    return true
                }
            }
            return false
        }
        // Long claims: equal keys have equal prices, so sort the positions by price and compare
        // codes only within runs of one price (no hashing of codes).
        let byPrice = lines.indices.sorted { lines[$0].pric < lines[$1].pric }
        var runStart = 0
        for k in 1..<byPrice.count {
            if lines[byPrice[k]].pric != lines[byPrice[runStart]].pric {
                runStart = k
                continue
            }
            let code = lines[byPrice[k]].code
            for j in runStart..<k where lines[byPrice[j]].code == code { return true }
        }
        return false
    }
}
