/// One SSD anchor: centre and size, normalised to the model input (0…1).
public struct SSDAnchor: Sendable, Hashable {
    public var centerX: Float
    public var centerY: Float
    public var width: Float
    public var height: Float
}

/// MediaPipe's `SsdAnchorsCalculator` options, with the values BlazePose's pose detector uses
/// as ``poseDetection``.
public struct SSDAnchorOptions: Sendable, Hashable {
    public var inputWidth = 224
    public var inputHeight = 224
    public var minScale: Float = 0.1484375
    public var maxScale: Float = 0.75
    public var anchorOffsetX: Float = 0.5
    public var anchorOffsetY: Float = 0.5
    public var strides = [8, 16, 32, 32, 32]
    public var aspectRatios: [Float] = [1.0]
    /// Adds one anchor per cell with scale √(scaleᵢ·scaleᵢ₊₁) and this aspect ratio (≤ 0: none).
    public var interpolatedScaleAspectRatio: Float = 1.0
    /// All anchors get width = height = 1 (the model regresses absolute sizes).
    public var fixedAnchorSize = true

    public var numLayers: Int { strides.count }

    /// pose_detection.tflite's options (2254 anchors).
    public static let poseDetection = SSDAnchorOptions()

    /// The anchors in the model's output order: layers grouped by equal stride; within a group,
    /// rows, then columns, then the group's anchors per cell.
    public func generate() -> [SSDAnchor] {
        var anchors: [SSDAnchor] = []
        var layer = 0
        while layer < numLayers {
            var widths: [Float] = []
            var heights: [Float] = []
            var last = layer
            // Every layer sharing this stride contributes its anchors to each cell of the group.
            while last < numLayers, strides[last] == strides[layer] {
                let scale = Self.scale(minScale, maxScale, last, numLayers)
                for ratio in aspectRatios {
                    widths.append(scale * ratio.squareRoot())
                    heights.append(scale / ratio.squareRoot())
                }
                if interpolatedScaleAspectRatio > 0 {
                    let next: Float = last == numLayers - 1 ? 1 : Self.scale(minScale, maxScale, last + 1, numLayers)
                    let interpolated = (scale * next).squareRoot()
                    let ratio = interpolatedScaleAspectRatio.squareRoot()
                    widths.append(interpolated * ratio)
                    heights.append(interpolated / ratio)
                }
                last += 1
            }
            let stride = strides[layer]
            let rows = (inputHeight + stride - 1) / stride
            let columns = (inputWidth + stride - 1) / stride
            for y in 0..<rows {
                for x in 0..<columns {
                    for index in widths.indices {
                        anchors.append(SSDAnchor(
                            centerX: (Float(x) + anchorOffsetX) / Float(columns),
                            centerY: (Float(y) + anchorOffsetY) / Float(rows),
                            width: fixedAnchorSize ? 1 : widths[index],
                            height: fixedAnchorSize ? 1 : heights[index]))
                    }
                }
            }
            layer = last
        }
        return anchors
    }

    /// Linear interpolation of the scale by layer (the mid-point when there is one layer).
    static func scale(_ minScale: Float, _ maxScale: Float, _ index: Int, _ count: Int) -> Float {
        count == 1 ? (minScale + maxScale) / 2 : minScale + (maxScale - minScale) * Float(index) / Float(count - 1)
    }
}
