import Crypto
import Foundation

/// Seals a stored reject's `value` and `reason` when the store is pseudonymised, so the store
/// holds no identifier as the source system wrote it while `rejects.csv` still shows it
/// (OUTPUTS.md "Pseudonymisation on load": the store keeps no raw identifier; `rejects.csv` keeps
/// the value as written). A reject is taken before its row is pseudonymised, and both texts can
/// name a child (`duplicate key (child_id C200698, …)`), so both are sealed whatever the column.
///
/// ChaCha20-Poly1305 (swift-crypto) with keys derived from the pseudonymisation key file by
/// HKDF-SHA256, one for the cipher and one for the nonce. The nonce is synthetic: the first 12
/// bytes of HMAC-SHA256(nonce key, where ‖ text), so the same reject gives the same stored bytes
/// in every run (the store's contents do not depend on timing), and two different texts never
/// share a nonce. `where` (the file's SHA-256, line, column and which text) is also the
/// authenticated data: a sealed text moved to another row does not open.
public struct RejectSeal: Sendable {
    private let cipherKey: [UInt8]
    private let nonceKey: [UInt8]

    /// How a sealed text starts; the rest is base64 of nonce, ciphertext and tag.
    static let prefix = "sealed:v1:"

    public init(_ p: Pseudonymiser) {
        let ikm = SymmetricKey(data: p.keyBytes)
        func derive(_ info: String) -> [UInt8] {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: Data("outcomes rejects".utf8), info: Data(info.utf8),
                                   outputByteCount: 32).withUnsafeBytes { Array($0) }
        }
        cipherKey = derive("seal v1 cipher")
        nonceKey = derive("seal v1 nonce")
    }

    /// What binds a sealed text to its place: the file's content, line, column and the field.
    static func place(sha256: String, line: String, column: String, field: String) -> Data {
        Data([sha256, line, column, field].joined(separator: "\u{1F}").utf8)
    }

    /// The sealed form of `text`, as stored.
    public func seal(_ text: String, at place: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: place + Data([0]) + Data(text.utf8), using: SymmetricKey(data: nonceKey))
        // 12 bytes is ChaCha20-Poly1305's nonce; a fixed size, so the initialiser cannot fail.
        let nonce = try! ChaChaPoly.Nonce(data: Array(mac.prefix(12)))
        let box = try! ChaChaPoly.seal(Data(text.utf8), using: SymmetricKey(data: cipherKey), nonce: nonce, authenticating: place)
        return Self.prefix + box.combined.base64EncodedString()
    }

    /// The text sealed at `place`, or nil when it was sealed with another key or elsewhere.
    public func open(_ stored: String, at place: Data) -> String? {
        guard stored.hasPrefix(Self.prefix), let combined = Data(base64Encoded: String(stored.dropFirst(Self.prefix.count))),
              let box = try? ChaChaPoly.SealedBox(combined: combined),
              let plain = try? ChaChaPoly.open(box, using: SymmetricKey(data: cipherKey), authenticating: place) else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }
}
