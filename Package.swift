// swift-tools-version:6.0
// medclaims: one SwiftPM target per pipeline stage or concern, so the compiler keeps the borders.
//
//   ingest ─▶ normalise/validate ─▶ adjudicate ─▶ record ─▶ pay ─▶ report
//   (Ingest)                         (Adjudication, pure) (RunState) (Payments) (Reporting)
//
// `Batch` drives the line over the durable state store; `medclaims` is the thin CLI on top.
import PackageDescription

/// Exclusivity is checked at compile time everywhere; the run-time checks (`swift_beginAccess`
/// on every class property access) cost measurable time on the per-claim path of a release build.
let releaseSpeed: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "medclaims",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "medclaims", targets: ["medclaims"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // libxml2, the system C library (apt: libxml2-dev). Its module map adds small C shims.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // OpenSSL's libcrypto, for SHA-256: every submission byte is hashed, and its
        // implementation uses the CPU's SHA instructions (about 1 GB/s here against 0.2 GB/s
        // for portable Swift; issue 7).
        .systemLibrary(
            name: "CLibCrypto",
            path: "Sources/CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // The system SQLite that GRDB links, for the one setting GRDB does not offer (a C shim:
        // sqlite3_config is variadic).
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // The vocabulary every stage shares: money in fen, days, codes, claims, reference
        // data, decisions. No dependencies and no I/O.
        .target(name: "Domain", swiftSettings: releaseSpeed),
        // The pure adjudication core: claim + reference data + accumulators in, decision out.
        .target(name: "Adjudication", dependencies: ["Domain"], swiftSettings: releaseSpeed),
        // Byte-level text formats: the RFC 4180 CSV reader, iconv transcoding, atomic files.
        .target(name: "TextFormats", dependencies: ["CLibCrypto"], swiftSettings: releaseSpeed),
        // Loading reference data (policy.yaml, roster, catalogues...) strictly.
        .target(name: "Reference", dependencies: [
            "Domain", "TextFormats", .product(name: "Yams", package: "Yams"),
        ]),
        // Reading hospital submissions (XML through libxml2's streaming reader, CSV) into claims.
        .target(name: "Ingest", dependencies: ["Domain", "TextFormats", "CLibXML2"], swiftSettings: releaseSpeed),
        // The durable run state in SQLite (GRDB): runs, checkpoints, accumulators, ledger.
        .target(name: "RunState", dependencies: [
            "Domain", "TextFormats", "CSQLite", .product(name: "GRDB", package: "GRDB.swift"),
        ], swiftSettings: releaseSpeed),
        // Payment files: ISO 20022 pain.001.001.09 and the bank CSV, with XSD validation.
        .target(name: "Payments", dependencies: ["Domain", "TextFormats", "CLibXML2"],
                resources: [.copy("Resources/pain.001.001.09.xsd")]),
        // What people read: result logs, audit over them, report.html.
        .target(name: "Reporting", dependencies: ["Domain", "TextFormats"]),
        // The batch run: workspace, config, lock, stages, checkpoints, resume.
        .target(name: "Batch", dependencies: [
            "Domain", "Adjudication", "TextFormats", "Reference", "Ingest", "RunState",
            "Payments", "Reporting",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: releaseSpeed),
        .executableTarget(name: "medclaims", dependencies: [
            "Batch", "Domain", "Ingest", "Reference", "Adjudication", "Reporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "DomainTests", dependencies: ["Domain"]),
        .testTarget(name: "AdjudicationTests", dependencies: ["Adjudication", "Domain", "Reference", "TextFormats"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Domain", "TextFormats", "CLibXML2"], exclude: ["Fixtures"]),
        .testTarget(name: "ReferenceTests", dependencies: ["Reference", "Domain"]),
        .testTarget(name: "PaymentsTests", dependencies: ["Payments", "Domain", "TextFormats", "CLibXML2"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "Domain", "TextFormats"], exclude: ["Fixtures"]),
        .testTarget(name: "TextFormatsTests", dependencies: ["TextFormats"]),
        .testTarget(name: "RunStateTests", dependencies: ["RunState", "Domain", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "BatchTests", dependencies: ["Batch", "RunState", "Domain", "Payments", "Reporting"],
                    exclude: ["Fixtures"]),
    ]
)
