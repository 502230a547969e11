import Hummingbird
import ShopLookPipeline

/// The catalog's routes:
/// - `POST /v1/products` (write): multipart/form-data with `id`, `title`, `url`, `category`, `super_category` and
///   the file `image` → 202 ``ProductUploadAnswer``, `Location: /v1/products/{id}`; through the same pipeline as
///   `shoplook ingest` (blob, rows, `new-image`). The same image again is a duplicate, said so in the answer;
/// - `DELETE /v1/products/{id}` (write): 202 ``ProductRemoval`` (tombstones sent as `shoplook remove` does);
/// - `GET /v1/products/{id}`: 200 ``ProductDetails``.
///
/// 400 for a malformed form or id, 413 for a body over the limit, 415 for a body that is not multipart/form-data,
/// 422 for an image the decoder refuses, 404 for an unknown id.
public struct ProductRoutes: APIRouteCollection {
    let services: APIServices
    let configuration: APIConfiguration

    public init(services: APIServices, configuration: APIConfiguration) {
        self.services = services
        self.configuration = configuration
    }

    public func add(to router: Router<APIRequestContext>, writeAccess: WriteAccess) {
        let writes = writeAccess.group(of: router)
        writes.post("v1/products") { request, _ in try await upload(request) }
        writes.delete("v1/products/{id}") { _, context in try await remove(context) }
        router.get("v1/products/{id}") { _, context in try await product(context) }
    }

    func upload(_ request: Request) async throws -> Response {
        let form = try await RequestBody.form(request, limit: configuration.maximumBodyBytes)
        let upload = try ProductUploadForm.upload(from: form)
        try await UploadImageCheck(limits: configuration.imageLimits, pool: services.imaging).check(upload.bytes)
        let receipt = try await services.catalog.ingest(upload)
        let answer: ProductUploadAnswer
        switch (receipt.result, receipt.imageID) {
        case (.rejected(let reason), _):
            throw APIError.invalidImage(reason)
        case (.new, let imageID?):
            answer = ProductUploadAnswer(productID: upload.productID, imageID: imageID, duplicate: false, requeued: false)
        case (.duplicate(let requeued), let imageID?):
            answer = ProductUploadAnswer(productID: upload.productID, imageID: imageID, duplicate: true, requeued: requeued)
        case (.new, nil), (.duplicate, nil):
            throw APIError.internalError
        }
        return try APIJSON.response(
            answer, status: .accepted, headers: [.location: "/v1/products/\(ResourceID.pathSegment(upload.productID))"])
    }

    func remove(_ context: APIRequestContext) async throws -> Response {
        let id = try ResourceID.product(try ResourceID.pathParameter("id", in: context))
        guard let removal = try await services.catalog.remove(productID: id) else { throw APIError.notFound("no product \"\(id)\"") }
        return try APIJSON.response(removal, status: .accepted)
    }

    func product(_ context: APIRequestContext) async throws -> Response {
        let id = try ResourceID.product(try ResourceID.pathParameter("id", in: context))
        guard let product = try await services.catalog.product(id) else { throw APIError.notFound("no product \"\(id)\"") }
        return try APIJSON.response(product)
    }
}
