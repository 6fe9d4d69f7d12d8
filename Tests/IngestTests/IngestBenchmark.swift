import CLibXML2
import Domain
import Ingest
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The measuring harness of issue 7: reads the files named in `MEDCLAIMS_INGEST_BENCH`
/// (colon-separated) through `SubmissionReader.read` with an `onClaim` that only counts, and
/// prints seconds, claims/s and peak RSS. Skipped unless the variable is set. Run it in
/// release mode (debug numbers mean nothing):
///
///     MEDCLAIMS_INGEST_BENCH=/tmp/ip-xml/inbox/a.xml swift test -c release --filter IngestBenchmark
///
/// `MEDCLAIMS_INGEST_BENCH_RUNS` repeats each file (default 1); the best run is printed too.
/// Compare with `xmllint --stream --noout` on the same file.
///
/// `MEDCLAIMS_INGEST_DUMP=FILE` instead writes every claim delivered (its full description)
/// and the summary of each file to FILE: dumps made before and after a change to the readers
/// must be identical.
@Suite struct IngestBenchmark {
    static let files: [String] = {
        guard let value = getenv("MEDCLAIMS_INGEST_BENCH") else { return [] }
        return String(cString: value).split(separator: ":").map(String.init)
    }()

    static let runs: Int = getenv("MEDCLAIMS_INGEST_BENCH_RUNS").flatMap { Int(String(cString: $0)) } ?? 1

    /// No Foundation here: seconds with two decimals by hand.
    static func twoDecimals(_ seconds: Double) -> String {
        let hundredths = Int((seconds * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// The floor in this process: libxml2's reader alone over the file, as `xmllint --stream
    /// --noout` does, with the options the submission reader uses. Seconds.
    static func floor(_ file: String) -> Double {
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_COMPACT.rawValue)
        guard let reader = xmlReaderForFile(file, nil, options) else { return 0 }
        while xmlTextReaderRead(reader) == 1 {}
        xmlFreeTextReader(reader)
        clock_gettime(CLOCK_MONOTONIC, &end)
        return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
    }

    static let dump: String? = getenv("MEDCLAIMS_INGEST_DUMP").map { String(cString: $0) }

    @Test(.enabled(if: !files.isEmpty && dump != nil, "set MEDCLAIMS_INGEST_BENCH and MEDCLAIMS_INGEST_DUMP to dump"))
    func dumpEveryClaim() throws {
        let out = try #require(fopen(Self.dump!, "wb"))
        defer { fclose(out) }
        func write(_ text: String) { _ = text.utf8CString.withUnsafeBufferPointer { fputs($0.baseAddress!, out) } }
        for file in Self.files {
            do {
                let summary = try SubmissionReader.read(path: file, displayName: file) { write("\($0)\n") }
                write("summary \(summary)\n")
            } catch {
                write("refused \(error)\n")
            }
        }
    }

    @Test(.enabled(if: !files.isEmpty && dump == nil, "set MEDCLAIMS_INGEST_BENCH to measure"))
    func readWithNoOpConsumer() throws {
        for file in Self.files {
            var best: Double = .infinity, bestCPU: Double = .infinity, bestFloor: Double = .infinity
            var ratios: [Double] = []
            for run in 1...max(1, Self.runs) {
                var valid = 0, invalid = 0, lines = 0
                var start = timespec(), end = timespec(), cpuStart = timespec(), cpuEnd = timespec()
                clock_gettime(CLOCK_MONOTONIC, &start)
                clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpuStart)
                let summary = try SubmissionReader.read(path: file, displayName: file) { claim in
                    // Almost nothing: enough that the claim is not optimised away.
                    switch claim {
                    case .valid(let c): valid += 1; lines += c.lines.count
                    case .invalid: invalid += 1
                    }
                }
                clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpuEnd)
                clock_gettime(CLOCK_MONOTONIC, &end)
                let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
                // CPU time too: on a shared machine the wall clock counts other people's work.
                let cpuSeconds = Double(cpuEnd.tv_sec - cpuStart.tv_sec) + Double(cpuEnd.tv_nsec - cpuStart.tv_nsec) / 1e9
                best = min(best, seconds)
                bestCPU = min(bestCPU, cpuSeconds)
                var usage = rusage()
                getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
                let rate = Int(Double(summary.claims) / seconds)
                print("ingest-bench \(file) run \(run): \(summary.claims) claims (\(valid) valid, \(invalid) invalid), "
                      + "\(summary.lines) lines (\(lines) in valid claims); "
                      + "\(Self.twoDecimals(seconds)) s (CPU \(Self.twoDecimals(cpuSeconds)) s), \(rate) claims/s, peak RSS \(usage.ru_maxrss / 1024) MB")
                #expect(valid + invalid == summary.claims)
                // The floor right after, so that both see the same machine.
                if file.hasSuffix(".xml") {
                    let floor = Self.floor(file)
                    bestFloor = min(bestFloor, floor)
                    ratios.append(seconds / floor)
                }
            }
            print("ingest-bench \(file) best: \(Self.twoDecimals(best)) s, CPU \(Self.twoDecimals(bestCPU)) s")
            if file.hasSuffix(".xml") {
                print("ingest-bench floor: libxml2's reader alone, best of runs alternating with the reader's: "
                      + "\(Self.twoDecimals(bestFloor)) s; reader / floor \(Self.twoDecimals(best / bestFloor)) (best / best), "
                      + "\(Self.twoDecimals(ratios.sorted()[ratios.count / 2])) (median of runs)")
            }
        }
    }
}
