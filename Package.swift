// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Kiln",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kiln", targets: ["kiln"]),
        .executable(name: "kiln-bench", targets: ["kiln-bench"]),
        .library(name: "KilnTemplate", targets: ["KilnTemplate"]),
        .library(name: "KilnEngine", targets: ["KilnEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
    ],
    targets: [
        // libyaml's event parser: the fastest way from bytes to a located AST.
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "KilnTemplate", dependencies: ["CLibYAML"]),
        .target(name: "KilnStore", dependencies: ["KilnTemplate", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "KilnEngine", dependencies: ["KilnTemplate", "KilnStore"]),
        .target(name: "KilnClient", dependencies: ["KilnTemplate", "KilnStore"]),
        .target(
            name: "KilnServer",
            dependencies: [
                "KilnEngine", "KilnStore", "KilnTemplate",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .executableTarget(
            name: "kiln",
            dependencies: [
                "KilnTemplate", "KilnStore", "KilnEngine", "KilnServer", "KilnClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "kiln-bench", dependencies: ["KilnTemplate", "KilnStore", "KilnEngine", "KilnServer", .product(name: "Hummingbird", package: "hummingbird")]),
        .testTarget(name: "KilnTemplateTests", dependencies: ["KilnTemplate"]),
        .testTarget(name: "KilnStoreTests", dependencies: ["KilnStore"]),
        .testTarget(name: "KilnEngineTests", dependencies: ["KilnEngine", "KilnStore"]),
        .testTarget(
            name: "KilnServerTests",
            dependencies: [
                "KilnServer", "KilnEngine", "KilnStore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "KilnClientTests", dependencies: ["KilnClient", "KilnTemplate"]),
        .testTarget(name: "kilnTests", dependencies: ["kiln", "KilnStore"]),
    ]
)
