import Foundation

extension RunOptions {
    /// The rules every loaded row is read by, from the configuration. With `pseudonymise` the key
    /// file is read and checked here, against this run's store and output folders (it must lie
    /// outside both: docs/DISCLOSURE.md "Pseudonymisation on load"); a bad key is exit 2.
    public func extractRules() throws -> ExtractRules {
        var rules = ExtractRules(extraDomains: config.extraDomains, returns: config.returns)
        if let keyFile = config.pseudonymiseKeyFile {
            let storeFolder = (db as NSString).deletingLastPathComponent
            rules.pseudonymiser = try Pseudonymiser.load(keyFile: keyFile,
                                                         outside: [storeFolder.isEmpty ? "." : storeFolder, out])
        }
        return rules
    }
}
