// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for Kiln's input readers (see scripts/fuzz.sh). A package of its own so the
// main build never compiles them: KilnModel, KilnTemplate and CLibYAML are the main package's own
// sources, linked in Sources/ (symlinks), compiled here with `-sanitize=fuzzer,address` so the
// fuzzer sees their coverage. Its one dependency is the main package's swift-crypto (`digest`).
let package = Package(
    name: "KilnFuzz",
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
    ],
    targets: [
        .systemLibrary(name: "CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // libFuzzer's LLVMFuzzerRunDriver, declared (its library comes with -sanitize=fuzzer).
        .systemLibrary(name: "CFuzzDriver"),
        .target(name: "KilnModel"),
        .target(name: "KilnTemplate", dependencies: ["KilnModel", "CLibYAML", .product(name: "Crypto", package: "swift-crypto")]),
        .executableTarget(name: "FuzzTemplate", dependencies: ["KilnTemplate", "CFuzzDriver"]),
        .executableTarget(name: "FuzzEnvironment", dependencies: ["KilnTemplate", "CFuzzDriver"]),
        .executableTarget(name: "FuzzJSON", dependencies: ["KilnTemplate", "CFuzzDriver"]),
    ]
)
