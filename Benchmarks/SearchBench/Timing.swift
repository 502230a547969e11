import Foundation

/// Latency figures of a series of timed operations.
struct Latencies {
    var milliseconds: [Double] = []

    mutating func record(_ duration: Duration) { milliseconds.append(duration.seconds * 1000) }

    func percentile(_ p: Double) -> Double {
        guard !milliseconds.isEmpty else { return .nan }
        let sorted = milliseconds.sorted()
        return sorted[min(sorted.count - 1, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1)]
    }
}

/// Prints one JSON object (sorted keys) on a line of its own.
func printJSON(_ object: [String: Any]) {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    print(String(decoding: data, as: UTF8.self))
}
