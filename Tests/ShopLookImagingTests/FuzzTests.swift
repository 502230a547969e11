import ShopLookCore
import Testing
@testable import ShopLookImaging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Fuzzing")
struct FuzzTests {
    /// Iterations: 2,000, or `SHOPLOOK_IMAGING_FUZZ_ITERATIONS` for a longer campaign
    /// (e.g. under `swift test --sanitize=address`).
    static let iterations: Int = getenv("SHOPLOOK_IMAGING_FUZZ_ITERATIONS").flatMap { Int(String(cString: $0)) } ?? 2000

    /// Random mutations of valid JPEGs (byte flips, overwrites, truncation, insertion,
    /// deletion): every decode returns an image or an `ImageError`, never crashes.
    @Test func mutatedJPEGsNeverCrash() {
        var rng = SplitMix64(seed: getenv("SHOPLOOK_IMAGING_FUZZ_SEED").flatMap { UInt64(String(cString: $0)) } ?? 2024)
        let baseline = TestImages.jpeg(TestImages.photoLike(width: 48, height: 40), quality: 80, subsampling: .yuv420)
        let progressive = try! JPEGEncoder(quality: 80, progressive: true).encode(TestImages.photoLike(width: 40, height: 32))
        let withExif = TestImages.inserting(TestImages.exifSegment(orientation: 6), into: baseline)
        let cmyk = try! JPEGEncoder(quality: 80).encodeCMYK([UInt8](repeating: 90, count: 16 * 16 * 4), width: 16, height: 16)
        let seeds = [baseline, progressive, withExif, cmyk]
        // Small limits keep hostile headers cheap; both warning policies are exercised.
        let limits = ImageLimits(maxBytes: 1 << 20, maxPixels: 2_000_000, maxSide: 4096)
        let decoders = [JPEGDecoder(limits: limits), JPEGDecoder(limits: limits, warningPolicy: .lenient, fastDCT: true)]
        var images = 0, errors: [String: Int] = [:]
        for iteration in 0..<Self.iterations {
            var bytes = seeds[iteration % seeds.count]
            let mutations = Int.random(in: 1...4, using: &rng)
            for _ in 0..<mutations {
                guard !bytes.isEmpty else { break }
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: // flip a bit
                    let i = Int.random(in: 0..<bytes.count, using: &rng)
                    bytes[i] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                case 1: // overwrite a byte, biased towards the header
                    let limit = Bool.random(using: &rng) ? min(bytes.count, 700) : bytes.count
                    bytes[Int.random(in: 0..<limit, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                case 2: // truncate
                    bytes.removeLast(Int.random(in: 0..<bytes.count, using: &rng))
                case 3: // insert random bytes
                    let i = Int.random(in: 0...bytes.count, using: &rng)
                    bytes.insert(contentsOf: (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: i)
                case 4: // delete a range
                    let i = Int.random(in: 0..<bytes.count, using: &rng)
                    bytes.removeSubrange(i..<min(bytes.count, i + Int.random(in: 1...16, using: &rng)))
                default: // write 0xFF (marker confusion)
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = 0xFF
                }
            }
            let decoder = decoders[iteration % decoders.count]
            // `throws(ImageError)`: the compiler checks that nothing but ImageError can escape.
            do throws(ImageError) {
                let decoded = try decoder.decodeWithDetails(bytes, minimumWidth: iteration % 3 == 0 ? 8 : nil)
                #expect(decoded.image.pixels.count == decoded.image.width * decoded.image.height * 3)
                images += 1
            } catch {
                let key = switch error {
                case .unsupportedFormat: "unsupportedFormat"
                case .corrupt: "corrupt"
                case .corruptPNG: "corruptPNG"
                case .imageTooLarge: "imageTooLarge"
                case .inputTooLarge: "inputTooLarge"
                case .invalidArgument: "invalidArgument"
                case .encodingFailed: "encodingFailed"
                }
                errors[key, default: 0] += 1
            }
            _ = try? decoder.info(bytes)
        }
        #expect(images + errors.values.reduce(0, +) == Self.iterations)
        #expect(errors["invalidArgument"] == nil && errors["encodingFailed"] == nil)
        print("fuzz: \(images) images, errors \(errors.sorted { $0.key < $1.key })")
    }
}
