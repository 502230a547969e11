import Foundation

/// The garment boxes of `ccp/ground-truth.json` that ``PoseCutOff`` cuts along.
public struct GroundTruthBoxes: Sendable {
    public struct Image: Sendable {
        public var width: Int
        public var height: Int
        public var upper: PoseBox?
        public var lower: PoseBox?
        public var foot: PoseBox?
    }

    /// By photo id (`0001`).
    public var images: [String: Image] = [:]

    public init(url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path),
              let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let entries = root["images"] as? [String: [String: Any]]
        else {
            throw PoseError.unusableData("cannot read the ground truth \(url.path)")
        }
        func box(_ value: Any?) -> PoseBox? {
            guard let values = (value as? [Any])?.compactMap({ ($0 as? NSNumber)?.doubleValue }), values.count == 4 else { return nil }
            return PoseBox(minX: values[0], minY: values[1], maxX: values[2], maxY: values[3])
        }
        for (id, entry) in entries {
            guard let width = (entry["width"] as? NSNumber)?.intValue, let height = (entry["height"] as? NSNumber)?.intValue else { continue }
            let boxes = entry["boxes"] as? [String: Any] ?? [:]
            images[id] = Image(width: width, height: height, upper: box(boxes["upper"]), lower: box(boxes["lower"]), foot: box(boxes["foot"]))
        }
    }
}
