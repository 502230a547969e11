import ShopLookCore

extension FuzzTarget {
    /// The field rules of the API's two upload forms over the parsed `multipart/form-data` (the `multipart` target
    /// fuzzes the parsing itself): a look (`POST /v1/looks`, the page's `POST /looks`: ``LookForm``) and a product
    /// (`POST /v1/products`: ``ProductForm``), each checked against an independent reading of its rules.
    ///
    /// The first byte chooses the form (even: look, odd: product). Then the `Content-Type` value up to the first LF
    /// (as UTF-8, invalid sequences replaced); for a look, the `?k=` query value up to the next LF (empty: none); then
    /// the body.
    static let forms = FuzzTarget(
        name: "forms",
        summary: """
            LookForm (the Content-Type's body kind, k from the query and the form, the fields image and k) and \
            ProductForm (id, title, url, category, super_category, image) over MultipartFormData's parts: a form is \
            accepted exactly when an independent reading of the rules accepts it, with the same values (k 1-100, the \
            image part's bytes, the product's text fields as sent); every refusal is a FormFieldError with a reason on \
            one printable line
            """
    ) { (input) throws(FuzzFailure) in
        let check = Invariants(target: "forms")
        guard let selector = input.first else { return }
        var rest = UnsafeRawBufferPointer(rebasing: input.dropFirst())
        let contentType = line(&rest)
        if selector % 2 == 0 {
            let query = line(&rest)
            try checkLook(contentType: contentType, query: query.isEmpty ? nil : query, body: Array(rest), check: check)
        } else {
            guard let form = parsedForm(contentType: contentType, body: Array(rest)) else { return }
            try checkProduct(form, check: check)
        }
    }

