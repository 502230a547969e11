import ArgumentParser
import ShopLookCore
import ShopLookImaging

/// The imaging hot path timed against baselines measured in the same run: a scaled JPEG decode (to ≥256 px)
/// plus an area resize to 224×224 against a full-size decode plus the same resize; the fast DCT against the
/// accurate one; the foreground trim against the full decode it follows; bilinear resizing and the tensor against
/// the area resize. Each run takes the median of `--iterations` timings per case; the ratios are per run (case
/// and baseline measured back to back), and the summary gives the median over `--runs`. Meant for release builds:
/// `Benchmarks/run-imaging-bench`.
@main
struct ImagingBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoplook-imaging-bench",
        abstract: "Time JPEG decoding, resizing, the foreground trim and tensors; ratios against same-run baselines.")

    @Option(help: "Runs (each one times every case and its baseline).") var runs: Int = 5
    @Option(help: "Timings per case and run (the run keeps their median).") var iterations: Int = 15
    @Option(help: "Scenes, comma-separated: product, smooth, noisy (4000×3000, increasing entropy).")
    var scenes: String = "product,smooth,noisy"
    @Flag(help: "Print one JSON object per case and run instead of the table.") var json = false

    mutating func run() throws {
        guard runs > 0, iterations > 0 else { throw ValidationError("--runs and --iterations must be positive") }
        let kinds = scenes.split(separator: ",").map(String.init)
        var results: [Measurement] = []
        for kind in kinds {
            let image = try Scene.make(kind)
            let jpeg = try JPEGEncoder(quality: 90).encode(image)
            for run in 1...runs {
                results += try decodeCases(kind, image: image, jpeg: jpeg, run: run)
            }
        }
        let small = try Scene.make("smooth").resized(width: 500, height: 375, filter: .area)
        for run in 1...runs { results += try resizeCases(small, run: run) }
        if json {
            for result in results { print(result.json) }
        } else {
            printSummary(results)
        }
    }

    /// Scaled decode + area resize against full decode + area resize, fast DCT against accurate, trim against decode.
    func decodeCases(_ kind: String, image: RGBImage, jpeg: [UInt8], run: Int) throws -> [Measurement] {
        let scene = "\(kind) 4000x3000, \(jpeg.count / 1024) KiB"
        let full = try time {
            let decoded = try JPEGDecoder().decode(jpeg)
            let resized = try decoded.resized(width: 224, height: 224, filter: .area)
            precondition(resized.width == 224 && resized.height == 224)
        }
        let scaled = try time {
            let decoded = try JPEGDecoder().decode(jpeg, minimumSize: 256)
            let resized = try decoded.resized(width: 224, height: 224, filter: .area)
            precondition(resized.width == 224 && resized.height == 224 && min(decoded.width, decoded.height) >= 256)
        }
        let fast = try time {
            let decoded = try JPEGDecoder(fastDCT: true).decode(jpeg, minimumSize: 256)
            let resized = try decoded.resized(width: 224, height: 224, filter: .area)
            precondition(resized.width == 224 && resized.height == 224)
        }
        let decodeOnly = try time { _ = try JPEGDecoder().decode(jpeg) }
        let trim = time { _ = image.foregroundTrim() }
        return [
            Measurement(run: run, scene: scene, name: "full decode + area 224", milliseconds: full, baseline: nil),
            Measurement(run: run, scene: scene, name: "scaled decode (>=256) + area 224", milliseconds: scaled,
                        baseline: ("full decode + area 224", full)),
            Measurement(run: run, scene: scene, name: "scaled decode, fast DCT + area 224", milliseconds: fast,
                        baseline: ("scaled decode (>=256) + area 224", scaled)),
            Measurement(run: run, scene: scene, name: "full decode", milliseconds: decodeOnly, baseline: nil),
            Measurement(run: run, scene: scene, name: "foregroundTrim (analysis <=640)", milliseconds: trim,
                        baseline: ("full decode", decodeOnly)),
        ]
    }

    /// 500×375 → 224×224: bilinear against area; the NCHW ImageNet tensor against the area resize.
    func resizeCases(_ small: RGBImage, run: Int) throws -> [Measurement] {
        let input = try small.resized(width: 224, height: 224, filter: .bilinear)
        var tensor = [Float](repeating: 0, count: 224 * 224 * 3)
        let area = try time { _ = try small.resized(width: 224, height: 224, filter: .area) }
        let bilinear = try time { _ = try small.resized(width: 224, height: 224, filter: .bilinear) }
        let toTensor = try time { try input.writeTensor(into: &tensor, layout: .nchw, normalization: .imageNet) }
        let scene = "smooth 500x375"
        return [
            Measurement(run: run, scene: scene, name: "area 224", milliseconds: area, baseline: nil),
            Measurement(run: run, scene: scene, name: "bilinear 224", milliseconds: bilinear, baseline: ("area 224", area)),
            Measurement(run: run, scene: scene, name: "tensor NCHW ImageNet 224", milliseconds: toTensor, baseline: ("area 224", area)),
        ]
    }

    /// The median of `iterations` timings of `body`, in milliseconds.
    func time(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        var timings: [Double] = []
        for _ in 0..<iterations {
            let start = clock.now
            try body()
            let elapsed = (clock.now - start).components
            timings.append(Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) * 1e-15)
        }
        return median(timings)
    }

    func printSummary(_ results: [Measurement]) {
        print("median of \(runs) runs (each the median of \(iterations) timings); ratio = case / baseline, per run, then median")
        var seen: Set<String> = []
        for result in results where seen.insert(result.scene + "|" + result.name).inserted {
            let same = results.filter { $0.scene == result.scene && $0.name == result.name }
            let ms = median(same.map(\.milliseconds))
            var line = "\(result.scene.padding(toLength: 28, withPad: " ", startingAt: 0)) "
                + "\(result.name.padding(toLength: 36, withPad: " ", startingAt: 0)) \(format(ms, 8)) ms"
            if let baseline = result.baseline {
                let ratios = same.compactMap(\.ratio)
                line += "  \(format(median(ratios), 6))x \(baseline.name)  (runs \(ratios.map { format($0, 0) }.joined(separator: ", ")))"
            }
            print(line)
        }
    }
}

