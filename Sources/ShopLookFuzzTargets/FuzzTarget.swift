/// One fuzz target: a parser of outside input fed arbitrary bytes, with the invariants it must keep.
///
/// The same body runs under libFuzzer (`shoplook-fuzz NAME` built by `Benchmarks/run-fuzz` with
/// `-sanitize=fuzzer,address`) and in the plain test suite over the seed corpus and every input a fuzzer once
/// crashed on (`Fuzz/corpus/<name>/`). A body throws ``FuzzFailure`` when an invariant breaks; a memory error or
/// a trap in the code under test ends the process, which libFuzzer reports with the input.
///
/// A body keeps no state between inputs except resources loaded once (the compiled schemas, a base JPEG), so
/// an input fails or passes the same way on every run, alone or in a batch.
public struct FuzzTarget: Sendable {
    /// The command-line name and the corpus folder, e.g. `json`.
    public let name: String
    /// What the target feeds, and what it checks.
    public let summary: String
    private let body: @Sendable (UnsafeRawBufferPointer) throws(FuzzFailure) -> Void

    init(name: String, summary: String, body: @escaping @Sendable (UnsafeRawBufferPointer) throws(FuzzFailure) -> Void) {
        self.name = name
        self.summary = summary
        self.body = body
    }

    /// Runs the target on one input.
    public func run(_ input: UnsafeRawBufferPointer) throws(FuzzFailure) {
        try body(input)
    }

    /// Runs the target on one input.
    public func run(_ input: [UInt8]) throws(FuzzFailure) {
        let result = input.withUnsafeBytes { buffer in
            Result { () throws(FuzzFailure) in try body(buffer) }
        }
        try result.get()
    }

    /// Every target, in the order `Benchmarks/run-fuzz` runs them.
    public static let all: [FuzzTarget] = [
        .jpeg, .exif, .png, .json, .messages, .csv, .multipart, .searchWire, .forms, .reindex,
    ]

    /// Loads what the targets load once (the compiled schemas, the EXIF target's base JPEG, the search-wire target's shard) and runs each target on
    /// an empty input, so that nothing allocated for good is charged to the first input: libFuzzer's leak check
    /// counts allocations per input, and the standard library's regex parser keeps about 4 KB of every pattern the
    /// schemas compile. Returns the failure when a resource cannot be loaded (no `Schemas/` folder).
    public static func loadResources() -> FuzzFailure? {
        if case .failure(let failure) = FuzzResources.schemas { return failure }
        if case .failure(let error) = exifBase { return FuzzFailure(target: "exif", invariant: "cannot make the base JPEG: \(error)") }
        guard searchWireCatalog.count == 11 else { return FuzzFailure(target: "search-wire", invariant: "the shard holds \(searchWireCatalog.count) articles, not 11") }
        for target in all {
            do { try target.run([]) } catch { return error }
        }
        return nil
    }

    /// The target called `name`, if there is one.
    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
