import CFuzzDriver
import Glibc
import KilnTemplate

// libFuzzer's driver with this target's input function (FuzzInputs.environment); its options and
// corpus directories are this program's arguments.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, count in
    fuzzOneInput(data, count)
})

/// The same input function under libFuzzer's own name, for a debug build: there SwiftPM renames
/// this file's `main` (so tests could import the executable), and libFuzzer's `main` runs instead.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    FuzzInputs.environment(data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [])
    return 0
}