struct Measurement {
    let run: Int
    let scene: String
    let name: String
    let milliseconds: Double
    /// The case this one is compared with, and its time in the same run.
    let baseline: (name: String, milliseconds: Double)?

    var ratio: Double? { baseline.map { milliseconds / $0.milliseconds } }

    var json: String {
        var fields = ["\"run\": \(run)", "\"scene\": \"\(scene)\"", "\"case\": \"\(name)\"", "\"median_ms\": \(format(milliseconds, 0))"]
        if let baseline, let ratio {
            fields += ["\"baseline\": \"\(baseline.name)\"", "\"ratio\": \(format(ratio, 0))"]
        }
        return "{" + fields.joined(separator: ", ") + "}"
    }
}

/// 4000×3000 test images of increasing entropy: a product on a white background, a smooth photo-like scene with
/// mild noise, and a heavily noisy scene.
enum Scene {
    static func make(_ kind: String) throws -> RGBImage {
        guard ["product", "smooth", "noisy"].contains(kind) else { throw ValidationError("unknown scene \(kind)") }
        var rng = SplitMix64(seed: 42)
        let width = 4000, height = 3000
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                switch kind {
                case "product":
                    let inside = x > 1200 && x < 2800 && y > 500 && y < 2600
                    let noise = Int(rng.next() % 4)
                    pixels[i] = inside ? UInt8(120 + (x / 40) % 30 + noise) : 250
                    pixels[i + 1] = inside ? UInt8(40 + (y / 50) % 40 + noise) : 250
                    pixels[i + 2] = inside ? UInt8(60 + noise) : 250
                default:
                    let amplitude: UInt64 = kind == "noisy" ? 24 : 4
                    let noise = Int(rng.next() % amplitude)
                    pixels[i] = UInt8(min(255, (x * 200) / width + noise))
                    pixels[i + 1] = UInt8(min(255, (y * 200) / height + noise))
                    pixels[i + 2] = UInt8(min(255, ((x / 37 + y / 53) % 4) * 50 + noise))
                }
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
}

/// `value` with 3 decimals, right-aligned to `width` (0: no padding).
func format(_ value: Double, _ width: Int) -> String {
    let rounded = (value * 1000).rounded() / 1000
    let text = String(rounded)
    return width > text.count ? String(repeating: " ", count: width - text.count) + text : text
}
