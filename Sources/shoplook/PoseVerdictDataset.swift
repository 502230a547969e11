import ArgumentParser
import Foundation
import ShopLookCore
import ShopLookImaging
import ShopLookPose

/// The labelled photos the learned pose verdict trains and is cross-validated on, and their pose observations.
///
/// Four sources under the data-set folder (`--datasets`, default `$SHOPLOOK_DATASETS` or `../shared/datasets`):
/// - `ccp/`: the street photos, labelled by the project in `Models/pose-labels-ccp.csv` (file, label, note);
///   each is also seen mirrored (trains, not scored) and cut off (``PoseCutOff``, labelled `partial`, scored);
/// - `people/labels.csv`: the 129 photos the rules were tuned on (each also mirrored);
/// - `clothing-small/`: product photos, `no_person` (all of validation, every `productStride`-th of train).
///
/// A sample's `group` is its source photo: mirrors and cuts share it, so a fold holds them together.
struct PoseVerdictDataset {
    struct Item {
        /// Unique: the source file relative to the data-set folder, plus `#mirror` or `#cut-<kind>`.
        var id: String
        var group: String
        /// `ccp`, `ccp-cut-<kind>`, `people` or `clothing-small`.
        var source: String
        var label: PoseVerdict
        var scored: Bool
        var file: URL
        var mirrored = false
        var cut: PixelRect?
    }

    var items: [Item] = []

    /// Lists the samples. `cutsPerPhoto` cut-off versions per full-body ccp photo (kinds taken in turn).
    init(datasets: URL, ccpLabels: URL, cutsPerPhoto: Int, productStride: Int, mirror: Bool) throws {
        let ccp = datasets.appendingPathComponent("ccp")
        let truth = try GroundTruthBoxes(url: ccp.appendingPathComponent("ground-truth.json"))
        let kinds = PoseCutOff.allCases
        for (index, row) in try Self.labelledRows(csv: ccpLabels).enumerated() {
            let file = ccp.appendingPathComponent(row.file)
            let id = "ccp/" + row.file
            items.append(Item(id: id, group: id, source: "ccp", label: row.label, scored: true, file: file))
            if mirror { items.append(Item(id: id + "#mirror", group: id, source: "ccp", label: row.label, scored: false, file: file, mirrored: true)) }
            guard row.label == .fullFront, cutsPerPhoto > 0, let boxes = truth.images[file.deletingPathExtension().lastPathComponent] else { continue }
            var made = 0
            for offset in 0..<kinds.count where made < cutsPerPhoto {
                let kind = kinds[(index + offset) % kinds.count]
                guard let rect = kind.rectangle(width: boxes.width, height: boxes.height, upper: boxes.upper, lower: boxes.lower, foot: boxes.foot)
                else { continue }
                items.append(Item(
                    id: "\(id)#cut-\(kind.rawValue)", group: id, source: "ccp-cut-\(kind.rawValue)", label: .partial, scored: true, file: file, cut: rect))
                made += 1
            }
        }
        let people = datasets.appendingPathComponent("people")
        for row in try Self.labelledRows(csv: people.appendingPathComponent("labels.csv")) {
            let id = "people/" + row.file
            let file = people.appendingPathComponent(row.file)
            items.append(Item(id: id, group: id, source: "people", label: row.label, scored: true, file: file))
            if mirror { items.append(Item(id: id + "#mirror", group: id, source: "people", label: row.label, scored: false, file: file, mirrored: true)) }
        }
        let products = datasets.appendingPathComponent("clothing-small")
        for split in ["validation", "train"] {
            let folder = products.appendingPathComponent(split)
            let files = (FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? [])
                .filter { $0.lowercased().hasSuffix(".jpg") }.sorted()
            for (index, name) in files.enumerated() where split == "validation" || index % max(1, productStride) == 0 {
                let id = "clothing-small/\(split)/\(name)"
                items.append(Item(id: id, group: id, source: "clothing-small", label: .noPerson, scored: true, file: folder.appendingPathComponent(name)))
            }
        }
    }

    /// `file,label[,note…]` rows of a labels CSV.
    static func labelledRows(csv: URL) throws -> [(file: String, label: PoseVerdict)] {
        let rows = try CSVReader.parse(try String(contentsOf: csv, encoding: .utf8))
        guard let header = rows.first, let fileColumn = header.firstIndex(of: "file"), let labelColumn = header.firstIndex(of: "label") else {
            throw ValidationError("\(csv.path) needs a header with file and label columns")
        }
        return try rows.dropFirst().filter { $0.count > max(fileColumn, labelColumn) }.map { row in
            guard let label = PoseVerdict(rawValue: row[labelColumn]) else {
                throw ValidationError("unknown label \(row[labelColumn]) for \(row[fileColumn]) in \(csv.path)")
            }
            return (row[fileColumn], label)
        }
    }

    /// The pose observation of every item, read from `cache` where it is there (keyed by item id) and computed
    /// with `estimator` otherwise; the cache is rewritten when anything new was computed. Items whose photo
    /// cannot be read are left out and reported on standard error.
    func observe(with estimator: PoseEstimator, cache: URL?) throws -> [(Item, PoseObservation)] {
        var known: [String: PoseObservation] = [:]
        if let cache, let data = FileManager.default.contents(atPath: cache.path) {
            known = (try? JSONDecoder().decode([String: PoseObservation].self, from: data)) ?? [:]
        }
        var computed = 0
        var out: [(Item, PoseObservation)] = []
        var decoded: (URL, RGBImage)?
        func save() throws {
            guard let cache, computed > 0 else { return }
            try JSONEncoder().encode(known).write(to: cache, options: .atomic)
        }
        for item in items {
            if let observation = known[item.id] {
                out.append((item, observation))
                continue
            }
            do {
                var image: RGBImage
                if let (url, cached) = decoded, url == item.file {
                    image = cached
                } else {
                    guard let data = FileManager.default.contents(atPath: item.file.path) else { throw ValidationError("cannot read the file") }
                    image = try estimator.decode([UInt8](data))
                    decoded = (item.file, image)
                }
                if let cut = item.cut { image = try image.cropped(to: cut) }
                if item.mirrored { image = image.mirroredHorizontally() }
                let observation = PoseObservation(try estimator.estimate(image))
                known[item.id] = observation
                out.append((item, observation))
                computed += 1
                if computed % 500 == 0 {
                    try save()
                    FileHandle.standardError.write(Data("pose-verdict data: \(computed) photos through BlazePose\n".utf8))
                }
            } catch {
                FileHandle.standardError.write(Data("skipped \(item.id): \(error)\n".utf8))
            }
        }
        try save()
        return out
    }

    /// The default data-set folder: `$SHOPLOOK_DATASETS`, else `../shared/datasets` beside the project.
    static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment["SHOPLOOK_DATASETS"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let project = (try? ShopLookPaths.directory(named: "Models").deletingLastPathComponent())
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        return project.deletingLastPathComponent().appendingPathComponent("shared/datasets")
    }

    /// The project's ccp labels, `Models/pose-labels-ccp.csv`.
    static func defaultCCPLabels() throws -> URL {
        try ShopLookPaths.directory(named: "Models").appendingPathComponent("pose-labels-ccp.csv")
    }
}
