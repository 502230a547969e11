import ShopLookCore
import ShopLookImaging
import ShopLookPose
import ShopLookVision

/// One article cut out of a photo, with its fine category.
public struct FoundArticle: Sendable {
    public var superCategory: SuperCategory
    public var category: String
    /// In displayed-image pixels.
    public var box: BoundingBox
    public var score: Double
    public var crop: RGBImage
    /// `category` is the super-category's plain name, to be named from the logits of the pass that embeds the crop.
    public var unnamed = false
}

/// Cuts article regions out of a photo and names each one (the embedder's ImageNet logits through a
/// ``FineCategoryClassifier``). Shared by `shoplook articles` and the detect stage.
public struct ArticleCropper: Sendable {
    public var classifier: FineCategoryClassifier

    public init(classifier: FineCategoryClassifier = FineCategoryClassifier()) {
        self.classifier = classifier
    }

    /// The pixels of `box`, widened to whole pixels and clipped to the image; `nil` when nothing is left.
    public static func pixelRect(of box: BoundingBox, in image: RGBImage) -> PixelRect? {
        let x0 = max(0, Int(box.x0.rounded(.down))), y0 = max(0, Int(box.y0.rounded(.down)))
        let x1 = min(image.width, Int(box.x1.rounded(.up))), y1 = min(image.height, Int(box.y1.rounded(.up)))
        guard x1 > x0, y1 > y0 else { return nil }
        return PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// One region of a person photo cut out, not yet named.
    public struct Cut: Sendable {
        public var superCategory: SuperCategory
        /// In displayed-image pixels (the region widened to whole pixels, clipped to the image).
        public var box: BoundingBox
        public var score: Double
        public var crop: RGBImage
    }

    /// Cuts the regions of a person photo out, in order (empty regions are dropped).
    public func cut(_ image: RGBImage, regions: [ArticleRegion]) throws(VisionError) -> [Cut] {
        var cuts: [Cut] = []
        for region in regions {
            guard let rect = Self.pixelRect(of: region.box, in: image) else { continue }
            let crop: RGBImage
            do {
                crop = try image.cropped(to: rect)
            } catch {
                throw .image(error)
            }
            cuts.append(Cut(
                superCategory: region.superCategory,
                box: BoundingBox(x0: Double(rect.x), y0: Double(rect.y), x1: Double(rect.x + rect.width), y1: Double(rect.y + rect.height)),
                score: region.score, crop: crop))
        }
        return cuts
    }

    /// A cut article named from ImageNet logits of its crop (an ``Embedding``'s `logits`, from whichever pass saw it).
    public func named(_ cut: Cut, logits: [Float]) -> FoundArticle {
        FoundArticle(
            superCategory: cut.superCategory, category: classifier.classify(logits: logits, superCategory: cut.superCategory).category,
            box: cut.box, score: cut.score, crop: cut.crop)
    }

    /// A cut article under its super-category's plain name, left for the pass that embeds it to name.
    public func unnamed(_ cut: Cut) -> FoundArticle {
        FoundArticle(
            superCategory: cut.superCategory, category: FineCategoryClassifier.plainName(of: cut.superCategory), box: cut.box,
            score: cut.score, crop: cut.crop, unnamed: true)
    }

    /// Crops and categorises the regions of a person photo, in order (empty regions are dropped): one pass of
    /// `embedder` over the crops, for their logits.
    public func articles(in image: RGBImage, regions: [ArticleRegion], embedder: ImageEmbedder) async throws(VisionError) -> [FoundArticle] {
        let cuts = try cut(image, regions: regions)
        let embeddings = try await embedder.embed(cuts.map(\.crop))
        return zip(cuts, embeddings).map { named($0, logits: $1.logits) }
    }

    /// A product photo's one article: the image trimmed to its foreground. With a catalog super-category it
    /// takes the catalog's category (or the super-category's plain name) and score 1; without one it is named
    /// from the ImageNet classes, scored with the class's probability, and `nil` when no garment class is probable.
    public func productArticle(
        in image: RGBImage, superCategory: SuperCategory?, category: String?, embedder: ImageEmbedder
    ) async throws(VisionError) -> FoundArticle? {
        let (trimmed, trim) = image.trimmedToForeground()
        let box = BoundingBox(x0: Double(trim.box.x), y0: Double(trim.box.y),
                              x1: Double(trim.box.x + trim.box.width), y1: Double(trim.box.y + trim.box.height))
        if let superCategory {
            let category = category ?? FineCategoryClassifier.plainName(of: superCategory)
            return FoundArticle(superCategory: superCategory, category: category, box: box, score: 1, crop: trimmed)
        }
        guard let embedding = try await embedder.embed([trimmed]).first,
              let named = classifier.classifyAny(logits: embedding.logits) else { return nil }
        return FoundArticle(superCategory: named.superCategory, category: named.category, box: box, score: Double(named.probability), crop: trimmed)
    }
}
