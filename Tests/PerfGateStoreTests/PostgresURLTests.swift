import PerfGateCore
import Testing

@testable import PerfGateStore

/// A postgres:// URL's password, in its user-info or as a `password=` parameter, is a secret:
/// masked where the URL is shown, and known to the redactor before anything can print it.
@Suite struct PostgresURLTests {
    @Test func thePasswordIsHiddenWhereverTheURLIsShown() {
        #expect(PostgresStore.shown("postgres://gate:s3cret%21@db:5432/perfgate") == "postgres://gate:***@db:5432/perfgate")
        #expect(
            PostgresStore.shown("postgresql://db/perfgate?sslmode=require&password=s3cret&user=gate")
                == "postgresql://db/perfgate?sslmode=require&password=***&user=gate")
        #expect(PostgresStore.shown("postgres://db/perfgate") == "postgres://db/perfgate")
    }

    @Test func everyFormOfThePasswordIsASecret() {
        #expect(PostgresStore.credentials(in: "postgres://gate:s3cret%21@db/perfgate") == ["s3cret%21", "s3cret!"])
        #expect(PostgresStore.credentials(in: "postgres://db/perfgate?PASSWORD=p%40ss&sslmode=disable") == ["p%40ss", "p@ss"])
        #expect(PostgresStore.credentials(in: "postgres://gate@db/perfgate").isEmpty)
        var redactor = Redactor()
        redactor.add(PostgresStore.credentials(in: "postgres://gate:s3cret%21@db/x?password=other-0123"))
        #expect(redactor.redact("connection failed: password s3cret! and other-0123") == "connection failed: password *** and ***")
    }
}
