@testable import ShopLookCore
import Testing

/// Marks `Optional` so reflection can tell optional stored properties apart.
private protocol OptionalMarker {}
extension Optional: OptionalMarker {}

/// `imageID` → `image_id`, `cropBlobKey` → `crop_blob_key`: the project's naming rule
/// from Swift property names to JSON keys.
private func snakeCase(_ name: String) -> String {
    var result = ""
    var previous: Character?
    for character in name {
        if character.isUppercase, let previous, previous.isLowercase || previous.isNumber {
            result += "_"
        }
        result += character.lowercased()
        previous = character
    }
    return result
}

/// The JSON keys a Swift type writes and which of them are required, derived by reflecting
/// a sample (every stored property, `Optional` ones are not required) and checked against
/// its `CodingKeys`.
private func swiftKeys<Keys: CodingKey & CaseIterable>(of sample: Any, codingKeys: Keys.Type) -> (all: Set<String>, required: Set<String>) {
    var all: Set<String> = []
    var required: Set<String> = []
    for child in Mirror(reflecting: sample).children {
        guard let label = child.label else { continue }
        let key = snakeCase(label)
        all.insert(key)
        if !(child.value is OptionalMarker) { required.insert(key) }
    }
    let codingKeys = Set(Keys.allCases.map(\.stringValue))
    #expect(all == codingKeys, "stored properties of \(type(of: sample)) (snake-cased) must equal its CodingKeys")
    return (all, required)
}

/// The property names and `required` list of the (sub)schema at `pointer` ("" or "$defs/<name>").
private func schemaKeys(_ schemaName: String, definition: String? = nil) throws -> (all: Set<String>, required: Set<String>) {
    var node = try Fixtures.schemaDocument(schemaName)
    if let definition { node = try #require(node["$defs"]?[definition]) }
    #expect(node["additionalProperties"] == .bool(false))
    let properties = try #require(node["properties"]?.objectValue)
    let required = try #require(node["required"]?.arrayValue).compactMap(\.stringValue)
    return (Set(properties.keys), Set(required))
}

@Suite("Schemas agree with the Swift types")
struct SchemaConsistencyTests {
    @Test func newImage() throws {
        let swift = swiftKeys(of: Samples.fullNewImage, codingKeys: NewImageMessage.CodingKeys.self)
        let schema = try schemaKeys("new-image")
        #expect(swift.all == schema.all)
        #expect(swift.required == schema.required)
    }

    @Test func lookQuery() throws {
        let swift = swiftKeys(of: Samples.lookQuery, codingKeys: LookQueryMessage.CodingKeys.self)
        let schema = try schemaKeys("look-query")
        #expect(swift.all == schema.all)
        #expect(swift.required == schema.required)
    }

    @Test func poseFiltered() throws {
        let swift = swiftKeys(of: Samples.fullPoseFiltered, codingKeys: PoseFilteredMessage.CodingKeys.self)
        let schema = try schemaKeys("pose-filtered")
        #expect(swift.all == schema.all)
        #expect(swift.required == schema.required)
        let region = swiftKeys(of: Samples.fullPoseFiltered.regions![0], codingKeys: ArticleRegion.CodingKeys.self)
        let regionSchema = try schemaKeys("pose-filtered", definition: "region")
        #expect(region.all == regionSchema.all)
        #expect(region.required == regionSchema.required)
        let landmark = swiftKeys(of: Samples.landmarks[0], codingKeys: Landmark.CodingKeys.self)
        let landmarkSchema = try schemaKeys("pose-filtered", definition: "landmark")
        #expect(landmark.all == landmarkSchema.all)
        #expect(landmark.required == landmarkSchema.required)
    }

    @Test func croppedArticles() throws {
        let swift = swiftKeys(of: Samples.fullCroppedArticles, codingKeys: CroppedArticlesMessage.CodingKeys.self)
        let schema = try schemaKeys("cropped-articles")
        #expect(swift.all == schema.all)
        #expect(swift.required == schema.required)
        let article = swiftKeys(of: Samples.article, codingKeys: Article.CodingKeys.self)
        let articleSchema = try schemaKeys("cropped-articles", definition: "article")
        #expect(article.all == articleSchema.all)
        #expect(article.required == articleSchema.required)
    }

    @Test func embedded() throws {
        let swift = swiftKeys(of: Samples.fullEmbedded, codingKeys: EmbeddedMessage.CodingKeys.self)
        let schema = try schemaKeys("embedded")
        #expect(swift.all == schema.all)
        #expect(swift.required == schema.required)
    }

    @Test func deadLetter() throws {
        let swift = swiftKeys(of: Samples.fullDeadLetter, codingKeys: DeadLetterEnvelope.CodingKeys.self)
        let schema = try schemaKeys("dead-letter")
        #expect(swift.all == schema.all)
        #expect(swift.required == schema.required)
    }

    @Test("every catalog stage's name is a valid dead-letter stage")
    func deadLetterStages() throws {
        let codec = try MessageCodec()
        for stage in PipelineStage.allCases {
            var letter = Samples.fullDeadLetter
            letter.stage = stage.rawValue
            _ = try codec.encode(letter)
        }
    }

    @Test("schema enums list exactly the Swift enum cases")
    func enums() throws {
        func enumValues(_ schema: String, _ property: String, definition: String? = nil) throws -> Set<String> {
            var node = try Fixtures.schemaDocument(schema)
            if let definition { node = try #require(node["$defs"]?[definition]) }
            return Set(try #require(node["properties"]?[property]?["enum"]?.arrayValue).compactMap(\.stringValue))
        }
        #expect(try enumValues("new-image", "source") == Set(ImageSource.allCases.map(\.rawValue)))
        #expect(try enumValues("new-image", "super_category") == Set(SuperCategory.allCases.map(\.rawValue)))
        #expect(try enumValues("pose-filtered", "kind") == Set(ImageKind.allCases.map(\.rawValue)))
        #expect(try enumValues("pose-filtered", "verdict") == Set(PoseVerdict.allCases.map(\.rawValue)))
        #expect(try enumValues("cropped-articles", "super_category", definition: "article") == Set(SuperCategory.allCases.map(\.rawValue)))
        #expect(try enumValues("embedded", "super_category") == Set(SuperCategory.allCases.map(\.rawValue)))
        #expect(try enumValues("dead-letter", "error_kind") == Set(DeadLetterReason.allCases.map(\.rawValue)))
    }

    @Test("every message schema pins version to the Swift currentVersion")
    func versions() throws {
        for type in MessageCodec.messageTypes {
            let version = try Fixtures.schemaDocument(type.schemaName)["properties"]?["version"]
            #expect(version?["const"] == .integer(Int64(type.currentVersion)), "\(type.schemaName)")
            #expect(version?["type"] == .string("integer"))
        }
    }
}
