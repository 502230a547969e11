import ArgumentParser
import Foundation
import ShopLookCore
import ShopLookImaging
import ShopLookVision

/// The street-photo garment crops of `ccp/` that street-to-shop retrieval is measured and trained with: the
/// lower-wear box of every photo whose labels name one kind of lower wear (jeans, pants, leggings → pants; shorts;
/// skirt) and is not a dress photo, and the upper-wear box of every dress photo (→ dress). Labels are the
/// product catalog's class names. Photos are in `photos/` beside the ground truth, in name order; crop `i` is in
/// fold `i % folds`.
struct StreetCrops {
    struct Crop {
        var name: String
        var box: BoundingBox
        var label: String
    }

    let groundTruth: URL
    let truth: ArticleGroundTruth
    let crops: [Crop]

    init(groundTruth path: String) throws {
        groundTruth = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: groundTruth.path) else { throw ValidationError("cannot read \(path)") }
        truth = try JSONDecoder().decode(ArticleGroundTruth.self, from: data)
        var crops: [Crop] = []
        for name in truth.images.keys.sorted() {
            let image = truth.images[name]!
            if image.dress, let box = image.boxes["upper"] {
                crops.append(Crop(name: name, box: box, label: "dress"))
            } else if !image.dress, let label = Self.lowerClass(of: image.labels), let box = image.boxes["lower"] {
                crops.append(Crop(name: name, box: box, label: label))
            }
        }
        guard !crops.isEmpty else { throw ValidationError("\(path) has no photo with one kind of lower wear or a dress") }
        self.crops = crops
    }

    /// Crops of the other articles whose catalog class the labels tell: the footwear box of every photo (→ shoes),
    /// and the upper box of every photo that is not a dress photo and names a coat, jacket or blazer (→ outwear, the
    /// outermost layer the box holds). A street projection learns them too: adapted to lower wear and dresses alone,
    /// it maps coats and shoes onto those (`shoplook eval street2shop --folds 5` shows it).
    var extraCrops: [Crop] {
        var crops: [Crop] = []
        for name in truth.images.keys.sorted() {
            let image = truth.images[name]!
            if let box = image.boxes["foot"] { crops.append(Crop(name: name, box: box, label: "shoes")) }
            if !image.dress, !Set(image.labels).isDisjoint(with: Self.outerwearLabels), let box = image.boxes["upper"] {
                crops.append(Crop(name: name, box: box, label: "outwear"))
            }
        }
        return crops
    }

    /// The upper box of every photo that is neither a dress photo nor names a coat, jacket or blazer, labelled
    /// `tops`: a blouse, shirt, t-shirt, sweater or top, which the catalog's classes split in ways ccp's labels do
    /// not; scored by the share of tops (t-shirt, shirt, longsleeve, outwear) among the nearest products.
    var topsCrops: [Crop] {
        truth.images.keys.sorted().compactMap { name in
            let image = truth.images[name]!
            guard !image.dress, Set(image.labels).isDisjoint(with: Self.outerwearLabels), let box = image.boxes["upper"] else { return nil }
            return Crop(name: name, box: box, label: "tops")
        }
    }

    /// ccp's labels that make a photo's upper box outerwear (``extraCrops``) rather than tops (``topsCrops``).
    static let outerwearLabels: Set<String> = ["coat", "jacket", "blazer"]

    /// The catalog classes a `tops` crop is right to find.
    static let topsClasses: Set<String> = ["t-shirt", "shirt", "longsleeve", "outwear"]

    /// ccp's lower-wear labels → the catalog class each is searched as.
    static let lowerWearClasses = ["jeans": "pants", "pants": "pants", "leggings": "pants", "shorts": "shorts", "skirt": "skirt"]

    /// The catalog class a photo's lower-wear labels name, when they name exactly one.
    static func lowerClass(of labels: [String]) -> String? {
        let classes = Set(labels.compactMap { lowerWearClasses[$0] })
        return classes.count == 1 ? classes.first : nil
    }

    /// The mask labels of a crop's class: the lower-wear labels searched as it, or the class itself (a dress).
    static func garmentLabels(of label: String) -> Set<String> {
        let lower = Set(lowerWearClasses.filter { $0.value == label }.keys)
        return lower.isEmpty ? [label] : lower
    }

    var photos: URL { groundTruth.deletingLastPathComponent().appendingPathComponent("photos") }
    var masks: URL { groundTruth.deletingLastPathComponent().appendingPathComponent("masks") }

    /// The photo of crop `index`, decoded, and the crop's pixel rectangle in it.
    func photo(_ index: Int, decoder: ImageDecoder) throws -> (photo: RGBImage, rect: PixelRect) {
        try photo(of: crops[index], decoder: decoder)
    }

    /// The photo of `crop`, decoded, and the crop's pixel rectangle in it.
    func photo(of crop: Crop, decoder: ImageDecoder) throws -> (photo: RGBImage, rect: PixelRect) {
        let path = photos.appendingPathComponent(crop.name + ".jpg").path
        guard let bytes = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        let photo = try decoder.decode([UInt8](bytes))
        let x0 = max(0, Int(crop.box.x0)), y0 = max(0, Int(crop.box.y0))
        let rect = PixelRect(x: x0, y: y0, width: min(photo.width, Int(crop.box.x1)) - x0, height: min(photo.height, Int(crop.box.y1)) - y0)
        return (photo, rect)
    }

    /// Every crop's features before any projection (`embedder` without one), as matrix rows in crop order;
    /// `mirrored` flips each crop left to right. `of`: other crops of the same photos (``extraCrops``).
    func features(with embedder: ImageEmbedder, mirrored: Bool = false, of other: [Crop]? = nil) async throws -> Matrix {
        let decoder = ImageDecoder()
        let crops = other ?? self.crops
        var rows: [Float] = []
        for crop in crops {
            let (photo, rect) = try photo(of: crop, decoder: decoder)
            let crop = try photo.cropped(to: rect)
            let background = crop.foregroundTrim().background ?? RGBColor(r: 255, g: 255, b: 255)
            rows += try await embedder.embed([crop], paddings: [background], mirrored: mirrored)[0].features
        }
        return Matrix(rows: crops.count, columns: embedder.featureDimension, values: rows)
    }
}
