import Foundation
import Hummingbird
import ShopLookCore
import ShopLookLook

/// A shopper's photo as `POST /v1/looks` and the page's form send it: the raw JPEG or PNG body (`Content-Type:
/// image/jpeg` or `image/png`) or multipart/form-data with the file field `image` (and, in a form, an optional `k`
/// field); `k` may also come as a query parameter. Checked like a catalog upload (the pipeline's decoder), then
/// submitted.
struct LookUpload: Sendable {
    /// Products per article when the request does not say.
    static let defaultK = 5
    /// The most products per article a look may ask for.
    static let maximumK = 100

    var photo: [UInt8]
    var k: Int

    static func read(_ request: Request, configuration: APIConfiguration) async throws -> LookUpload {
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        var k = try Self.k(request.uri.queryParameters.get("k"))
        let photo: [UInt8]
        switch mediaType {
        case "image/jpeg", "image/png":
            photo = try await RequestBody.collect(request, limit: configuration.maximumBodyBytes)
        case "multipart/form-data":
            let form = try await RequestBody.form(request, limit: configuration.maximumBodyBytes)
            for part in form.parts where part.name != "image" && part.name != "k" {
                throw APIError.badRequest("unknown form field \"\(part.name)\" (fields: image, k)")
            }
            let images = form.parts(named: "image")
            guard images.count == 1, let image = images.first else {
                throw APIError.badRequest(images.isEmpty ? "the form has no \"image\" file field" : "the form field \"image\" is sent twice")
            }
            if let field = form.parts(named: "k").first {
                guard let text = field.text else { throw APIError.badRequest("the \"k\" field is not text") }
                k = try Self.k(text)
            }
            photo = Array(image.body)
        default:
            throw APIError.unsupportedMediaType(
                "a look is a JPEG or PNG body (Content-Type image/jpeg or image/png) or multipart/form-data with the file field \"image\"")
        }
        return LookUpload(photo: photo, k: k)
    }

    /// `k` from its text; absent or empty: ``defaultK``.
    static func k(_ text: String?) throws(APIError) -> Int {
        guard let text, !text.isEmpty else { return defaultK }
        guard let value = Int(text), (1...maximumK).contains(value) else { throw .badRequest("k must be a whole number 1-\(maximumK)") }
        return value
    }

    /// Checks the photo as the pipeline will decode it and queues the look.
    func submit(services: APIServices, configuration: APIConfiguration) async throws -> LookSubmission {
        try await UploadImageCheck(limits: configuration.imageLimits, pool: services.imaging).check(photo)
        do {
            return try await services.looks.submit(photo: photo, topK: k, deadline: LookSubmitter.defaultDeadline)
        } catch let error as LookInputError {
            throw APIError.invalidImage(error.description)
        } catch let error as LookSubmitError {
            throw APIError.badRequest(error.description)
        }
    }
}