    /// The text up to the first LF (or the end), taken off `buffer`.
    private static func line(_ buffer: inout UnsafeRawBufferPointer) -> String {
        let end = buffer.firstIndex(of: 10) ?? buffer.count
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: buffer[..<end]), as: UTF8.self)
        buffer = UnsafeRawBufferPointer(rebasing: buffer[min(end + 1, buffer.count)...])
        return text
    }

    /// The form as the API's `RequestBody.form` reads it, with the API's limits; `nil` where it answers 415 or 400
    /// before any field rule (the `multipart` target's part).
    private static func parsedForm(contentType: String, body: [UInt8]) -> MultipartFormData? {
        guard let boundary = try? MultipartFormData.boundary(contentType: contentType) else { return nil }
        return try? MultipartFormData(parsing: body, boundary: boundary)
    }

    /// A refusal's reason: not empty, one printable line (the API answers it and may log it).
    private static func checkReason(_ error: FormFieldError, check: Invariants) throws(FuzzFailure) {
        try check.require(!error.reason.isEmpty, "a refusal without a reason")
        try check.requirePrintable(error.reason, "the reason")
    }

    // MARK: Looks

    private static func checkLook(contentType: String, query: String?, body: [UInt8], check: Invariants) throws(FuzzFailure) {
        // k from the query, read first (a bad one is a 400 whatever the body).
        let expectedQueryK = expectedK(query)
        let queryK: Int
        switch Result(catching: { () throws(FormFieldError) in try LookForm.k(query) }) {
        case .success(let k):
            try check.require(k == expectedQueryK, "query k \(query.debugDescription.prefix(100)) read as \(k), not \(expectedQueryK.map(String.init) ?? "a refusal")")
            queryK = k
        case .failure(let error):
            try check.require(expectedQueryK == nil, "query k \(query.debugDescription.prefix(100)) refused: \(error.reason)")
            try checkReason(error, check: check)
            return
        }

        let kind = LookForm.bodyKind(contentType: contentType)
        let type = mediaType(contentType)
        switch kind {
        case .photo: try check.require(type == "image/jpeg" || type == "image/png", "a photo body from the type \(contentType.debugDescription.prefix(200))")
        case .form: try check.require(type == "multipart/form-data", "a form from the type \(contentType.debugDescription.prefix(200))")
        case .unsupported: try check.require(!["image/jpeg", "image/png", "multipart/form-data"].contains(type), "\(type) refused")
        }
        guard kind == .form, let form = parsedForm(contentType: contentType, body: body) else { return }

        let expected = expectedLook(form, queryK: queryK)
        switch Result(catching: { () throws(FormFieldError) in try LookForm.fields(of: form, queryK: queryK) }) {
        case .success(let fields):
            guard let expected else { throw check.failure("a look form accepted that breaks a rule: \(form.parts.map(\.name).debugDescription.prefix(200))") }
            try check.require((1...LookForm.maximumK).contains(fields.k), "k \(fields.k) accepted")
            try check.require(fields.k == expected.k, "k \(fields.k), not \(expected.k)")
            try check.require(fields.photo.startIndex == expected.photo.startIndex && fields.photo.endIndex == expected.photo.endIndex
                                  && fields.photo.elementsEqual(expected.photo), "the photo is not the image part's bytes")
        case .failure(let error):
            try check.require(expected == nil, "a valid look form refused: \(error.reason.debugDescription.prefix(200))")
            try checkReason(error, check: check)
        }
    }

    /// `k` as the rules read it, independently: absent or empty 5, otherwise a decimal whole number 1–100 (an optional
    /// sign, ASCII digits); `nil` for a refusal.
    static func expectedK(_ text: String?) -> Int? {
        guard let text, !text.isEmpty else { return LookForm.defaultK }
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        let significant = digits.drop { $0 == "0" }
        guard significant.count <= 3, !negative || significant.isEmpty else { return nil }
        let value = Int(significant) ?? 0
        return (1...LookForm.maximumK).contains(value) ? value : nil
    }

    /// What a look form holds by the rules, read independently: exactly one `image`, at most one `k` whose text is a
    /// valid k, no other field; `nil` for a refusal.
    private static func expectedLook(_ form: MultipartFormData, queryK: Int) -> (photo: ArraySlice<UInt8>, k: Int)? {
        let names = form.parts.map(\.name)
        guard names.allSatisfy({ $0 == "image" || $0 == "k" }) else { return nil }
        let images = form.parts(named: "image"), ks = form.parts(named: "k")
        guard images.count == 1, ks.count <= 1 else { return nil }
        guard let kPart = ks.first else { return (images[0].body, queryK) }
        guard let text = String(validating: kPart.body, as: UTF8.self), let k = expectedK(text) else { return nil }
        return (images[0].body, k)
    }

    // MARK: Products

    private static func checkProduct(_ form: MultipartFormData, check: Invariants) throws(FuzzFailure) {
        let expected = expectedProduct(form)
        switch Result(catching: { () throws(FormFieldError) in try ProductForm.fields(of: form) }) {
        case .success(let fields):
            guard let expected else { throw check.failure("a product form accepted that breaks a rule: \(form.parts.map(\.name).debugDescription.prefix(200))") }
            try check.require(
                fields.productID == expected.productID && fields.title == expected.title && fields.url == expected.url
                    && fields.category == expected.category && fields.superCategory == expected.superCategory,
                "the fields read differ from those sent: \(fields.productID.debugDescription.prefix(100))")
            try check.require(fields.image.startIndex == expected.image.startIndex && fields.image.endIndex == expected.image.endIndex
                                  && fields.image.elementsEqual(expected.image), "the image is not the image part's bytes")
            for text in [fields.productID, fields.title, fields.url, fields.category ?? "x"] {
                try check.require(!text.unicodeScalars.contains("\0"), "a NUL accepted in \(text.debugDescription.prefix(100))")
            }
        case .failure(let error):
            try check.require(expected == nil, "a valid product form refused: \(error.reason.debugDescription.prefix(200))")
            try checkReason(error, check: check)
        }
    }

    /// What a product form holds by the rules, read independently; `nil` for a refusal.
    private static func expectedProduct(_ form: MultipartFormData) -> ProductForm.Fields? {
        let allowed: Set<String> = ["id", "title", "url", "category", "super_category", "image"]
        var byName: [String: MultipartPart] = [:]
        for part in form.parts {
            guard allowed.contains(part.name), byName[part.name] == nil else { return nil }
            byName[part.name] = part
        }
        var texts: [String: String] = [:]
        for (name, part) in byName where name != "image" {
            guard let text = String(validating: part.body, as: UTF8.self), !text.utf8.contains(0) else { return nil }
            texts[name] = text
        }
        guard let image = byName["image"], let id = texts["id"], let title = texts["title"], let url = texts["url"] else { return nil }
        let length = { (text: String) in text.unicodeScalars.count }
        guard (1...200).contains(length(id)), id != ".", id != "..", length(title) <= 2000, (1...2048).contains(length(url)) else { return nil }
        let category = texts["category"]
        if let category, !(1...128).contains(length(category)) { return nil }
        var superCategory: SuperCategory?
        if let name = texts["super_category"] {
            switch name {
            case "upper": superCategory = .upper
            case "lower": superCategory = .lower
            case "foot": superCategory = .foot
            default: return nil
            }
        }
        return ProductForm.Fields(image: image.body, productID: id, title: title, url: url, category: category, superCategory: superCategory)
    }
}
