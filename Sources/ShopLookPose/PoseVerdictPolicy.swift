import Foundation
import ShopLookCore
import ShopLookRuntimes

/// Which pose verdict decides: the learned ``PoseVerdictNetwork`` when its weights are present, else the
/// hand-tuned ``PoseVerdictRules``, with the reason saying which one spoke.
///
/// The weights are trained on the street photos of `ccp/` (`shoplook train pose-verdict`), which may train only
/// locally: they live in `.models/` (``PoseVerdictNetwork/fileName``), never in the repository. A machine
/// without them (no data set at setup) keeps the rules, whose reasons then start with
/// `rules (no learned verdict: …)` so that logs and reports say the fallback is in use.
public struct PoseVerdictPolicy: Sendable {
    public var rules: PoseVerdictRules
    public var network: PoseVerdictNetwork?
    /// Why there is no network, when there is none.
    public var fallbackNote: String?

    public init(rules: PoseVerdictRules = PoseVerdictRules(), network: PoseVerdictNetwork?, fallbackNote: String? = nil) {
        self.rules = rules
        self.network = network
        self.fallbackNote = network == nil ? (fallbackNote ?? "none given") : nil
    }

    /// The learned verdict from `files`' directory when its file is there and loads, else the rules with the reason.
    public static func locate(in files: ModelFiles, rules: PoseVerdictRules = PoseVerdictRules()) -> PoseVerdictPolicy {
        load(url: files.directory.appendingPathComponent(PoseVerdictNetwork.fileName), rules: rules)
    }

    /// The learned verdict from `url`, else the rules with the reason.
    public static func load(url: URL, rules: PoseVerdictRules = PoseVerdictRules()) -> PoseVerdictPolicy {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return PoseVerdictPolicy(rules: rules, network: nil, fallbackNote: "\(url.path) absent")
        }
        do {
            return PoseVerdictPolicy(rules: rules, network: try PoseVerdictNetwork.load(data))
        } catch {
            return PoseVerdictPolicy(rules: rules, network: nil, fallbackNote: "\(url.path): \(error)")
        }
    }

    /// `learned` or `rules`, for reports.
    public var kind: String { network == nil ? "rules" : "learned" }

    /// The verdict and why. Nobody detected is `no_person` whichever decides.
    public func assess(_ result: PoseResult) -> (verdict: PoseVerdict, reason: String) {
        guard let network else {
            let (verdict, reason) = rules.assess(result)
            return (verdict, "rules (no learned verdict: \(fallbackNote ?? "none")): \(reason)")
        }
        guard result.people > 0, result.landmarks != nil else { return (.noPerson, "no detection") }
        return network.assess(result)
    }

    /// Just the verdict.
    public func verdict(_ result: PoseResult) -> PoseVerdict { assess(result).verdict }
}
