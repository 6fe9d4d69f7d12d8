/// Laying out text for a terminal: Chinese characters take two columns, so widths are
/// counted in display columns, not in characters or bytes.
public enum TextLayout {
    /// The columns one character takes: 2 for East Asian wide and fullwidth characters
    /// (汉字, fullwidth punctuation), 0 for combining marks and controls, 1 otherwise.
    public static func width(of character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        let v = scalar.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if (0x0300...0x036F).contains(v) || v == 0x200B || v == 0x200D { return 0 }
        if isWide(v) { return 2 }
        return 1
    }

    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F,    // Hangul Jamo initials
             0x2E80...0x303E,    // CJK radicals, punctuation
             0x3041...0x33FF,    // kana, CJK symbols
             0x3400...0x4DBF,    // CJK extension A
             0x4E00...0x9FFF,    // CJK unified ideographs
             0xA000...0xA4CF,    // Yi
             0xAC00...0xD7A3,    // Hangul syllables
             0xF900...0xFAFF,    // CJK compatibility ideographs
             0xFE30...0xFE4F,    // CJK compatibility forms
             0xFF00...0xFF60,    // fullwidth forms
             0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF,  // emoji shown wide
             0x20000...0x2FFFD, 0x30000...0x3FFFD:  // CJK extensions B and beyond
            return true
        default:
            return false
        }
    }

    /// The display width of a string in columns.
    public static func width(_ text: some StringProtocol) -> Int {
        var total = 0
        for c in text { total += width(of: c) }
        return total
    }

    /// Control characters (newlines, tabs, escape sequences) replaced by spaces, so a value
    /// taken from a log can neither break a table's rows nor drive the terminal.
    public static func singleLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) }) else {
            return text
        }
        return String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) ? " " : $0
        }))
    }

    /// The text cut to at most `columns` display columns, ending in `…` when it was cut.
    public static func truncate(_ text: String, to columns: Int) -> String {
        guard width(text) > columns else { return text }
        guard columns > 0 else { return "" }
        var result = ""
        var used = 0
        for c in text {
            let w = width(of: c)
            if used + w > columns - 1 { break }
            result.append(c)
            used += w
        }
        return result + "…"
    }

    public enum Alignment { case left, right }

    /// The text padded with spaces to exactly `columns` display columns (cut first if longer).
    public static func pad(_ text: String, to columns: Int, _ alignment: Alignment = .left) -> String {
        let cut = truncate(text, to: columns)
        let gap = String(repeating: " ", count: max(columns - width(cut), 0))
        return alignment == .left ? cut + gap : gap + cut
    }

    /// The text broken into lines of at most `columns` display columns, at spaces where it
    /// can, anywhere in a word longer than a line (Chinese has no spaces to break at).
    /// Every line but the first starts with `indent`; the first line is the caller's.
    public static func wrap(_ text: String, columns: Int, indent: String = "") -> [String] {
        let limit = max(columns, 10)
        var lines: [String] = []
        var current = ""
        var currentWidth = 0
        let indentWidth = width(indent)
        func newLine() {
            lines.append(current)
            current = indent
            currentWidth = indentWidth
        }
        let words = singleLine(text).split(separator: " ", omittingEmptySubsequences: true)
        for word in words {
            let w = width(word)
            let lineStart = lines.isEmpty ? 0 : indentWidth
            let needsSpace = currentWidth > lineStart
            if currentWidth + (needsSpace ? 1 : 0) + w <= limit {
                if needsSpace { current += " "; currentWidth += 1 }
                current += word
                currentWidth += w
                continue
            }
            if needsSpace { newLine() }
            // A word too long for a whole line is broken by characters.
            for c in word {
                let cw = width(of: c)
                if currentWidth + cw > limit, currentWidth > (lines.isEmpty ? 0 : indentWidth) { newLine() }
                current.append(c)
                currentWidth += cw
            }
        }
        lines.append(current)
        return lines
    }
}

/// A plain-text table for a terminal: columns aligned by display width, long cells cut
/// with `…`, the flexible columns narrowed until the table fits `maxWidth`.
struct TextTable {
    struct Column {
        var title: String
        var alignment: TextLayout.Alignment = .left
        /// The widest this column gets, however long its cells.
        var maxWidth: Int = 40
        /// The narrowest it may be squeezed to when the table is too wide; nil: never squeezed.
        var minWidth: Int? = nil
    }

    var columns: [Column]
    var rows: [[String]] = []
    /// A line of text under a row, indented, as wide as the terminal allows (a rejection's
    /// reason, too long for a column).
    var notes: [String?] = []
    /// Rows drawn under a rule after the others (totals).
    var footer: [[String]] = []

    init(_ columns: [Column]) { self.columns = columns }

    func render(maxWidth: Int) -> String {
        let all = ([columns.map(\.title)] + rows + footer).map { $0.map(TextLayout.singleLine) }
        var widths = columns.indices.map { i in
            min(all.map { TextLayout.width($0[i]) }.max() ?? 0, max(columns[i].maxWidth, TextLayout.width(columns[i].title)))
        }
        let separator = 2
        func total() -> Int { widths.reduce(0, +) + separator * max(widths.count - 1, 0) }
        // Narrow the widest squeezable column, one column at a time, until the table fits.
        while total() > maxWidth {
            let candidates = columns.indices.filter { i in columns[i].minWidth.map { widths[i] > $0 } ?? false }
            guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { break }
            widths[widest] -= 1
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (i, cell) in cells.enumerated() {
                if i > 0 { text += String(repeating: " ", count: separator) }
                text += TextLayout.pad(cell, to: widths[i], columns[i].alignment)
            }
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        let rule = String(repeating: "-", count: total())
        var out = [line(all[0]), rule]
        for (i, cells) in all[1..<(1 + rows.count)].enumerated() {
            out.append(line(cells))
            if i < notes.count, let note = notes[i] {
                out.append("    " + TextLayout.truncate(TextLayout.singleLine(note), to: maxWidth - 4))
            }
        }
        if !footer.isEmpty {
            out.append(rule)
            out += all[(1 + rows.count)...].map(line)
        }
        return out.joined(separator: "\n") + "\n"
    }
}
