#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The only place that talks to the dynamic loader (`dlopen` / `dlsym` / `dlerror`).
enum DynamicLoader {
    /// `dlopen(path, RTLD_NOW | RTLD_LOCAL)`; on failure the `dlerror()` text.
    static func open(_ path: String) -> Result<UnsafeMutableRawPointer, LoaderFailure> {
        _ = dlerror()  // clear any stale error
        if let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) {
            return .success(handle)
        }
        return .failure(LoaderFailure(reason: lastError() ?? "dlopen returned NULL without an error text"))
    }

    /// `dlsym(handle, name)`; on failure the `dlerror()` text.
    static func symbol(_ handle: UnsafeMutableRawPointer, _ name: String) -> Result<UnsafeMutableRawPointer, LoaderFailure> {
        _ = dlerror()
        if let pointer = dlsym(handle, name) {
            return .success(pointer)
        }
        return .failure(LoaderFailure(reason: lastError() ?? "dlsym returned NULL"))
    }

    private static func lastError() -> String? {
        guard let text = dlerror() else { return nil }
        return String(cString: text)
    }
}

struct LoaderFailure: Error {
    let reason: String
}

/// `posix_memalign` + `free` for 64-byte-aligned host buffers handed to the runtimes.
enum AlignedMemory {
    static let alignment = 64

    static func allocateFloats(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
        var raw: UnsafeMutableRawPointer?
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let rc = posix_memalign(&raw, alignment, bytes)
        precondition(rc == 0 && raw != nil, "posix_memalign(\(bytes)) failed: \(rc)")
        let typed = raw!.bindMemory(to: Float.self, capacity: max(count, 1))
        typed.initialize(repeating: 0, count: max(count, 1))
        return UnsafeMutableBufferPointer(start: typed, count: count)
    }

    static func release(_ buffer: UnsafeMutableBufferPointer<Float>) {
        if let base = buffer.baseAddress {
            free(UnsafeMutableRawPointer(base))
        }
    }

    /// A raw, zeroed, 64-byte-aligned block (used for C structs read/written by offset).
    static func allocateRaw(_ bytes: Int) -> UnsafeMutableRawPointer {
        var raw: UnsafeMutableRawPointer?
        let rc = posix_memalign(&raw, alignment, max(bytes, 1))
        precondition(rc == 0 && raw != nil, "posix_memalign(\(bytes)) failed: \(rc)")
        raw!.initializeMemory(as: UInt8.self, repeating: 0, count: max(bytes, 1))
        return raw!
    }

    static func releaseRaw(_ pointer: UnsafeMutableRawPointer) {
        free(pointer)
    }

    /// A `malloc`ed, NUL-terminated copy of `string` (to be released with C `free`).
    static func mallocCString(_ string: String) -> UnsafeMutablePointer<CChar> {
        guard let copy = strdup(string) else { preconditionFailure("strdup failed") }
        return copy
    }

    /// The C `free` function as a C function pointer (for payload destructors).
    static let cFree: @convention(c) (UnsafeMutableRawPointer?) -> Void = { pointer in
        free(pointer)
    }
}
