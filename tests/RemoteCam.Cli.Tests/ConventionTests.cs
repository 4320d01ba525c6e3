using System.Text.Json;

namespace RemoteCam.Cli.Tests;

/// <summary>The conventions every command shares: exit codes, errors on stderr in one voice, help.</summary>
public sealed class ConventionTests
{
    [Theory]
    [InlineData]
    [InlineData("rules")]
    [InlineData("init", "--no-such-option")]
    [InlineData("rules", "check", "a.json", "b.json")]
    [InlineData("no-such-command")]
    [InlineData("serve", "--port", "70000")]
    [InlineData("init", "--credentials", "key.json")]
    [InlineData("init", "--relay", "http://127.0.0.1:9000", "--database-url", "https://x.firebaseio.com", "--credentials", "k.json")]
    public async Task Usage_errors_exit_2_with_the_error_on_stderr(params string[] args)
    {
        await using var cli = await CliHarness.StartAsync(withRelay: false);
        var result = await cli.RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("remotecam: ", result.Err);
        Assert.Contains("--help", result.Err);
        Assert.Equal("", result.Out);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("init", "--help")]
    [InlineData("profiles", "--help")]
    [InlineData("rules", "--help")]
    [InlineData("rules", "check", "--help")]
    [InlineData("rules", "deploy", "--help")]
    [InlineData("serve", "--help")]
    [InlineData("doctor", "--help")]
    public async Task Every_command_has_help(params string[] args)
    {
        await using var cli = await CliHarness.StartAsync(withRelay: false);
        var result = await cli.RunAsync(args);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Out);
        Assert.Contains("--json", result.Out);
    }

    [Fact]
    public async Task Serve_reports_a_missing_rules_file_in_the_cli_voice()
    {
        await using var cli = await CliHarness.StartAsync(withRelay: false);
        var result = await cli.RunAsync("serve", "--port", "0", "--data", cli.RelayData, "--rules", "no-such.rules.json");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("remotecam: the rules file no-such.rules.json does not exist." + Environment.NewLine, result.Err);
    }

    [Fact]
    public async Task An_unknown_profile_is_a_failure_the_user_can_fix()
    {
        await using var cli = await CliHarness.StartAsync(withRelay: false);
        var result = await cli.RunAsync("rules", "deploy", cli.WriteFile("r.json", "{\"rules\":{}}"), "--profile", "nope");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("remotecam: there is no profile named 'nope'", result.Err);
    }

    [Fact]
    public async Task Profiles_lists_the_built_in_local_relay_when_nothing_is_configured()
    {
        await using var cli = await CliHarness.StartAsync(withRelay: false);
        var result = await cli.RunAsync("profiles");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("http://127.0.0.1:9000/", result.Out);

        var json = await cli.RunAsync("profiles", "--json");
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal("local-relay", document.RootElement.GetProperty("current").GetString());
        Assert.Equal(0, document.RootElement.GetProperty("profiles").GetArrayLength());
        Assert.False(File.Exists(cli.ConfigFile));
    }
}
