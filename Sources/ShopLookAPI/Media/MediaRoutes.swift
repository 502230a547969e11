import Hummingbird
import NIOCore
import ShopLookBlobStore
import ShopLookImaging

/// The images the shopper's page shows, from the blob store:
/// - `GET /v1/products/{id}/thumbnail`: the product's first image scaled to fit ``APIConfiguration/thumbnailSide``
///   pixels, as JPEG, cacheable for ``APIConfiguration/thumbnailMaxAge`` seconds;
/// - `GET /v1/images/{image_id}`: a stored image's original bytes with their content type;
/// - `GET /v1/articles/{article_id}/crop`: a catalog article's crop.
///
/// Images and crops are content-addressed (their id is their bytes' SHA-256), so they are cacheable for a year,
/// immutable. 400 for an id the schema does not allow, 404 for an unknown one or for bytes the store no longer
/// has (or a stored image that does not decode, for a thumbnail).
public struct MediaRoutes: APIRouteCollection {
    let services: APIServices
    let configuration: APIConfiguration

    public init(services: APIServices, configuration: APIConfiguration) {
        self.services = services
        self.configuration = configuration
    }

    static let immutable = "public, max-age=31536000, immutable"

    public func add(to router: Router<APIRequestContext>, writeAccess: WriteAccess) {
        router.get("v1/products/{id}/thumbnail") { _, context in try await thumbnail(context) }
        router.get("v1/images/{image_id}") { _, context in try await image(context) }
        router.get("v1/articles/{article_id}/crop") { _, context in try await crop(context) }
    }

    func thumbnail(_ context: APIRequestContext) async throws -> Response {
        let id = try ResourceID.product(try ResourceID.pathParameter("id", in: context))
        let (imageID, key): (String, BlobKey)
        switch try await services.catalog.firstImage(ofProduct: id) {
        case .unknownProduct: throw APIError.notFound("no product \"\(id)\"")
        case .noImage: throw APIError.notFound("product \"\(id)\" has no image")
        case .image(let image, let blob): (imageID, key) = (image, blob)
        }
        let bytes = try await Self.blob(key, of: "image \(imageID)", in: services.blobs)
        let thumbnailer = ImageThumbnailer(maximumSide: configuration.thumbnailSide, decoder: ImageDecoder(limits: configuration.imageLimits))
        let thumbnail: Result<[UInt8], ImageError> = await services.imaging.run { () throws(Never) in
            Result { () throws(ImageError) in try thumbnailer.thumbnail(bytes) }
        }
        switch thumbnail {
        case .success(let jpeg):
            return Self.bytes(jpeg, contentType: "image/jpeg", cacheControl: "public, max-age=\(configuration.thumbnailMaxAge)")
        case .failure(let error):
            throw APIError.notFound("product \"\(id)\" has no thumbnail: its image \(imageID) cannot be decoded (\(error))")
        }
    }

    func image(_ context: APIRequestContext) async throws -> Response {
        let id = try ResourceID.digest(try ResourceID.pathParameter("image_id", in: context), of: "image")
        guard let key = try await services.catalog.imageBlob(id) else { throw APIError.notFound("no image \(id)") }
        let bytes = try await Self.blob(key, of: "image \(id)", in: services.blobs)
        return Self.bytes(bytes, contentType: Self.contentType(of: bytes), cacheControl: Self.immutable)
    }

    func crop(_ context: APIRequestContext) async throws -> Response {
        let id = try ResourceID.digest(try ResourceID.pathParameter("article_id", in: context), of: "article")
        guard let key = try await services.catalog.articleCropBlob(id) else { throw APIError.notFound("no article \(id)") }
        let bytes = try await Self.blob(key, of: "the crop of article \(id)", in: services.blobs)
        return Self.bytes(bytes, contentType: Self.contentType(of: bytes), cacheControl: Self.immutable)
    }

    /// A blob's bytes; 404 when the store does not have it (other store failures are the server's).
    static func blob(_ key: BlobKey, of what: String, in store: any BlobStore) async throws -> [UInt8] {
        do {
            return try await store.get(key)
        } catch .notFound {
            throw APIError.notFound("the blob store no longer has \(what)")
        }
    }

    static func contentType(of bytes: [UInt8]) -> String {
        switch ImageFormat.detect(bytes) {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        default: "application/octet-stream"
        }
    }

    static func bytes(_ bytes: [UInt8], contentType: String, cacheControl: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: contentType, .cacheControl: cacheControl],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
