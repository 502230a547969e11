import Foundation
import ShopLookLook

/// What the look page shows of a ``LookJob``, as the template's context: the state and why, the photo with a box per
/// article (in percent of the photo, so they scale with it), and per article the crop that was searched and a row
/// of product tiles (thumbnail, title, score, link) each with the matched catalog crop — why it was picked.
enum LookPage {
    static func context(_ look: LookJob) -> [String: Any] {
        let id = look.jobID.uuidString.lowercased()
        var context: [String: Any] = [
            "id": id, "shortID": String(id.prefix(8)), "state": look.state.rawValue, "refresh": !look.state.isTerminal,
            "done": look.state == .done, "partial": look.state == .partial, "failed": look.state == .failed,
            "articleCount": look.articles.count,
            "notInView": look.details.notInView.map { ["superCategory": $0.superCategory.rawValue, "reason": $0.reason] },
            "missingShards": look.details.missingShards.map { ["shard": $0.shard, "reason": $0.reason] as [String: Any] },
            "articles": look.articles.map { article(look, $0, id: id) },
        ]
        if let reason = look.reason { context["reason"] = reason }
        if let elapsed = look.elapsedMilliseconds { context["elapsedMs"] = Int(elapsed.rounded()) }
        if let image = look.imageID {
            context["photoURL"] = "/v1/images/\(image)"
            if let width = look.imageWidth, let height = look.imageHeight, width > 0, height > 0 {
                context["boxes"] = look.articles.map { box($0, width: Double(width), height: Double(height)) }
            }
        }
        return context
    }

    static func box(_ article: LookJobArticle, width: Double, height: Double) -> [String: Any] {
        func percent(_ value: Double, of side: Double) -> String { String(format: "%.2f", min(100, max(0, value / side * 100))) }
        let box = article.box
        return [
            "ordinal": article.ordinal, "superCategory": article.superCategory.rawValue,
            "label": "\(article.superCategory.rawValue): \(article.category ?? "?")",
            "left": percent(box[0], of: width), "top": percent(box[1], of: height),
            "width": percent(box[2] - box[0], of: width), "height": percent(box[3] - box[1], of: height),
        ]
    }

    static func article(_ look: LookJob, _ article: LookJobArticle, id: String) -> [String: Any] {
        var context: [String: Any] = [
            "ordinal": article.ordinal, "superCategory": article.superCategory.rawValue, "category": article.category ?? "",
            "matches": article.matches.map(match),
        ]
        if article.cropKey != nil { context["cropURL"] = "/v1/looks/\(id)/articles/\(article.ordinal)/crop" }
        context["reason"] = article.reason ?? (look.state.isTerminal ? "none found" : "still looking")
        return context
    }

    static func match(_ match: LookMatch) -> [String: Any] {
        let product = match.productID.map(ResourceID.pathSegment)
        var context: [String: Any] = [
            "rank": match.rank, "productID": match.productID ?? "", "title": match.title ?? match.productID ?? "(product deleted)",
            "score": String(format: "%.2f", match.score), "matchedCategory": match.matchedCategory ?? "article",
            // Only web links leave the page; anything else (a javascript: URL in the catalog) links to the product's JSON.
            "url": match.url.flatMap { $0.hasPrefix("https://") || $0.hasPrefix("http://") ? $0 : nil }
                ?? product.map { "/v1/products/\($0)" } ?? "#",
        ]
        if let product { context["thumbnailURL"] = "/v1/products/\(product)/thumbnail" }
        if let matched = match.matchedArticleID { context["whyURL"] = "/v1/articles/\(matched)/crop" }
        return context
    }
}
