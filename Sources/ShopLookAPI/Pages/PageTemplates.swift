import Foundation
import Mustache
import ShopLookCore

/// The shopper's page templates (`Templates/*.mustache`: `home`, `look` and the `style` partial), parsed once at
/// start so that a broken template stops the server at once instead of failing a shopper's request.
public struct PageTemplates: Sendable {
    /// The templates the page needs.
    public static let names = ["home", "look", "style"]

    let library: MustacheLibrary

    /// Parses the templates in `directory` (default: the project's `Templates/`, found like `Schemas/`).
    public static func load(directory: URL? = nil) throws -> PageTemplates {
        let folder = try directory ?? ShopLookPaths.directory(named: "Templates")
        var library = MustacheLibrary()
        for name in names {
            let url = folder.appendingPathComponent("\(name).mustache")
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw PageTemplateError("the page template \(url.path) is missing")
            }
            do {
                try library.register(String(decoding: data, as: UTF8.self), named: name)
            } catch {
                throw PageTemplateError("the page template \(url.path) does not parse: \(error)")
            }
        }
        return PageTemplates(library: library)
    }

    /// `template` rendered with `context` (dictionaries, arrays, strings, numbers, booleans).
    func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? ""
    }
}

/// A page template that is missing or does not parse.
public struct PageTemplateError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
