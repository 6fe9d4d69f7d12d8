import Domain
import Foundation
import Testing
@testable import Reporting

@Suite struct ReasonTextsTests {
    static let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/reason-codes.md").standardized.path

    @Test func everyCodeHasAllFourTexts() {
        var titles = Set<String>()
        for code in ReasonCode.allCases {
            let t = ReasonTexts.entry(for: code)
            #expect(!t.title.isEmpty && !t.trigger.isEmpty && !t.basis.isEmpty && !t.remedy.isEmpty, "\(code)")
            #expect(t.basis.contains("rules.md"), "\(code) names its step of rules.md")
            #expect(titles.insert(t.title).inserted, "\(code) has a title of its own")
        }
    }

    /// docs/reason-codes.md carries each code's section exactly as `ReasonTexts` words it,
    /// so the two cannot drift apart.
    @Test func theDocumentHasEveryCodeAndText() throws {
        let text = try String(contentsOfFile: Self.doc, encoding: .utf8)
        for code in ReasonCode.allCases {
            let t = ReasonTexts.entry(for: code)
            #expect(text.contains("`\(code.rawValue)`"), "\(code)")
            #expect(text.contains(t.title), "\(code) title")
            #expect(text.contains(ReasonTexts.markdown(for: code)), "\(code): the section differs from ReasonTexts")
        }
    }
}
