import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookCore
import ShopLookModelOptions
import ShopLookPose

struct TrainParserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parser",
        abstract: "Train the garment parser on ccp's pixel masks (article boxes from the garments a person wears).",
        discussion: """
            --data is a folder like ccp/: ground-truth.json (labels, super-categories, boxes), photos/NNNN.jpg and \
            masks/NNNN.png. Every photo goes through BlazePose and the parser's backbone; a small classifier learns \
            each cell's garment class from the masks. The weights go to --output (default: the models folder's \
            parser/garment-parser.slparse, where the pose stage, `shoplook articles` and looks find them); they are \
            derived from the data set, so they stay on this machine. `shoplook eval articles --parser-folds 5` \
            measures the parser cross-validated. Prints one JSON line.
            """)

    @OptionGroup var model: ModelOptions

    @Option(help: "The data set folder (ground-truth.json, photos/, masks/).")
    var data: String

    @Option(help: "Where to write the weights (default: <models>/parser/garment-parser.slparse).")
    var output: String?

    @Option(help: "Train on the first N photos only (a quick check of the path).")
    var limit: Int?

    @Option(help: "Hidden units of the cell classifier.")
    var hidden = 64

    @Option(help: "Training epochs.")
    var epochs = 6

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Flag(help: "Do nothing when --output already holds valid weights for the current backbone (Deploy/setup's second run).")
    var skipIfCurrent = false

    func validate() throws {
        guard (1...1024).contains(hidden) else { throw ValidationError("--hidden must be 1…1024") }
        guard (1...100).contains(epochs) else { throw ValidationError("--epochs must be 1…100") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let started = ContinuousClock.now
        let files = try model.modelFiles()
        let destination = output.map { URL(fileURLWithPath: $0) } ?? files.garmentParserWeights
        if skipIfCurrent, let parser = try? GarmentParser(files: files, weights: destination) {
            JSONLineWriter().write(["weights": destination.path, "version": parser.modelVersion, "trained": false, "reason": "current"])
            return
        }
        let set = try GarmentTrainingSet.load(directory: URL(fileURLWithPath: data), files: files, limit: limit)
        guard !set.photos.isEmpty else { throw ValidationError("no usable photo in \(data) (skipped: \(set.skipped.count))") }
        let read = ContinuousClock.now
        var trainer = GarmentClassifierTrainer()
        trainer.hiddenCount = hidden
        trainer.epochs = epochs
        trainer.seed = seed
        let cells = set.photos.count * ParserFrame.cellCount
        let classifier = trainer.train(
            features: set.features, targets: set.targets, inputCount: GarmentParser.inputCount, rows: Array(0..<cells),
            backboneVersion: set.backboneVersion)
        let trained = ContinuousClock.now
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = destination.appendingPathExtension("tmp")
        try Data(classifier.serialized()).write(to: temporary)
        guard rename(temporary.path, destination.path) == 0 else {
            throw ValidationError("cannot move \(temporary.path) to \(destination.path): \(String(cString: strerror(errno)))")
        }
        let probabilities = classifier.probabilities(set.features, rows: cells)
        JSONLineWriter().write([
            "photos": set.photos.count, "skipped": set.skipped.count, "cells": cells,
            "training_cell_accuracy": ParserCellAccuracy.accuracy(probabilities: probabilities, targets: set.targets),
            "weights": destination.path, "version": "garment-parser@\(classifier.contentID)", "backbone": set.backboneVersion, "trained": true,
            "read_seconds": (read - started).seconds, "train_seconds": (trained - read).seconds,
        ])
    }
}

/// The share of cells whose most probable class is their majority class in the mask.
enum ParserCellAccuracy {
    static func accuracy(probabilities: [Float], targets: [Float]) -> Double {
        let classes = GarmentClass.allCases.count
        let cells = targets.count / classes
        guard cells > 0 else { return 0 }
        var right = 0
        for cell in 0..<cells {
            let p = probabilities[(cell * classes)..<((cell + 1) * classes)], t = targets[(cell * classes)..<((cell + 1) * classes)]
            if p.indices.max(by: { p[$0] < p[$1] }) == t.indices.max(by: { t[$0] < t[$1] }) { right += 1 }
        }
        return Double(right) / Double(cells)
    }
}
