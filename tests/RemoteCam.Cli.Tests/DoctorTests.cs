using System.Text.Json;

namespace RemoteCam.Cli.Tests;

/// <summary><c>remotecam doctor</c> against a real relay: each check passes, and fails when its cause is provoked.</summary>
public sealed class DoctorTests
{
    private static string Line(CliResult result, string check) =>
        result.Out.Split('\n').Select(l => l.Trim()).SingleOrDefault(l => l.Length > 2 && l[2..].StartsWith(check + ":", StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"no '{check}' line in:\n{result.Out}{result.Err}");

    private static async Task<CliHarness> StartAsync(string? webRoot = null)
    {
        var cli = await CliHarness.StartAsync(rulesFile: RepositoryRoot.RulesFile, webRoot: webRoot);
        await cli.InitRelayAsync();
        return cli;
    }

    [Fact]
    public async Task Every_check_of_a_relay_serving_the_built_pages_passes()
    {
        // The pages the build copies beside every project that references the relay.
        await using var cli = await StartAsync(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
        var result = await cli.RunAsync("doctor", "--rules", RepositoryRoot.RulesFile);
        foreach (var check in new[] { "configuration", "database", "clock", "rules", "anonymous sign-in", "pages" })
        {
            Assert.StartsWith("✓", Line(result, check));
        }

        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse((await cli.RunAsync("doctor", "--rules", RepositoryRoot.RulesFile, "--json")).Out);
        Assert.True(document.RootElement.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Every_check_of_a_working_relay_passes_but_the_pages_it_does_not_serve()
    {
        await using var cli = await StartAsync();
        Assert.Equal(0, (await cli.RunAsync("rooms", "create", "Home")).ExitCode);
        var result = await cli.RunAsync("doctor", "--rules", RepositoryRoot.RulesFile);
        foreach (var check in new[] { "configuration", "database", "clock", "rules", "anonymous sign-in" })
        {
            Assert.StartsWith("✓", Line(result, check));
        }

        Assert.Contains("1 room secrets file", Line(result, "configuration"));

        // This relay serves no pages (no RelayOptions.WebRoot): '/' is a 404.
        var pages = Line(result, "pages");
        Assert.StartsWith("✗", pages);
        Assert.Contains("404", pages);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("some checks failed", result.Err);

        using var document = JsonDocument.Parse((await cli.RunAsync("doctor", "--rules", RepositoryRoot.RulesFile, "--json")).Out);
        Assert.False(document.RootElement.GetProperty("ok").GetBoolean());
        var checks = document.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("ok"));
        Assert.True(checks["rules"].GetBoolean());
        Assert.False(checks["pages"].GetBoolean());
    }

    [Fact]
    public async Task Rules_in_force_that_differ_from_the_local_file_fail_with_the_deploy_hint()
    {
        await using var cli = await StartAsync();
        var other = cli.WriteFile("other.rules.json", """{ "rules": { ".read": false, ".write": false } }""");
        var result = await cli.RunAsync("doctor", "--rules", other);
        var rules = Line(result, "rules");
        Assert.StartsWith("✗", rules);
        Assert.Contains($"remotecam rules deploy {other}", rules);
        Assert.Equal(1, result.ExitCode);

        // Comments and layout do not count: after deploying that file, it matches.
        Assert.Equal(0, (await cli.RunAsync("rules", "deploy", other)).ExitCode);
        var commented = cli.WriteFile("commented.rules.json", "{\n  // closed\n  \"rules\": {\n    \".write\": false,\n    \".read\": false\n  }\n}\n");
        Assert.StartsWith("✓", Line(await cli.RunAsync("doctor", "--rules", commented), "rules"));
    }

    [Fact]
    public async Task An_unreachable_relay_fails_the_database_check()
    {
        await using var cli = await StartAsync();
        var url = cli.Relay!.Url;
        await cli.Relay.DisposeAsync();
        var result = await cli.RunAsync("doctor", "--rules", RepositoryRoot.RulesFile);
        Assert.Equal(1, result.ExitCode);
        var database = Line(result, "database");
        Assert.StartsWith("✗", database);
        Assert.Contains("cannot reach " + url.GetLeftPart(UriPartial.Authority), database);
        Assert.StartsWith("-", Line(result, "rules"));
        Assert.StartsWith("✗", Line(result, "pages"));
    }

    [Fact]
    public async Task Secrets_readable_by_others_fail_the_configuration_check()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using var cli = await StartAsync();
        File.SetUnixFileMode(cli.ConfigFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var result = await cli.RunAsync("doctor");
        var configuration = Line(result, "configuration");
        Assert.StartsWith("✗", configuration);
        Assert.Contains($"chmod 600 {cli.ConfigFile}", configuration);
        Assert.Equal(1, result.ExitCode);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(29, true)]
    [InlineData(-29, true)]
    [InlineData(31, false)]
    [InlineData(-120, false)]
    public void The_clock_check_allows_30_seconds_of_skew(int localAheadSeconds, bool ok)
    {
        var server = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var check = Commands.DoctorCommand.Clock(server, server.AddSeconds(localAheadSeconds));
        Assert.Equal(ok, check.Ok);
        if (!ok)
        {
            Assert.Contains(localAheadSeconds > 0 ? "ahead of" : "behind", check.Detail);
        }
    }
}
