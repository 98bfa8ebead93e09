// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Kiln",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kiln", targets: ["kiln"]),
        .executable(name: "kiln-bench", targets: ["kiln-bench"]),
        .library(name: "KilnTemplate", targets: ["KilnTemplate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        // libyaml's event parser: the fastest way from bytes to a located AST.
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "KilnTemplate", dependencies: ["CLibYAML"]),
        .executableTarget(
            name: "kiln",
            dependencies: [
                "KilnTemplate",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "kiln-bench", dependencies: ["KilnTemplate"]),
        .testTarget(name: "KilnTemplateTests", dependencies: ["KilnTemplate"]),
        .testTarget(name: "kilnTests", dependencies: ["kiln"]),
    ]
)
