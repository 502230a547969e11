import Foundation

/// Process-wide numbering of connections, for log metadata and thread names.
enum ConnectionIDs {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var last = 0

    static func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        last += 1
        return last
    }
}
