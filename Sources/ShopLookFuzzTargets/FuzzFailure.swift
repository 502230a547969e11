/// An invariant a fuzz target checks did not hold for an input.
public struct FuzzFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The target that found it.
    public let target: String
    /// Which invariant broke, and with what values.
    public let invariant: String

    public init(target: String, invariant: String) {
        self.target = target
        self.invariant = invariant
    }

    public var description: String { "fuzz target \(target): \(invariant)" }
}

/// The invariant checks of one target, each throwing a ``FuzzFailure`` naming the target.
struct Invariants {
    let target: String

    /// Throws when `condition` is false; `message` says what should have held.
    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(FuzzFailure) {
        guard condition else { throw FuzzFailure(target: target, invariant: message()) }
    }

    /// A failure to throw where no check applies (an outcome that must not happen at all).
    func failure(_ message: String) -> FuzzFailure {
        FuzzFailure(target: target, invariant: message)
    }
}

extension Invariants {
    /// Throws when `text` (an error message that may quote the input) holds a control character or a line or
    /// paragraph separator, other than the line breaks `allowedNewlines` permits: such text could forge log lines.
    func requirePrintable(_ text: String, allowedNewlines: Int = 0, _ what: String) throws(FuzzFailure) {
        var newlines = 0
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                newlines += 1
                continue
            }
            switch scalar.properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator:
                throw failure("\(what) holds the control character U+\(String(scalar.value, radix: 16, uppercase: true)): \(text.debugDescription.prefix(300))")
            default:
                continue
            }
        }
        try require(newlines <= allowedNewlines, "\(what) has \(newlines + 1) lines (at most \(allowedNewlines + 1)): \(text.debugDescription.prefix(300))")
    }
}
