import Hummingbird
import ShopLookCore
import ShopLookLook

/// A shopper's photo as `POST /v1/looks` and the page's form send it: the raw JPEG or PNG body (`Content-Type:
/// image/jpeg` or `image/png`) or multipart/form-data with the file field `image` (and, in a form, an optional `k`
/// field); `k` may also come as a query parameter. Checked like a catalog upload (the pipeline's decoder), then
/// submitted.
struct LookUpload: Sendable {
    var photo: [UInt8]
    var k: Int

    /// The photo and `k` of the request, by ShopLookCore's ``LookForm`` rules: 400 for a field they refuse, 415 for a
    /// body of another type, 413 past the body limit.
    static func read(_ request: Request, configuration: APIConfiguration) async throws -> LookUpload {
        let contentType = request.headers[.contentType]
        var k = try Self.rule { () throws(FormFieldError) in try LookForm.k(request.uri.queryParameters.get("k")) }
        let photo: [UInt8]
        switch LookForm.bodyKind(contentType: contentType) {
        case .photo:
            photo = try await RequestBody.collect(request, limit: configuration.maximumBodyBytes)
        case .form:
            let form = try await RequestBody.form(request, limit: configuration.maximumBodyBytes)
            let fields = try Self.rule { () throws(FormFieldError) in try LookForm.fields(of: form, queryK: k) }
            photo = Array(fields.photo)
            k = fields.k
        case .unsupported:
            throw APIError.unsupportedMediaType(
                "a look is a JPEG or PNG body (Content-Type image/jpeg or image/png) or multipart/form-data with the file field \"image\"")
        }
        return LookUpload(photo: photo, k: k)
    }

    /// `body`'s value; its ``FormFieldError`` as a 400.
    private static func rule<T>(_ body: () throws(FormFieldError) -> T) throws(APIError) -> T {
        do {
            return try body()
        } catch {
            throw .badRequest(error.reason)
        }
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
