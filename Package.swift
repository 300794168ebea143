// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "outcomes",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "outcomes", targets: ["outcomes"]),
        .library(name: "OutcomesCore", targets: ["OutcomesCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        // zlib from the system: a tiny C shim because Swift cannot import inflateInit2 (a macro).
        // Not named CZlib: ZIPFoundation already has a C module of that name.
        .target(name: "COutcomesZlib", linkerSettings: [.linkedLibrary("z")]),
        // libxlsxwriter from the system (libxlsxwriter-dev) for outcomes.xlsx.
        .target(name: "CXlsxWriter", linkerSettings: [.linkedLibrary("xlsxwriter")]),
        .target(
            name: "OutcomesCore",
            dependencies: [
                "COutcomesZlib",
                "CXlsxWriter",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .executableTarget(
            name: "outcomes",
            dependencies: [
                "OutcomesCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "OutcomesCoreTests",
            dependencies: ["OutcomesCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
