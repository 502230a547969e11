import Foundation
import ShopLookCore
import ShopLookImaging
import ShopLookTestSupport
import Testing
@testable import ShopLookPose

/// `testdata/person.jpg` (640×424, from Debian's darknet package; see Deploy/fetch-models): a woman
/// crouching beside a dog and a horse, her whole body in the picture. She is turned: her left shoulder is on
/// the image's left, so the rules say `full_back` today; the tests accept any full-body verdict and check
/// what makes it one (shoulders, hips, feet and head seen) rather than the facing.
///
/// The checks are written as functions returning the problems they find, so that the last test can show
/// that they do find them: on the same pose flipped upside down or mirrored they must complain.
@Suite("person.jpg: a real full-body photo", .requiresModels, .serialized)
struct PersonPhotoTests {
    static let name = "person.jpg"
    static let rules = PoseVerdictRules()

    // ------------------------------------------------------------------ checks

    /// Full body as the verdict rules mean it: a shoulder, a hip and a foot landmark seen, the head placed
    /// inside the image; and a verdict that says so (full_front, full_back or full_side).
    static func fullBodyProblems(_ result: PoseResult) -> [String] {
        guard result.people >= 1, let lm = result.landmarks, lm.count == PoseLandmarkIndex.bodyCount else {
            return ["no person"]
        }
        var problems: [String] = []
        let (verdict, reason) = rules.assess(result)
        if ![PoseVerdict.fullFront, .fullBack, .fullSide].contains(verdict) {
            problems.append("verdict \(verdict.rawValue) (\(reason))")
        }
        let seen = { (i: PoseLandmarkIndex) in rules.isSeen(lm[i], width: result.imageWidth, height: result.imageHeight) }
        let groups: [(String, [PoseLandmarkIndex])] = [
            ("shoulders", [.leftShoulder, .rightShoulder]), ("hips", [.leftHip, .rightHip]),
            ("feet", [.leftAnkle, .rightAnkle, .leftHeel, .rightHeel, .leftFootIndex, .rightFootIndex]),
        ]
        for (group, indices) in groups where !indices.contains(where: seen) {
            problems.append("no \(group) landmark seen")
        }
        let headInside = [PoseLandmarkIndex.nose, .leftEar, .rightEar].contains {
            lm[$0].presence >= 0.5 && rules.isInside(lm[$0], width: result.imageWidth, height: result.imageHeight)
        }
        if !headInside { problems.append("head not in the picture") }
        return problems
    }

    /// Plausible anatomy in image coordinates (y grows downward): nose above the shoulders above the hips
    /// above the knees above the ankles; ankles at the bottom of the person box; landmarks inside the image;
    /// a person box of sensible size; and the person where she is in this photo (left of centre).
    static func anatomyProblems(_ result: PoseResult) -> [String] {
        guard let lm = result.landmarks, let box = result.personBox else { return ["no landmarks or person box"] }
        var problems: [String] = []
        let width = Double(result.imageWidth), height = Double(result.imageHeight)
        func y(_ indices: [PoseLandmarkIndex]) -> Double { indices.map { lm[$0].y }.reduce(0, +) / Double(indices.count) }
        let chain: [(String, Double)] = [
            ("nose", y([.nose])), ("shoulders", y([.leftShoulder, .rightShoulder])), ("hips", y([.leftHip, .rightHip])),
            ("knees", y([.leftKnee, .rightKnee])), ("ankles", y([.leftAnkle, .rightAnkle])),
        ]
        for (upper, lower) in zip(chain, chain.dropFirst()) where !(upper.1 < lower.1) {
            problems.append("\(upper.0) (y \(Int(upper.1))) not above \(lower.0) (y \(Int(lower.1)))")
        }
        let lowestAnkle = max(lm[.leftAnkle].y, lm[.rightAnkle].y)
        if lowestAnkle < box.maxY - 0.15 * box.height {
            problems.append("ankles (y \(Int(lowestAnkle))) far above the bottom of the person box \(box)")
        }
        for (i, l) in lm.enumerated() where l.presence >= 0.5 && !(0...width).contains(l.x) {
            problems.append("landmark \(i) x \(Int(l.x)) outside the image")
        }
        // Crouching and seen whole, she is tall and narrow: about 80 × 250 px, 7 % of the image's area.
        let share = box.area / (width * height)
        if !(0.03...0.5).contains(share) { problems.append("person box covers \(share) of the image") }
        if box.height < 0.45 * height { problems.append("person box only \(Int(box.height)) px high") }
        // Where she is: her box's centre left of the image centre (the horse fills the right half).
        let centreX = (box.minX + box.maxX) / 2
        if !(0.2 * width...0.5 * width).contains(centreX) {
            problems.append("person box centre x \(Int(centreX)) not where she is (\(Int(0.2 * width))…\(Int(0.5 * width)))")
        }
        return problems
    }

