import ShopLookCore
import ShopLookImaging

/// The articles of a shopper's photo that are in view, and those that are not with the reason.
///
/// A shopper's photo is not a catalog photo: it may show the upper body only, be cut at the knees, or show the
/// person turned away. Shop-the-look takes what is visible: an article is in view when the landmarks that bound
/// it are *seen* (``PoseVerdictRules/isSeen(_:width:height:)``: visible, present and inside the frame):
/// - upper wear: a shoulder and a hip (the torso);
/// - lower wear: a hip and a knee;
/// - footwear: an ankle and a heel or toe.
/// The regions themselves are ``ArticleLocator``'s, clipped to the frame.
public struct VisibleArticles: Sendable {
    /// The regions in view, in the order upper, lower, foot.
    public var regions: [ArticleRegion]
    /// The articles not in view, with why (e.g. "no knee in view").
    public var notInView: [(superCategory: SuperCategory, reason: String)]

    public init(regions: [ArticleRegion], notInView: [(superCategory: SuperCategory, reason: String)]) {
        self.regions = regions
        self.notInView = notInView
    }

    /// The landmark groups an article needs, each with at least one landmark seen.
    static let requirements: [SuperCategory: [(name: String, landmarks: [PoseLandmarkIndex])]] = [
        .upper: [("shoulder", [.leftShoulder, .rightShoulder]), ("hip", [.leftHip, .rightHip])],
        .lower: [("hip", [.leftHip, .rightHip]), ("knee", [.leftKnee, .rightKnee])],
        .foot: [("ankle", [.leftAnkle, .rightAnkle]), ("heel or toe", [.leftHeel, .rightHeel, .leftFootIndex, .rightFootIndex])],
    ]

    /// The articles in view of the person in `result` (none without landmarks). `image` is the photo the result was
    /// estimated on (it refines the boxes, see ``ArticleLocator/locate(_:image:)``).
    public init(_ result: PoseResult, image: RGBImage?, locator: ArticleLocator = ArticleLocator(), rules: PoseVerdictRules = PoseVerdictRules()) {
        self.init(result, located: locator.locate(result, image: image), rules: rules)
    }

    /// The articles in view of the person in `result`, given the boxes placed for it (``ArticleBoxes``) and why the
    /// boxes have none for an article (`absent`; without a reason there, its box lay outside the photo).
    public init(
        _ result: PoseResult, located: [ArticleRegion], absent: [SuperCategory: String] = [:], rules: PoseVerdictRules = PoseVerdictRules()
    ) {
        guard let landmarks = result.landmarks, landmarks.count >= PoseLandmarkIndex.bodyCount else {
            self.init(regions: [], notInView: SuperCategory.allCases.map { ($0, "no person") })
            return
        }
        var inView: Set<SuperCategory> = []
        var notInView: [(superCategory: SuperCategory, reason: String)] = []
        for category in SuperCategory.allCases {
            let unseen = Self.requirements[category, default: []].filter { group in
                !group.landmarks.contains { rules.isSeen(landmarks[$0], width: result.imageWidth, height: result.imageHeight) }
            }
            if unseen.isEmpty {
                inView.insert(category)
            } else {
                notInView.append((category, "no \(unseen.map(\.name).joined(separator: " and no ")) in view"))
            }
        }
        var regions: [ArticleRegion] = []
        for category in SuperCategory.allCases where inView.contains(category) {
            if let region = located.first(where: { $0.superCategory == category }) {
                regions.append(region)
            } else {
                notInView.append((category, absent[category] ?? "its box lies outside the photo"))
            }
        }
        self.init(regions: regions, notInView: notInView.sorted { Self.order($0.superCategory) < Self.order($1.superCategory) })
    }

    private static func order(_ category: SuperCategory) -> Int { SuperCategory.allCases.firstIndex(of: category) ?? 0 }
}
