import KilnTemplate

/// libFuzzer's entry point (built with -parse-as-library: libFuzzer supplies main).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplate(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    FuzzInputs.template(Array(UnsafeRawBufferPointer(start: start, count: count)))
    return 0
}
