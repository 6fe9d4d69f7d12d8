import Domain
import TextFormats

/// A reference CSV read strictly: columns found by name in the header, every row the header's
/// field count, every field parsed with an error naming the file, line and column.
final class CSVTable {
    /// The path shown in errors.
    let file: String
    private let reader: CSVReader
    private var columns: [String: Int] = [:]
    private var width = 0

    init(path: String, file: String, required: [String]) throws {
        self.file = file
        do {
            reader = try CSVReader(path: path, encoding: .utf8)
        } catch {
            throw ReferenceError(file: file, message: "cannot be read: \(error)")
        }
        guard let header = try readRecord() else {
            throw ReferenceError(file: file, line: 1, message: "is empty: expected a header row")
        }
        width = header.count
        for i in 0..<header.count {
            let name = header.string(i).trimmingSpaces
            if columns[name] != nil {
                throw ReferenceError(file: file, line: header.line, keyPath: name,
                                     message: "column '\(name)' appears twice in the header")
            }
            columns[name] = i
        }
        for name in required where columns[name] == nil {
            throw ReferenceError(file: file, line: header.line, keyPath: name,
                                 message: "the header has no column '\(name)'")
        }
    }

    func next() throws -> Row? {
        guard let record = try readRecord() else { return nil }
        guard record.count == width else {
            throw ReferenceError(file: file, line: record.line,
                                 message: "has \(record.count) fields, the header has \(width)")
        }
        return Row(table: self, record: record)
    }

    private func readRecord() throws -> CSVRecord? {
        do {
            return try reader.next()
        } catch let error as CSVError {
            throw ReferenceError(file: file, line: error.line, message: error.message)
        }
    }

    func column(_ name: String) -> Int { columns[name]! }

    struct Row {
        let table: CSVTable
        let record: CSVRecord

        var line: Int { record.line }

        func fail(_ column: String, _ message: String) -> ReferenceError {
            ReferenceError(file: table.file, line: record.line, keyPath: column, message: message)
        }

        /// The field as text (columns are required in the header, so always present).
        func text(_ column: String) -> String { record.string(table.column(column)) }

        func required(_ column: String) throws -> String {
            let value = text(column)
            if value.isEmpty { throw fail(column, "\(column) is empty") }
            return value
        }

        func day(_ column: String) throws -> Day {
            let value = try required(column)
            guard let day = Day(value) else { throw fail(column, "\(column) '\(value)' is not a date YYYY-MM-DD") }
            return day
        }

        func optionalDay(_ column: String) throws -> Day? { text(column).isEmpty ? nil : try day(column) }

        /// A period from two date columns, the second optional (open) and not before the first.
        func period(_ begin: String, _ end: String) throws -> Period {
            let from = try day(begin)
            let to = try optionalDay(end)
            if let to, to < from { throw fail(end, "\(end) \(to) is before \(begin) \(from)") }
            return Period(begin: from, end: to)
        }

        func decimal(_ column: String, scale: Int) throws -> Int64 {
            let value = try required(column)
            switch DecimalText.parse(value, scale: scale) {
            case .success(let v): return v
            case .failure(let failure): throw fail(column, "\(column) '\(value)' \(failure)")
            }
        }

        func code<T: RawRepresentable>(_ column: String, _ type: T.Type, expected: String) throws -> T
            where T.RawValue == String
        {
            let value = text(column)
            guard let code = T(rawValue: value) else {
                throw fail(column, "\(column) '\(value)' is not one of \(expected)")
            }
            return code
        }

        func digits(_ column: String, counts: ClosedRange<Int>) throws -> String {
            let value = try required(column)
            guard counts.contains(value.utf8.count), value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                let lengths = counts.count == 1 ? "\(counts.lowerBound)" : "\(counts.lowerBound) to \(counts.upperBound)"
                throw fail(column, "\(column) '\(value)' is not \(lengths) digits")
            }
            return value
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
