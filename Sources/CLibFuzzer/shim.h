#include <stddef.h>
#include <stdint.h>

// libFuzzer's entry point for a program with its own main (compiler-rt/lib/fuzzer/FuzzerInterface.h). Defined only
// when the program is linked with -sanitize=fuzzer (Benchmarks/run-fuzz); shoplook-fuzz calls it only then.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
