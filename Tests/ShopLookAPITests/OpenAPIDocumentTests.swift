import Foundation
import Hummingbird
import ShopLookAPI
import ShopLookCore
import Testing

/// `Schemas/openapi.json` and the router cannot drift apart: the same (method, path) pairs, every operation
/// answering errors in the one shape, every reference resolving.
@Suite("The OpenAPI document")
struct OpenAPIDocumentTests {
    static func document() throws -> JSONValue {
        let url = try ShopLookPaths.directory(named: "Schemas").appendingPathComponent("openapi.json")
        return try JSONValue.parse(Array(try Data(contentsOf: url)))
    }

    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    @Test func itDescribesExactlyTheRoutesTheRouterServes() throws {
        let document = try Self.document()
        #expect(document["openapi"]?.stringValue == "3.1.0")
        var documented: Set<RouteTable.Route> = []
        for (path, item) in try #require(document["paths"]?.objectValue) {
            for method in Self.methods where item[method] != nil {
                documented.insert(RouteTable.Route(method: HTTPRequest.Method(method.uppercased())!, path: path))
            }
        }
        let table = RouteTable()
        _ = try APITestHarness().router(routes: table)
        let served = table.routes
        #expect(!served.isEmpty)
        #expect(documented.subtracting(served).isEmpty, "documented, not served: \(documented.subtracting(served))")
        #expect(served.subtracting(documented).isEmpty, "served, not documented: \(served.subtracting(documented))")
    }

    @Test func everyOperationAnswersErrorsInTheOneShapeAndCatalogWritesNeedTheToken() throws {
        let document = try Self.document()
        for (path, item) in try #require(document["paths"]?.objectValue) {
            for method in Self.methods {
                guard let operation = item[method] else { continue }
                let responses = try #require(operation["responses"]?.objectValue, "\(method) \(path)")
                #expect(responses["default"]?["$ref"]?.stringValue == "#/components/responses/Error", "\(method) \(path)")
                // The shopper's page answers its errors as HTML (the form again, with the reason); the API as JSON.
                let page = !path.hasPrefix("/v1/") && path != "/healthz" && path != "/metrics"
                for (status, response) in responses where status.hasPrefix("4") || status.hasPrefix("5") {
                    let content = try resolve(response, in: document)["content"]
                    if page {
                        #expect(content?["text/html"] != nil, "\(method) \(path) \(status)")
                    } else {
                        #expect(content?["application/json"]?["schema"]?["$ref"]?.stringValue == "#/components/schemas/Error", "\(method) \(path) \(status)")
                    }
                }
                // The token guards catalog changes; looks and the page are open to shoppers.
                let secured = !(operation["security"]?.arrayValue?.isEmpty ?? true)
                #expect(secured == (["post", "delete"].contains(method) && path.hasPrefix("/v1/products")), "\(method) \(path)")
                if secured { #expect(responses["401"] != nil, "\(method) \(path)") }
            }
        }
    }

    @Test func everyReferenceResolves() throws {
        let document = try Self.document()
        var references: [String] = []
        func collect(_ value: JSONValue) {
            switch value {
            case .object(let members):
                if let reference = members["$ref"]?.stringValue { references.append(reference) }
                members.values.forEach(collect)
            case .array(let items): items.forEach(collect)
            default: break
            }
        }
        collect(document)
        #expect(references.count > 20)
        for reference in Set(references) {
            #expect(throws: Never.self, "\(reference)") { _ = try resolve(.object(["$ref": .string(reference)]), in: document) }
        }
    }

    /// The value a `$ref` (to `#/…`) points at, or `value` itself.
    func resolve(_ value: JSONValue, in document: JSONValue) throws -> JSONValue {
        guard let reference = value["$ref"]?.stringValue else { return value }
        guard reference.hasPrefix("#/") else { throw TestFailure("external reference \(reference)") }
        var target = document
        for component in reference.dropFirst(2).split(separator: "/") {
            guard let next = target[String(component)] else { throw TestFailure("\(reference) does not resolve") }
            target = next
        }
        return target
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
