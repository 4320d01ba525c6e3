using System.Net;
using System.Text.Json;

namespace RemoteCam.Cli.Tests;

/// <summary><c>remotecam rules check|deploy</c> against an in-process relay.</summary>
public sealed class RulesCommandTests
{
    private const string MembersOnly = """
        {
          "rules": {
            ".read": "auth != null",
            ".write": "auth != null"
          }
        }
        """;

    private const string Broken = """
        {
          "rules": {
            "rooms": {
              "$room": {
                ".read": "auth.uid == nobody"
              }
            }
          }
        }
        """;

    [Fact]
    public async Task Check_accepts_a_valid_file()
    {
        await using var cli = await CliHarness.StartAsync(withRelay: false);
        var file = cli.WriteFile("database.rules.json", MembersOnly);
        var result = await cli.RunAsync("rules", "check", file);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{file}: OK{Environment.NewLine}", result.Out);
        Assert.Equal("", result.Err);

        var json = await cli.RunAsync("rules", "check", file, "--json");
        using var document = JsonDocument.Parse(json.Out);
        Assert.True(document.RootElement.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Check_shows_the_rule_path_line_and_column_of_an_error()
    {
        await using var cli = await CliHarness.StartAsync(withRelay: false);
        var file = cli.WriteFile("broken.rules.json", Broken);
        var result = await cli.RunAsync("rules", "check", file);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.StartsWith($"remotecam: {file}:5:", result.Err);
        Assert.Contains("nobody", result.Err);
        Assert.Contains("/rules/rooms/$room/.read", result.Err);

        var json = await cli.RunAsync("rules", "check", file, "--json");
        Assert.Equal(1, json.ExitCode);
        using var document = JsonDocument.Parse(json.Out);
        var error = document.RootElement.GetProperty("error");
        Assert.Equal(5, error.GetProperty("line").GetInt32());
        Assert.True(error.GetProperty("column").GetInt32() > 1);
        Assert.Equal("/rules/rooms/$room/.read", error.GetProperty("rulePath").GetString());
    }

    [Fact]
    public async Task Check_of_a_missing_file_says_so()
    {
        await using var cli = await CliHarness.StartAsync(withRelay: false);
        var result = await cli.RunAsync("rules", "check", Path.Combine(cli.RelayData, "none.json"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not exist", result.Err);
    }

    [Fact]
    public async Task Deploy_puts_the_rules_in_force()
    {
        await using var cli = await CliHarness.StartAsync();
        await cli.InitRelayAsync();
        var file = cli.WriteFile("database.rules.json", MembersOnly);
        using var anonymous = cli.RelayClient(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("secret.json")).StatusCode);

        var result = await cli.RunAsync("rules", "deploy", file);
        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Contains("deployed", result.Out);

        using var admin = cli.RelayClient(cli.Relay!.AdminKey);
        Assert.Equal(MembersOnly, await admin.GetStringAsync(".settings/rules.json"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("secret.json")).StatusCode);
    }

    [Fact]
    public async Task Dry_run_changes_nothing_and_json_reports_it()
    {
        await using var cli = await CliHarness.StartAsync();
        await cli.InitRelayAsync();
        using var admin = cli.RelayClient(cli.Relay!.AdminKey);
        var before = await admin.GetStringAsync(".settings/rules.json");

        var result = await cli.RunAsync("rules", "deploy", cli.WriteFile("r.json", MembersOnly), "--dry-run", "--json");
        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse(result.Out);
        Assert.True(document.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.Equal(before, await admin.GetStringAsync(".settings/rules.json"));
    }

    [Fact]
    public async Task A_broken_file_is_not_sent()
    {
        await using var cli = await CliHarness.StartAsync();
        await cli.InitRelayAsync();
        using var admin = cli.RelayClient(cli.Relay!.AdminKey);
        var before = await admin.GetStringAsync(".settings/rules.json");

        var result = await cli.RunAsync("rules", "deploy", cli.WriteFile("broken.json", Broken));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(":5:", result.Err);
        Assert.Equal(before, await admin.GetStringAsync(".settings/rules.json"));
    }

    [Fact]
    public async Task A_refusal_by_the_server_shows_its_message()
    {
        await using var cli = await CliHarness.StartAsync();
        await cli.InitRelayAsync();
        var result = await cli.RunAsync("rules", "deploy", cli.WriteFile("broken.json", Broken), "--skip-check");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("refused", result.Err);
        Assert.Contains("Error saving rules - Line 5:", result.Err);
        Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Refused_credentials_are_reported_without_a_stack_trace()
    {
        await using var cli = await CliHarness.StartAsync();
        var init = await cli.RunAsync("init", "--relay", cli.Relay!.Url.ToString(), "--admin-key", "not-the-key");
        Assert.Equal(1, init.ExitCode);

        var result = await cli.RunAsync("rules", "deploy", cli.WriteFile("r.json", MembersOnly));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("credentials were refused", result.Err);
        Assert.DoesNotContain("   at ", result.Err);
    }
}
