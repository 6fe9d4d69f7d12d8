import CLibXML2

extension SubmissionReader {
    /// libxml2 must initialise its global state once, on one thread, before readers run on
    /// several threads (libxml2's thread-safety notes).
    public static func prepareForThreads() {
        xmlInitParser()
    }
}
