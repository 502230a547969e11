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
        let crop = crops[index]
        let path = photos.appendingPathComponent(crop.name + ".jpg").path
        guard let bytes = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        let photo = try decoder.decode([UInt8](bytes))
        let x0 = max(0, Int(crop.box.x0)), y0 = max(0, Int(crop.box.y0))
        let rect = PixelRect(x: x0, y: y0, width: min(photo.width, Int(crop.box.x1)) - x0, height: min(photo.height, Int(crop.box.y1)) - y0)
        return (photo, rect)
    }

    /// Every crop's features before any projection (`embedder` without one), as matrix rows in crop order;
    /// `mirrored` flips each crop left to right.
    func features(with embedder: ImageEmbedder, mirrored: Bool = false) async throws -> Matrix {
        let decoder = ImageDecoder()
        var rows: [Float] = []
        for index in crops.indices {
            let (photo, rect) = try photo(index, decoder: decoder)
            let crop = try photo.cropped(to: rect)
            let background = crop.foregroundTrim().background ?? RGBColor(r: 255, g: 255, b: 255)
            rows += try await embedder.embed([crop], paddings: [background], mirrored: mirrored)[0].features
        }
        return Matrix(rows: crops.count, columns: embedder.featureDimension, values: rows)
    }
}