    /// The article regions: upper, lower, foot, in that order, stacked top to bottom, inside the image,
    /// each overlapping the person box.
    static func regionProblems(_ regions: [ArticleRegion], _ result: PoseResult) -> [String] {
        guard regions.map(\.superCategory) == [.upper, .lower, .foot] else {
            return ["regions \(regions.map(\.superCategory.rawValue)), expected upper, lower, foot"]
        }
        var problems: [String] = []
        let width = Double(result.imageWidth), height = Double(result.imageHeight)
        for region in regions {
            let b = region.box
            if !(0 <= b.x0 && b.x0 < b.x1 && b.x1 <= width && 0 <= b.y0 && b.y0 < b.y1 && b.y1 <= height) {
                problems.append("\(region.superCategory.rawValue) box \(b) not inside the \(Int(width))×\(Int(height)) image")
            }
            if let person = result.personBox,
               min(b.x1, person.maxX) <= max(b.x0, person.minX) || min(b.y1, person.maxY) <= max(b.y0, person.minY) {
                problems.append("\(region.superCategory.rawValue) box \(b) misses the person box \(person)")
            }
        }
        let (upper, lower, foot) = (regions[0].box, regions[1].box, regions[2].box)
        if !(upper.y0 < lower.y0 && lower.y0 < foot.y0) { problems.append("tops not ordered: \(upper.y0), \(lower.y0), \(foot.y0)") }
        if !(upper.y1 < lower.y1 && lower.y1 <= foot.y1) { problems.append("bottoms not ordered: \(upper.y1), \(lower.y1), \(foot.y1)") }
        if !((upper.y0 + upper.y1) < (lower.y0 + lower.y1) && (lower.y0 + lower.y1) < (foot.y0 + foot.y1)) {
            problems.append("centres not ordered top to bottom")
        }
        return problems
    }

    static func estimate() throws -> PoseResult {
        try TestModels.estimator().estimate(encoded: TestModels.jpeg(name))
    }

    static func describe(_ result: PoseResult) -> String {
        guard let lm = result.landmarks else { return "no landmarks" }
        let named: [PoseLandmarkIndex] = [.nose, .leftShoulder, .rightShoulder, .leftHip, .rightHip, .leftKnee, .rightKnee,
                                          .leftAnkle, .rightAnkle, .leftHeel, .rightHeel, .leftFootIndex, .rightFootIndex]
        return named.map { i in
            let l = lm[i]
            return "\(i): (\(Int(l.x)), \(Int(l.y))) vis \((l.visibility * 100).rounded() / 100) pres \((l.presence * 100).rounded() / 100)"
        }.joined(separator: "\n")
    }

    /// The pose with every landmark (and the person box) moved by `transform`.
    static func moved(_ result: PoseResult, _ transform: (Double, Double) -> (Double, Double)) -> PoseResult {
        var moved = result
        moved.landmarks = result.landmarks?.map { l in
            var l = l
            (l.x, l.y) = transform(l.x, l.y)
            return l
        }
        moved.personBox = result.personBox.map { b in
            let (x0, y0) = transform(b.minX, b.minY), (x1, y1) = transform(b.maxX, b.maxY)
            return PoseBox(minX: min(x0, x1), minY: min(y0, y1), maxX: max(x0, x1), maxY: max(y0, y1))
        }
        return moved
    }

    // ------------------------------------------------------------------ tests

    @Test("one large person, seen whole: a full-body verdict with shoulders, hips, feet and head seen")
    func fullBody() throws {
        let result = try Self.estimate()
        let (verdict, reason) = Self.rules.assess(result)
        print("person.jpg: \(result.people) people, detection \(result.detectionScore), presence \(result.presenceScore), "
              + "box \(result.personBox.map(String.init(describing:)) ?? "-"), verdict \(verdict.rawValue) (\(reason))\n"
              + Self.describe(result))
        #expect(result.imageWidth == 640 && result.imageHeight == 424)
        #expect(result.people == 1)
        #expect(result.detectionScore >= Self.rules.minimumDetectionScore)
        #expect(result.presenceScore >= Self.rules.minimumPresence)
        let problems = Self.fullBodyProblems(result)
        #expect(problems.isEmpty, "\(problems)")
        #expect(verdict != .partial && verdict != .noPerson)
    }

