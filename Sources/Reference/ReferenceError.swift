/// Reference data that does not load: the run is refused with the file, the line and the field
/// or key path, and what is wrong (data.md, "Run refused").
public struct ReferenceError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int?
    /// The policy key path (`regions.130100.schemes.310.groups.inpatient.tiers[1].upto`) or the
    /// CSV column name.
    public var keyPath: String?
    public var message: String

    public init(file: String, line: Int? = nil, keyPath: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let keyPath { place += " \(keyPath)" }
        return "\(place): \(message)"
    }
}
