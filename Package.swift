// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Kiln",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kiln", targets: ["kiln"]),
        .executable(name: "kiln-bench", targets: ["kiln-bench"]),
        .library(name: "KilnModel", targets: ["KilnModel"]),
        .library(name: "KilnTemplate", targets: ["KilnTemplate"]),
        .library(name: "KilnEngine", targets: ["KilnEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        // AsyncHTTPClient's TLS (already resolved through it): clouds.yaml's `cacert` and `verify: false`.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        // The PostgreSQL store (`--database postgresql://...`): several engines sharing one database.
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        // libyaml's event parser: the fastest way from bytes to a located AST.
        // No pkgConfig: its libdir (-L/usr/lib/...) would come first in the library search path
        // and hide the static archives a release kiln links (see the kiln target). Headers and
        // library are in the system's default paths; module.modulemap links "yaml".
        .systemLibrary(
            name: "CLibYAML",
            providers: [.apt(["libyaml-dev"])]
        ),
        // What every layer shares: values, their JSON, actions and statuses, stored records.
        .target(name: "KilnModel"),
        // Heat's `digest` function hashes through swift-crypto.
        .target(name: "KilnTemplate", dependencies: ["KilnModel", "CLibYAML", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "KilnStore",
            dependencies: [
                "KilnModel", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
                // Secrets at rest: AES-GCM under the engine's key file.
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The cloud's service protocols and objects (compute, network, block storage, load balancer, images).
        .target(name: "KilnCloud", dependencies: ["KilnModel"]),
        // The emulated cloud: the protocols kept in the store's database.
        .target(
            name: "KilnEmulator",
            dependencies: ["KilnModel", "KilnCloud", "KilnStore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "KilnEngine",
            dependencies: [
                "KilnModel", "KilnTemplate", "KilnStore", "KilnCloud", .product(name: "Logging", package: "swift-log"),
                // Lease claims, renewals and takeovers counted.
                .product(name: "Metrics", package: "swift-metrics"),
                // Scaling policies' pre-signed alarm URLs (HMAC-SHA256).
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Cloud resource types (OS::Nova::*, OS::Neutron::*, OS::Cinder::*, OS::Octavia::*, ...) over KilnCloud.
        .target(name: "KilnResources", dependencies: ["KilnModel", "KilnTemplate", "KilnEngine", "KilnCloud"]),
        // The OpenStack client side (clouds.yaml, Keystone, Heat) over one HTTP client: AsyncHTTPClient.
        .target(
            name: "KilnClient",
            dependencies: [
                "KilnModel", "KilnTemplate", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The notification outbox's dispatcher: webhooks (signed, over AsyncHTTPClient) and Zaqar queues.
        .target(
            name: "KilnNotify",
            dependencies: [
                "KilnModel", "KilnStore", "KilnCloud", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The cloud protocols over a real OpenStack's REST APIs.
        .target(
            name: "KilnOpenStack",
            dependencies: ["KilnModel", "KilnCloud", "KilnClient", .product(name: "Metrics", package: "swift-metrics")]
        ),
        .target(
            name: "KilnServer",
            dependencies: [
                "KilnModel", "KilnTemplate", "KilnStore", "KilnEngine", "KilnCloud", "KilnEmulator", "KilnClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                // `kiln serve --tls-cert --tls-key`: HTTPS through swift-nio-ssl.
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                // Password hashing: PBKDF2-HMAC-SHA256.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "kiln",
            dependencies: [
                "KilnModel", "KilnTemplate", "KilnStore", "KilnEngine", "KilnServer", "KilnClient", "KilnCloud",
                "KilnEmulator", "KilnResources", "KilnOpenStack", "KilnNotify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["kiln.exports", "StaticLibraries"],
            // Start-up (`kiln-bench startup`), release builds on Linux: a position-dependent
            // executable needs none of the ~157,000 relocations a PIE's Swift metadata gets at
            // every start (half its page faults), and keeping kiln's own ~60,000 symbols out of the
            // dynamic symbol table (kiln.exports) spares the loader's and dladdr's scans of it.
            // StaticLibraries, first in the library search path, turns -lsqlite3, -lyaml, -lz and
            // -lstdc++ into their static archives (linker scripts named as the shared libraries):
            // libstdc++ alone is thousands of symbol lookups for the loader at every start.
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-Xclang-linker", "-no-pie", "-Xlinker", "--version-script=\(Context.packageDirectory)/Sources/kiln/kiln.exports",
                        "-L", "\(Context.packageDirectory)/Sources/kiln/StaticLibraries",
                    ],
                    .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        // A throwaway PostgreSQL cluster on loopback (initdb, pg_ctl) and fresh databases on it,
        // for the tests and `kiln-bench scale-out`; or the server $KILN_TEST_POSTGRES names.
        .target(
            name: "KilnLocalPostgres",
            dependencies: [
                "KilnStore", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "kiln-bench",
            dependencies: [
                "KilnModel", "KilnTemplate", "KilnStore", "KilnEngine", "KilnServer", "KilnCloud", "KilnEmulator",
                "KilnResources", "KilnNotify", "KilnLocalPostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "KilnModelTests", dependencies: ["KilnModel"]),
        .testTarget(
            name: "KilnTemplateTests", dependencies: ["KilnModel", "KilnTemplate"],
            // Inputs the fuzzers found (scripts/fuzz.sh), replayed by FuzzRegressionTests from the source tree.
            exclude: ["FuzzRegressions"]
        ),
        .testTarget(
            name: "KilnStoreTests",
            dependencies: [
                "KilnModel", "KilnStore", .product(name: "GRDB", package: "GRDB.swift"),
                // The conformance suite's throwaway PostgreSQL databases.
                "KilnLocalPostgres", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "KilnEngineTests",
            dependencies: [
                "KilnModel", "KilnTemplate", "KilnEngine", "KilnStore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "KilnServerTests",
            dependencies: [
                "KilnModel", "KilnTemplate", "KilnServer", "KilnEngine", "KilnStore", "KilnCloud", "KilnEmulator",
                "KilnResources", "KilnNotify", .product(name: "Crypto", package: "swift-crypto"),
                // The identity tests' shared PostgreSQL databases.
                "KilnLocalPostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "KilnEmulatorTests", dependencies: ["KilnModel", "KilnCloud", "KilnEmulator", "KilnStore"]),
        .testTarget(
            name: "KilnResourcesTests",
            dependencies: ["KilnModel", "KilnTemplate", "KilnEngine", "KilnStore", "KilnCloud", "KilnEmulator", "KilnResources"]
        ),
        .testTarget(
            name: "KilnOpenStackTests",
            dependencies: [
                "KilnModel", "KilnCloud", "KilnClient", "KilnOpenStack", "KilnEmulator", "KilnEngine", "KilnResources", "KilnServer",
                "KilnStore", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            // The services' API reference samples and a loopback certificate, read from the source tree.
            exclude: ["Samples", "TLS"]
        ),
        .testTarget(
            name: "KilnClientTests",
            dependencies: [
                "KilnModel", "KilnClient", "KilnTemplate", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "kilnTests",
            dependencies: [
                "kiln", "KilnModel", "KilnStore", "KilnClient", "KilnNotify", "KilnLocalPostgres",
                // Webhook receivers and event-stream proxies on loopback.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
