import CFuzzDriver
import Glibc
import KilnTemplate

// libFuzzer's driver with this target's input function (FuzzInputs.environment); its options and
// corpus directories are this program's arguments.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, count in
    FuzzInputs.environment(data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [])
    return 0
})
