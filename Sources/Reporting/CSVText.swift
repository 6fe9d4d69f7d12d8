/// CSV for people who open it in a spreadsheet: RFC 4180 (comma, CRLF, fields with a comma,
/// quote or line break in double quotes, quotes doubled), UTF-8 with a byte order mark so
/// Excel reads Chinese, and text cells that a spreadsheet would take for a formula
/// neutralised as OWASP advises ("CSV injection").
public enum CSVText {
    /// The UTF-8 byte order mark, written once at the start of the file.
    public static let byteOrderMark = "\u{FEFF}"

    /// A text cell: a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` in front,
    /// so the spreadsheet shows the text instead of evaluating it; then RFC 4180 quoting.
    public static func text(_ value: String) -> String {
        var v = value
        if let first = v.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            v = "'" + v
        }
        return quoted(v)
    }

    /// A cell the program wrote itself and knows to be a plain number ("-12.50", "3"): left
    /// as it is, so the spreadsheet reads a number.
    public static func number(_ value: String) -> String { quoted(value) }

    /// RFC 4180: in double quotes, quotes doubled, when the value has a comma, quote or line break.
    public static func quoted(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return value
        }
        var out = "\""
        for c in value {
            if c == "\"" { out += "\"\"" } else { out.append(c) }
        }
        return out + "\""
    }

    /// One record: cells already made by `text` or `number`, CRLF at the end.
    public static func record(_ cells: [String]) -> String { cells.joined(separator: ",") + "\r\n" }
}
