import Foundation
import ShopLookCore

/// One catalog upload: an image file and the product it shows.
public struct IngestItem: Sendable, Equatable {
    public var file: URL
    public var productID: String
    public var title: String?
    public var url: String?
    public var category: String?
    /// Why the item is refused without being read (a catalog CSV row that names no usable product or file), or
    /// `nil`.
    public var refusal: String?

    public init(file: URL, productID: String, title: String? = nil, url: String? = nil, category: String? = nil, refusal: String? = nil) {
        self.file = file
        self.productID = productID
        self.title = title
        self.url = url
        self.category = category
        self.refusal = refusal
    }
}

/// Turns command-line paths into ingest items.
///
/// - an image file: one item, its product id the file name without extension;
/// - a folder: every file below it; a file inside a subfolder takes the name of the folder it is in as its
///   category (class subfolders, at any depth: `clothing/train/shirt/1234.jpg` is a shirt), its product id is
///   its path relative to the given folder's parent, without extension (`train/shirt/1234`);
/// - a `.csv` file with a header naming `product_id`, `image_path` and optionally `title`, `url`,
///   `category`: one item per row, relative image paths resolved against the CSV's folder. A row that cannot be
///   one (another number of fields than the header, an empty or invalid product id, no image path) is an item
///   refused with its reason: the other rows go on.
public enum IngestSources {
    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public static func items(from paths: [String]) throws(Error) -> [IngestItem] {
        var items: [IngestItem] = []
        for path in paths {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw Error(description: "no such file or folder: \(path)")
            }
            if isDirectory.boolValue {
                items += try folderItems(url)
            } else if url.pathExtension.lowercased() == "csv" {
                items += try csvItems(url)
            } else {
                items.append(IngestItem(file: url, productID: url.deletingPathExtension().lastPathComponent))
            }
        }
        return items
    }

    static func folderItems(_ root: URL) throws(Error) -> [IngestItem] {
        guard let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { throw Error(description: "cannot read folder \(root.path)") }
        var items: [IngestItem] = []
        let base = root.deletingLastPathComponent().path
        for case let file as URL in enumerator {
            // Regular files, and symbolic links to regular files (catalogs assembled from links).
            guard (try? file.resolvingSymlinksInPath().resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
            else { continue }
            let relative = file.standardizedFileURL.path.dropFirst(root.path.count + 1)
            let components = relative.split(separator: "/")
            let category = components.count >= 2 ? String(components[components.count - 2]) : nil
            let productID = String(file.standardizedFileURL.deletingPathExtension().path.dropFirst(base.count + 1))
            items.append(IngestItem(file: file.standardizedFileURL, productID: productID, category: category))
        }
        return items.sorted { $0.file.path < $1.file.path }
    }

    static func csvItems(_ csv: URL) throws(Error) -> [IngestItem] {
        let text: String
        do {
            text = try String(contentsOf: csv, encoding: .utf8)
        } catch {
            throw Error(description: "cannot read \(csv.path): \(error.localizedDescription)")
        }
        let rows: [[String]]
        do {
            rows = try CSVReader.parse(text)
        } catch {
            throw Error(description: "\(csv.path): \(error)")
        }
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw Error(description: "\(csv.path) is empty")
        }
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        guard let productColumn = column("product_id"), let imageColumn = column("image_path") else {
            throw Error(description: "\(csv.path): the header must name product_id and image_path (got \(header.joined(separator: ",")))")
        }
        let optional = (title: column("title"), url: column("url"), category: column("category"))
        var items: [IngestItem] = []
        for (index, row) in rows.dropFirst().enumerated() {
            func refused(_ reason: String) -> IngestItem {
                IngestItem(file: csv, productID: "", refusal: "CSV row \(index + 2): \(reason)")
            }
            guard row.count == header.count else {
                items.append(refused("\(row.count) fields, the header has \(header.count)"))
                continue
            }
            func value(_ column: Int?) -> String? {
                guard let column else { return nil }
                let text = row[column].trimmingCharacters(in: .whitespaces)
                return text.isEmpty ? nil : text
            }
            guard let productID = value(productColumn), let image = value(imageColumn) else {
                items.append(refused("product_id and image_path must not be empty"))
                continue
            }
            if let problem = ProductIDRule.problem(with: productID) {
                items.append(refused(problem))
                continue
            }
            let file = image.hasPrefix("/") ? URL(fileURLWithPath: image)
                : csv.deletingLastPathComponent().appendingPathComponent(image)
            items.append(IngestItem(
                file: file.standardizedFileURL, productID: productID, title: value(optional.title), url: value(optional.url),
                category: value(optional.category)))
        }
        return items
    }
}
