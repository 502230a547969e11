import Foundation
import Testing

/// What integration tests need from outside the test process: PostgreSQL, the development broker and the worker
/// executables (built by `swift build --build-tests`), the fetched models.
///
/// A suite says what it needs with a trait (`@Suite(.requiresDatabase, .requiresBroker)`); without the service it
/// is skipped with a message naming what is missing and the command that provides it, so that the unit targets and
/// whatever can run do so anywhere. `SHOPLOOK_TEST_REQUIRE_SERVICES=1` (set by `Deploy/test`, so in CI) turns the
/// skips off: a missing service then fails its tests with their own error, it is never skipped silently.
public enum TestServices {
    /// `SHOPLOOK_TEST_REQUIRE_SERVICES` is set (and not `0`): no test is skipped for a missing service.
    public static var servicesRequired: Bool {
        let value = ProcessInfo.processInfo.environment["SHOPLOOK_TEST_REQUIRE_SERVICES"] ?? ""
        return !value.isEmpty && value != "0"
    }

    /// `SHOPLOOK_TEST_DATABASE_URL` names a PostgreSQL server for the tests.
    public static var hasDatabase: Bool {
        (try? TestDatabase.baseURL()) != nil
    }

    /// Every fetched file the model tests read is in ``TestModelFiles/directory``.
    public static var hasModels: Bool {
        TestModelFiles.missing().isEmpty
    }

    /// The virtual environment `Deploy/setup` installs schemathesis into (`Deploy/install-contract-tools`):
    /// `$SHOPLOOK_CONTRACT_VENV`, or `.tools/contract-venv` in the package.
    public static var contractVenv: URL {
        if let path = ProcessInfo.processInfo.environment["SHOPLOOK_CONTRACT_VENV"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return TestPaths.packageRoot.appendingPathComponent(".tools/contract-venv")
    }

    /// schemathesis is installed in ``contractVenv``.
    public static var hasSchemathesis: Bool {
        FileManager.default.isExecutableFile(atPath: contractVenv.appendingPathComponent("bin/schemathesis").path)
    }

    /// The headless browser the page tests drive: `$SHOPLOOK_CHROMIUM`, or Debian's `chromium` (installed by
    /// `Deploy/setup`).
    public static var chromium: URL {
        if let path = ProcessInfo.processInfo.environment["SHOPLOOK_CHROMIUM"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: "/usr/bin/chromium")
    }

    /// ``chromium`` is installed.
    public static var hasChromium: Bool {
        FileManager.default.isExecutableFile(atPath: chromium.path)
    }

    /// The executables `names` of this package are built (found by ``TestPaths/executable(named:)``).
    public static func hasExecutables(_ names: [String]) -> Bool {
        names.allSatisfy { (try? TestPaths.executable(named: $0)) != nil }
    }
}

extension Trait where Self == ConditionTrait {
    /// PostgreSQL (``TestDatabase``).
    public static var requiresDatabase: Self {
        .enabled(
            if: TestServices.servicesRequired || TestServices.hasDatabase,
            "needs PostgreSQL: set SHOPLOOK_TEST_DATABASE_URL (Deploy/test starts the local stack and sets it)")
    }

    /// The development broker (``TestBroker``): the `shoplook-broker` executable, which each test starts itself.
    public static var requiresBroker: Self {
        requiresExecutables("shoplook-broker")
    }

    /// Executables of this package that the tests run as child processes (``TestProcess``).
    public static func requiresExecutables(_ names: String...) -> Self {
        .enabled(
            if: TestServices.servicesRequired || TestServices.hasExecutables(names),
            Comment(rawValue: "needs the built \(names.joined(separator: ", ")): run `swift build --build-tests` "
                + "(or set SHOPLOOK_BIN_DIR to where they are)"))
    }

    /// schemathesis in ``TestServices/contractVenv`` (the API's contract test).
    public static var requiresSchemathesis: Self {
        .enabled(
            if: TestServices.servicesRequired || TestServices.hasSchemathesis,
            Comment(rawValue: "needs schemathesis in \(TestServices.contractVenv.path): run Deploy/setup "
                + "(or Deploy/install-contract-tools; or set SHOPLOOK_CONTRACT_VENV to a venv that has it)"))
    }

    /// A real browser, headless (``TestServices/chromium``): the shopper's page tests.
    public static var requiresChromium: Self {
        .enabled(
            if: TestServices.servicesRequired || TestServices.hasChromium,
            Comment(rawValue: "needs a headless browser at \(TestServices.chromium.path): run Deploy/setup (Debian's chromium) "
                + "or set SHOPLOOK_CHROMIUM"))
    }

    /// The fetched models, runtime libraries and test photos (``TestModelFiles``).
    public static var requiresModels: Self {
        .enabled(
            if: TestServices.servicesRequired || TestServices.hasModels,
            Comment(rawValue: "needs the fetched models in \(TestModelFiles.directory.path): run Deploy/fetch-models "
                + "(or set SHOPLOOK_MODELS to a directory that has them)"))
    }
}
