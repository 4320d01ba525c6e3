using RemoteCam.Fuzz;

using Xunit.Abstractions;

namespace RemoteCam.Relay.Tests.Fuzz;

/// <summary>
/// Thousands of generated requests against one relay (tests/Shared/Fuzz): odd methods, hostile
/// paths, junk parameters, broken bodies, conditional headers; ID tokens that are valid, expired,
/// forged, unsigned, foreign or garbage; rules texts uploaded as admin and not, valid, broken and
/// mangled. Whatever is sent, the relay answers without a 5xx, explains every rejection as
/// <c>{"error": "…"}</c>, gives the known answer to each token, never replaces the rules in force
/// with a refused text, and keeps serving reads, writes and streams. NUL (<c>%00</c>) in the
/// path is left out: Kestrel rejects it before the relay sees the request (see DataRuleTests).
/// The seed is fixed (set RELAY_FUZZ_SEED to try others) and printed. The long run (≥ 100,000
/// requests) is in the bench: <c>bench/run.sh fuzz --long</c>.
/// </summary>
public sealed class RestFuzzTests(ITestOutputHelper output)
{
    private const int Requests = 6000;

    [Fact]
    public async Task Generated_requests_tokens_and_rules_never_break_the_relay()
    {
        var seed = FuzzSeed.FromEnvironment();
        await using var relay = await RelayFixture.StartAsync(new RelayOptions { MaxDatabases = 20 });

        var report = await FuzzRun.RunAsync(new FuzzOptions
        {
            BaseUrl = relay.Relay.Url,
            Tokens = FuzzTokens.FromDataDirectory(relay.DataDirectory),
            Requests = Requests,
            Seed = seed,
        });

        output.WriteLine(report.Summary(seed));
        Assert.True(report.Passed, report.Summary(seed));
        Assert.Equal(0, report.ServerErrors);
        // Each kind of request was really made, so the run means what it says.
        foreach (var kind in Enum.GetValues<TokenKind>())
        {
            Assert.True(report.Kinds.GetValueOrDefault("token:" + kind) > 10, $"too few requests with a {kind} token: {report.Summary(seed)}");
        }

        Assert.True(report.RulesOutcomes.GetValueOrDefault("admin accepted") > 10, report.Summary(seed));
        Assert.True(report.RulesOutcomes.GetValueOrDefault("admin refused") > 10, report.Summary(seed));
    }
}
