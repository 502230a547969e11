import Foundation
import ShopLookFuzzTargets

#if SHOPLOOK_LIBFUZZER
import CLibFuzzer
#endif

/// `shoplook-fuzz NAME [ARGUMENTS…]`: one fuzz target of ShopLookFuzzTargets (`jpeg`, `exif`, `png`, `json`,
/// `messages`, `csv`, `multipart`, `search-wire`, `forms`,
/// `reindex`).
///
/// Built by `Benchmarks/run-fuzz` with `-sanitize=fuzzer,address -D SHOPLOOK_LIBFUZZER`, it is libFuzzer: the
/// arguments after the name are libFuzzer's (`-max_total_time=60 Fuzz/corpus/json`). In the plain build it replays
/// inputs without libFuzzer: the arguments are files or folders, every file is run once, and each failure is printed
/// (exit status 1), e.g. to check a crash input after a fix. The name may also come from `SHOPLOOK_FUZZ_TARGET`
/// (what libFuzzer's re-executed children, as in `-minimize_crash=1`, see: the name is set there before they run).
@main
enum ShopLookFuzz {
    static func main() {
        var arguments = CommandLine.arguments
        let fromArgument = arguments.count > 1 && !arguments[1].hasPrefix("-")
        let name = fromArgument ? arguments[1] : ProcessInfo.processInfo.environment["SHOPLOOK_FUZZ_TARGET"]
        guard let name, let target = FuzzTarget.named(name) else {
            let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
            FileHandle.standardError.write(Data("usage: shoplook-fuzz NAME [ARGUMENTS…]; NAME is one of \(names)\n".utf8))
            exit(2)
        }
        if fromArgument { arguments.remove(at: 1) }
        setenv("SHOPLOOK_FUZZ_TARGET", name, 1)
        #if SHOPLOOK_LIBFUZZER
        exit(runLibFuzzer(target, arguments: arguments))
        #else
        exit(replay(target, paths: Array(arguments.dropFirst())))
        #endif
    }

    /// Every file under `paths`, run once; the failures printed. Returns the exit status.
    static func replay(_ target: FuzzTarget, paths: [String]) -> Int32 {
        var files: [URL] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                print("no such file or folder: \(path)")
                return 2
            }
            if isDirectory.boolValue {
                let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])
                while let file = enumerator?.nextObject() as? URL {
                    if (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(file) }
                }
            } else {
                files.append(url)
            }
        }
        var failures = 0
        for file in files.sorted(by: { $0.path < $1.path }) {
            guard let data = try? Data(contentsOf: file) else {
                print("cannot read \(file.path)")
                return 2
            }
            do {
                try target.run(Array(data))
            } catch {
                failures += 1
                print("\(file.path): \(error)")
            }
        }
        print("\(target.name): \(files.count) inputs, \(failures) failed")
        return failures == 0 ? 0 : 1
    }
}

#if SHOPLOOK_LIBFUZZER
/// The target libFuzzer's callback runs; set once by `main` before the driver starts, read-only afterwards.
nonisolated(unsafe) private var selectedTarget: FuzzTarget?

/// libFuzzer's callback. A broken invariant ends the process (`fatalError`), which libFuzzer reports as a crash
/// and writes the input to `crash-…`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = selectedTarget else { fatalError("shoplook-fuzz: no target selected") }
    do {
        try target.run(UnsafeRawBufferPointer(start: data, count: size))
    } catch {
        fatalError("\(error)")
    }
    return 0
}

extension ShopLookFuzz {
    static func runLibFuzzer(_ target: FuzzTarget, arguments: [String]) -> Int32 {
        if let failure = FuzzTarget.loadResources() {
            FileHandle.standardError.write(Data("shoplook-fuzz: \(failure)\n".utf8))
            return 2
        }
        selectedTarget = target
        var argc = Int32(arguments.count)
        let strings = arguments.map { strdup($0) } + [nil]
        return strings.withUnsafeBufferPointer { buffer in
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = UnsafeMutablePointer(mutating: buffer.baseAddress)
            return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzTestOneInput(data, size) }
        }
    }
}
#endif