    @Test("plausible landmarks: head to ankles top to bottom, ankles at the bottom of the person, inside the image")
    func anatomy() throws {
        let result = try Self.estimate()
        let problems = Self.anatomyProblems(result)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("ArticleLocator: upper, lower and foot regions, top to bottom, inside the image")
    func articleRegions() throws {
        let result = try Self.estimate()
        let regions = ArticleLocator().locate(result)
        print("person.jpg regions:", regions.map { "\($0.superCategory.rawValue) \($0.box) \($0.score)" })
        let problems = Self.regionProblems(regions, result)
        #expect(problems.isEmpty, "\(problems)")
        // With the person mask the regions tighten but keep their order.
        let estimator = try TestModels.estimator()
        estimator.includeMask = true
        let masked = try estimator.estimate(encoded: TestModels.jpeg(Self.name))
        let maskedProblems = Self.regionProblems(ArticleLocator().locate(masked), masked)
        #expect(maskedProblems.isEmpty, "\(maskedProblems)")
    }

    @Test("EXIF: person.jpg stored rotated and tagged (orientation 6) gives her landmarks back in the displayed frame")
    func exifRotation() throws {
        let estimator = try TestModels.estimator()
        let original = try TestModels.image(Self.name)
        // Re-encoded without the photo's own Exif segment, so the one inserted here is the only one.
        let reference = try estimator.estimate(JPEGDecoder().decode(JPEGEncoder(quality: 95, subsampling: .yuv444).encode(original)))
        let stored = original.applyingOrientation(.left)   // pixels rotated 90° counter-clockwise
        let encoded = try JPEGEncoder(quality: 95, subsampling: .yuv444).encode(stored)
        let tagged = Array(encoded[0..<2]) + exifSegment(orientation: 6) + Array(encoded[2...])
        let rotated = try estimator.estimate(encoded: tagged)
        #expect(rotated.imageWidth == 640 && rotated.imageHeight == 424)
        #expect(Self.fullBodyProblems(rotated).isEmpty && Self.anatomyProblems(rotated).isEmpty)
        let a = try #require(reference.landmarks), b = try #require(rotated.landmarks)
        func worst(_ p: [Landmark], _ q: [Landmark]) -> Double {
            zip(p, q).filter { $0.0.visibility > 0.8 }.map { max(abs($0.0.x - $0.1.x), abs($0.0.y - $0.1.y)) }.max() ?? .infinity
        }
        let difference = worst(a, b)
        print("person.jpg EXIF: worst difference of the visible landmarks \(difference) px")
        #expect(difference < 4)
        // The tolerance tells orientations apart: the same landmarks mirrored left-right are far off.
        let mirrored = b.map { l in var l = l; l.x = 640 - l.x; return l }
        #expect(worst(a, mirrored) > 20)
    }

    @Test("the checks catch a pose flipped upside down, mirrored or moved out, and regions out of order")
    func checksCanFail() throws {
        let result = try Self.estimate()
        let width = Double(result.imageWidth), height = Double(result.imageHeight)
        let flipped = Self.moved(result) { x, y in (x, height - y) }
        let mirrored = Self.moved(result) { x, y in (width - x, y) }
        let shifted = Self.moved(result) { x, y in (x + width, y) }
        func complains(_ problems: [String], about text: String) -> Bool {
            print("person.jpg, checks on a moved pose:", problems)
            return problems.contains { $0.contains(text) }
        }
        // Valid as it is (so the complaints below come from the move alone).
        #expect(Self.anatomyProblems(result).isEmpty && Self.fullBodyProblems(result).isEmpty)
        #expect(Self.regionProblems(ArticleLocator().locate(result), result).isEmpty)
        #expect(complains(Self.anatomyProblems(flipped), about: "not above"))
        #expect(complains(Self.anatomyProblems(mirrored), about: "centre x"))
        #expect(complains(Self.anatomyProblems(shifted), about: "outside the image"))
        #expect(complains(Self.fullBodyProblems(shifted), about: "landmark seen"))
        // Upside-down landmarks give the locator inverted upper and lower boxes, which it drops.
        #expect(complains(Self.regionProblems(ArticleLocator().locate(flipped), flipped), about: "expected upper, lower, foot"))
        // Regions out of order, or outside the image, are caught too.
        let regions = ArticleLocator().locate(result)
        var swapped = regions
        (swapped[0].box, swapped[2].box) = (regions[2].box, regions[0].box)
        #expect(complains(Self.regionProblems(swapped, result), about: "not ordered"))
        var outside = regions
        outside[1].box.x0 += width
        outside[1].box.x1 += width
        #expect(complains(Self.regionProblems(outside, result), about: "not inside"))
        // The photo itself upside down: either nobody is found or the chain head → ankles runs upward.
        let estimator = try TestModels.estimator()
        let upsideDown = try estimator.estimate(TestModels.image(Self.name).applyingOrientation(.downMirrored))
        let upsideDownProblems = Self.anatomyProblems(upsideDown)
        print("person.jpg upside down: \(upsideDown.people) people, \(upsideDownProblems)")
        #expect(!upsideDownProblems.isEmpty)
    }
}
