import ShopLookCore
import Testing
import ShopLookImaging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether the opt-in benchmark runs.
let benchmarksEnabled = getenv("SHOPLOOK_IMAGING_BENCH") != nil

/// Timing of the hot path. Opt-in because debug builds are meaningless for timing:
///
///     SHOPLOOK_IMAGING_BENCH=1 swift test -c release --filter PerformanceTests
@Suite("Performance", .serialized, .enabled(if: benchmarksEnabled))
struct PerformanceTests {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    /// 4000×3000 test images of increasing entropy: a product on a white background,
    /// a smooth photo-like scene with mild noise, and a heavily noisy scene.
    static func scene(_ kind: String) throws -> RGBImage {
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

    @Test func decode4000x3000ScaledAndResizeTo224() throws {
        for kind in ["product", "smooth", "noisy"] {
            let image = try Self.scene(kind)
            let jpeg = try JPEGEncoder(quality: 90).encode(image)
            for (label, decoder) in [("accurate", JPEGDecoder()), ("fastDCT", JPEGDecoder(fastDCT: true))] {
                var decodeTimes: [Double] = [], resizeTimes: [Double] = [], totalTimes: [Double] = []
                var decodedSize = ImageSize(width: 0, height: 0)
                for _ in 0..<15 {
                    let t0 = Self.now()
                    let decoded = try decoder.decode(jpeg, minimumSize: 256)
                    let t1 = Self.now()
                    let resized = try decoded.resized(width: 224, height: 224, filter: .area)
                    let t2 = Self.now()
                    precondition(resized.width == 224)
                    decodedSize = decoded.size
                    decodeTimes.append(t1 - t0)
                    resizeTimes.append(t2 - t1)
                    totalTimes.append(t2 - t0)
                }
                print("bench[\(kind), \(jpeg.count / 1024) KiB, \(label)]: decode→\(decodedSize) \(Self.median(decodeTimes)) ms + area→224x224 \(Self.median(resizeTimes)) ms = \(Self.median(totalTimes)) ms (median of 15)")
            }
            if kind == "product" {
                var fullTimes: [Double] = []
                for _ in 0..<5 {
                    let t0 = Self.now()
                    _ = try JPEGDecoder().decode(jpeg)
                    fullTimes.append(Self.now() - t0)
                }
                print("bench[\(kind)]: full-size decode \(Self.median(fullTimes)) ms (median of 5)")
                var trimTimes: [Double] = []
                for _ in 0..<5 {
                    let t0 = Self.now()
                    _ = image.foregroundTrim()
                    trimTimes.append(Self.now() - t0)
                }
                print("bench[\(kind)]: foregroundTrim on 4000x3000 (analysis ≤640) \(Self.median(trimTimes)) ms (median of 5)")
            }
        }
    }

    @Test func resizeAndTensor() throws {
        let small = try Self.scene("smooth").resized(width: 500, height: 375, filter: .area)
        let input = try small.resized(width: 224, height: 224, filter: .bilinear)
        var tensor = [Float](repeating: 0, count: 224 * 224 * 3)
        var tensorTimes: [Double] = [], bilinearTimes: [Double] = [], areaTimes: [Double] = []
        for _ in 0..<31 {
            let t0 = Self.now()
            _ = try small.resized(width: 224, height: 224, filter: .bilinear)
            let t1 = Self.now()
            _ = try small.resized(width: 224, height: 224, filter: .area)
            let t2 = Self.now()
            try input.writeTensor(into: &tensor, layout: .nchw, normalization: .imageNet)
            let t3 = Self.now()
            bilinearTimes.append(t1 - t0)
            areaTimes.append(t2 - t1)
            tensorTimes.append(t3 - t2)
        }
        print("bench: 500x375→224x224 bilinear \(Self.median(bilinearTimes)) ms, area \(Self.median(areaTimes)) ms; toTensor NCHW ImageNet 224 \(Self.median(tensorTimes)) ms (medians of 31)")
    }
}
