import NIOCore

/// Builds `multipart/form-data` bodies the way clients send them, for the tests.
struct MultipartBody {
    enum Part {
        case field(String, String)
        case file(String, filename: String, contentType: String, bytes: [UInt8])
    }

    var boundary = "----shoplook-test-7MA4YWxkTrZu0gW"
    var parts: [Part]

    init(_ parts: [Part]) {
        self.parts = parts
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        for part in parts {
            out += Array("--\(boundary)\r\n".utf8)
            switch part {
            case .field(let name, let value):
                out += Array("Content-Disposition: form-data; name=\"\(name)\"\r\n\r\n".utf8) + Array(value.utf8)
            case .file(let name, let filename, let contentType, let bytes):
                out += Array("Content-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
                out += bytes
            }
            out += Array("\r\n".utf8)
        }
        return out + Array("--\(boundary)--\r\n".utf8)
    }

    var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }

    /// A product upload with every field.
    static func product(
        id: String = "sku-1", title: String = "Blue tee", url: String = "https://shop.example/sku-1", category: String? = "t-shirt",
        image: [UInt8]
    ) -> MultipartBody {
        var parts: [Part] = [.field("id", id), .field("title", title), .field("url", url)]
        if let category { parts.append(.field("category", category)) }
        parts.append(.file("image", filename: "photo.jpg", contentType: "image/jpeg", bytes: image))
        return MultipartBody(parts)
    }
}
