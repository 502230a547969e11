#if canImport(Glibc)
import Glibc
#endif
import ShopLookIndex

/// Reading and writing the standard .fvecs / .ivecs files
/// (each row: little-endian int32 dimension, then the values).
enum VecFiles {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func readAll(_ path: String) throws -> [UInt8] {
        guard let f = fopen(path, "rb") else { throw Failure(description: "cannot open \(path)") }
        defer { fclose(f) }
        fseek(f, 0, SEEK_END)
        let size = ftell(f)
        fseek(f, 0, SEEK_SET)
        var buf = [UInt8](repeating: 0, count: size)
        let got = buf.withUnsafeMutableBytes { fread($0.baseAddress!, 1, size, f) }
        guard got == size else { throw Failure(description: "short read on \(path)") }
        return buf
    }

    /// Returns (row-major values, n, d).
    static func readFvecs(_ path: String) throws -> (data: [Float], n: Int, d: Int) {
        let raw = try readAll(path)
        guard raw.count >= 4 else { throw Failure(description: "\(path) is empty") }
        let d = raw.withUnsafeBytes { Int($0.load(as: Int32.self)) }
        let row = 4 + 4 * d
        guard d > 0, raw.count % row == 0 else { throw Failure(description: "\(path): bad size for d=\(d)") }
        let n = raw.count / row
        var out = [Float](repeating: 0, count: n * d)
        raw.withUnsafeBytes { rb in
            out.withUnsafeMutableBytes { ob in
                for i in 0..<n {
                    memcpy(ob.baseAddress! + i * d * 4, rb.baseAddress! + i * row + 4, d * 4)
                }
            }
        }
        return (out, n, d)
    }

    static func readIvecs(_ path: String) throws -> (data: [Int32], n: Int, d: Int) {
        let raw = try readAll(path)
        let d = raw.withUnsafeBytes { Int($0.load(as: Int32.self)) }
        let row = 4 + 4 * d
        guard d > 0, raw.count % row == 0 else { throw Failure(description: "\(path): bad size for d=\(d)") }
        let n = raw.count / row
        var out = [Int32](repeating: 0, count: n * d)
        raw.withUnsafeBytes { rb in
            out.withUnsafeMutableBytes { ob in
                for i in 0..<n { memcpy(ob.baseAddress! + i * d * 4, rb.baseAddress! + i * row + 4, d * 4) }
            }
        }
        return (out, n, d)
    }

    static func write<T>(_ path: String, rows: [T], d: Int) throws {
        guard let f = fopen(path + ".tmp", "wb") else { throw Failure(description: "cannot create \(path)") }
        var dim = Int32(d)
        let n = rows.count / d
        rows.withUnsafeBytes { rb in
            for i in 0..<n {
                fwrite(&dim, 4, 1, f)
                fwrite(rb.baseAddress! + i * d * 4, 4, d, f)
            }
        }
        guard fclose(f) == 0, rename(path + ".tmp", path) == 0 else { throw Failure(description: "cannot write \(path)") }
    }
}
