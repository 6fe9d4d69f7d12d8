import Domain
public struct ReferenceError: Error, CustomStringConvertible, Sendable { public var file: String; public var line: Int?; public var keyPath: String?; public var message: String; public var description: String { message } }
public enum ReferenceLoader {
    public static func load(directory: String) throws -> ReferenceData { fatalError() }
    public static func files(in directory: String) throws -> [String] { fatalError() }
}
