import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Puts a worker under Linux's `SCHED_IDLE` CPU policy (`--idle-priority`): it gets only the CPU time that no normal
/// process wants, and a normal thread that wakes up takes the CPU from it at once.
///
/// For the catalog stages on a machine that also answers looks: a look is many short steps on several threads
/// (pose, naming, embedding, the search, PostgreSQL), and each step that wakes behind a stage's busy thread would
/// otherwise wait for that thread's time slice — even behind a stage at `nice 19`, whose slices the kernel's EEVDF
/// scheduler still lets run to their end. With the stages at `SCHED_IDLE`, a look takes about as long as on an idle
/// machine while the stages use every cycle it leaves.
///
/// The policy is per thread on Linux, and a new thread inherits its creator's: applied to every thread the process
/// has, it holds for the threads started later too.
public enum IdleCPUPriority {
    /// `SCHED_IDLE` from `<sched.h>` (not imported into Swift).
    static let schedIdle: Int32 = 5

    /// Puts every thread of this process under `SCHED_IDLE`; returns how many threads were changed.
    /// - Throws: `POSIXError` when the kernel refuses (a platform without the policy).
    @discardableResult
    public static func apply() throws -> Int {
        #if os(Linux)
        var changed: Set<Int32> = []
        // Again until a pass finds no new thread (one may start while the others are changed).
        while true {
            let threads = Set(
                ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []).compactMap { Int32($0) })
            let new = threads.subtracting(changed)
            if new.isEmpty { break }
            for thread in new {
                var parameter = sched_param()
                parameter.sched_priority = 0
                if sched_setscheduler(thread, schedIdle, &parameter) != 0 {
                    let code = errno
                    // A thread that ended meanwhile has nothing to change.
                    if code == ESRCH { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EPERM)
                }
            }
            changed.formUnion(new)
        }
        return changed.count
        #else
        throw POSIXError(.ENOTSUP)
        #endif
    }
}
