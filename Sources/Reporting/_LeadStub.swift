import Domain
public enum RunReport { public static func html(summary: RunSummary) -> String { "" } }
