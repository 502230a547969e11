import ShopLookImaging

/// Photos cut off on purpose: a full-body street photo cropped so that part of the body is out of the frame,
/// labelled `partial` by construction. They teach the pose verdict what the labelled sets hardly show: a
/// person whose feet (or head) are just outside the frame, whom BlazePose still places, extrapolated, at the
/// border.
///
/// The cut lines come from ground-truth garment boxes (`ccp/ground-truth.json`: upper, lower and foot wear,
/// `[x0, y0, x1, y1]` pixels), never from the pose model being trained:
/// - `feet`: the bottom at the top of the footwear box (no shoe left in view);
/// - `shins`: the bottom 70 % of the way from the top of the lower-wear box (the waist; for a dress, 30 % down
///   from the upper wear's top to the feet) to the footwear (below the knees);
/// - `waist`: the bottom 15 % of that way (the upper body only);
/// - `head`: the top 10 % down the upper-wear box (the head above the frame).
public enum PoseCutOff: String, Sendable, CaseIterable {
    case feet, shins, waist, head

    /// The rectangle kept of a `width` × `height` photo with those boxes, or `nil` when a box it needs is absent
    /// or the cut would keep less than a third of the photo's height.
    public func rectangle(width: Int, height: Int, upper: PoseBox?, lower: PoseBox?, foot: PoseBox?) -> PixelRect? {
        var top = 0, bottom = height
        switch self {
        case .feet:
            guard let foot else { return nil }
            bottom = Int(foot.minY.rounded(.down))
        case .shins, .waist:
            // The waist: the top of the lower wear, or (a dress, no lower wear) 30 % down from the upper wear's top
            // to the feet.
            guard let foot, let waist = lower?.minY ?? upper.map({ $0.minY + 0.3 * (foot.minY - $0.minY) }), foot.minY > waist else {
                return nil
            }
            let share = self == .shins ? 0.7 : 0.15
            bottom = Int((waist + share * (foot.minY - waist)).rounded(.down))
        case .head:
            guard let upper else { return nil }
            top = Int((upper.minY + 0.1 * upper.height).rounded(.up))
        }
        top = max(0, top)
        bottom = min(height, bottom)
        guard bottom - top >= height / 3, width > 0 else { return nil }
        return PixelRect(x: 0, y: top, width: width, height: bottom - top)
    }
}
