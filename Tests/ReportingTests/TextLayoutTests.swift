import Testing
@testable import Reporting

@Suite struct TextLayoutTests {
    @Test func chineseCountsDouble() {
        #expect(TextLayout.width("张伟") == 4)
        #expect(TextLayout.width("H31010400017") == 12)
        #expect(TextLayout.width("床位费 x9") == 9)  // 3 × 2 + 3
    }

    @Test func truncatesWithEllipsisByColumns() {
        // 阿莫西林胶囊 is 12 columns; in 7: three characters (6) and the ellipsis (1).
        #expect(TextLayout.truncate("阿莫西林胶囊", to: 7) == "阿莫西…")
        // In 8 the fourth character (8 + 1 > 8) still does not fit with the ellipsis.
        #expect(TextLayout.truncate("阿莫西林胶囊", to: 8) == "阿莫西…")
        #expect(TextLayout.truncate("阿莫西林胶囊", to: 12) == "阿莫西林胶囊")
        #expect(TextLayout.truncate("LATE_SUBMISSION", to: 6) == "LATE_…")
    }

    @Test func padsToDisplayWidth() {
        #expect(TextLayout.pad("张伟", to: 6) == "张伟  ")
        #expect(TextLayout.pad("12.50", to: 8, .right) == "   12.50")
    }

    @Test func wrapsAtSpacesAndInsideChinese() {
        let lines = TextLayout.wrap("one two three four", columns: 10)
        #expect(lines == ["one two", "three four"])
        // No spaces: broken by characters, 10 columns = 5 characters.
        let chinese = TextLayout.wrap("石家庄市医疗保障事务中心", columns: 10)
        #expect(chinese == ["石家庄市医", "疗保障事务", "中心"])
    }

    @Test func controlCharactersCannotBreakRows() {
        #expect(TextLayout.singleLine("a\nb\u{1B}[31m") == "a b [31m")
    }

    @Test func tableColumnsLineUpWithChineseAndFitTheWidth() {
        var table = TextTable([
            TextTable.Column(title: "code"),
            TextTable.Column(title: "name", maxWidth: 40, minWidth: 6),
            TextTable.Column(title: "amount", alignment: .right),
        ])
        table.rows = [["H1", "石家庄市第二医院", "1234.50"], ["H22", "Clinic", "5.00"]]
        let lines = table.render(maxWidth: 200).split(separator: "\n").map(String.init)
        // code 4, name 16 (8 × 2), amount 7, two gaps of 2: 31 columns per row.
        #expect(lines[2] == "H1    石家庄市第二医院  1234.50")
        #expect(lines[3] == "H22   Clinic               5.00")
        // Squeezed to 25 columns, the name column gives up 6 (16 → 10) and is cut with an
        // ellipsis: four characters (8) and … (1), padded by one space to 10.
        let narrow = table.render(maxWidth: 25).split(separator: "\n").map(String.init)
        #expect(narrow[2] == "H1    石家庄市…   1234.50")
        #expect(narrow.allSatisfy { TextLayout.width($0) <= 25 })
    }
}
