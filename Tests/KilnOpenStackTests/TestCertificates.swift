import Foundation

/// A throwaway CA, a server certificate it signs for 127.0.0.1 and localhost, and a client
/// certificate it signs, made with `openssl` in a temporary directory for one test. EC P-256
/// keys (quick to make), two days of validity.
struct TestCertificates {
    let directory: URL
    var ca: String { path("ca.pem") }
    var serverCertificate: String { path("server.pem") }
    var serverKey: String { path("server-key.pem") }
    var clientCertificate: String { path("client.pem") }
    var clientKey: String { path("client-key.pem") }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func make() throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let made = TestCertificates(directory: directory)
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(["req", "-x509"] + key + [
            "-days", "2", "-subj", "/CN=Kiln Test CA", "-keyout", made.path("ca-key.pem"), "-out", made.ca,
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        for (name, subject, extensions) in [
            ("server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"),
            ("client", "/CN=kiln-client", "extendedKeyUsage=clientAuth\n"),
        ] {
            try extensions.write(toFile: made.path("\(name).ext"), atomically: true, encoding: .utf8)
            try openssl(["req"] + key + ["-subj", subject, "-keyout", made.path("\(name)-key.pem"), "-out", made.path("\(name).csr")])
            try openssl([
                "x509", "-req", "-in", made.path("\(name).csr"), "-CA", made.ca, "-CAkey", made.path("ca-key.pem"),
                "-CAcreateserial", "-days", "2", "-out", made.path("\(name).pem"), "-extfile", made.path("\(name).ext"),
            ])
        }
        return made
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CertificateError(message: "openssl \(arguments.joined(separator: " ")): \(String(decoding: output, as: UTF8.self))")
        }
    }

    struct CertificateError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
