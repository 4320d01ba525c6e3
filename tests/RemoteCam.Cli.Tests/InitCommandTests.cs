using System.Net;
using System.Net.Sockets;
using System.Text.Json;

using RemoteCam.Cli.Profiles;

namespace RemoteCam.Cli.Tests;

/// <summary><c>remotecam init</c> and the profiles it saves.</summary>
public sealed class InitCommandTests
{
    [Fact]
    public async Task Init_against_the_relay_passes_every_check_and_saves_an_owner_only_profile()
    {
        await using var cli = await CliHarness.StartAsync();
        var result = await cli.RunAsync("init", "--relay", cli.Relay!.Url.ToString(), "--admin-key", cli.Relay.AdminKey, "--profile", "home");
        Assert.True(result.ExitCode == 0, result.Out + result.Err);
        Assert.Equal(3, result.Out.Split('\n').Count(line => line.TrimStart().StartsWith('✓')));
        Assert.DoesNotContain("✗", result.Out);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cli.ConfigDirectory));
        }

        var profiles = await cli.RunAsync("profiles", "--json");
        using var document = JsonDocument.Parse(profiles.Out);
        Assert.Equal("home", document.RootElement.GetProperty("current").GetString());
        var profile = Assert.Single(document.RootElement.GetProperty("profiles").EnumerateArray());
        Assert.Equal("relay", profile.GetProperty("kind").GetString());
        Assert.DoesNotContain(cli.Relay.AdminKey, profiles.Out);

        // Without options, init verifies the current profile again.
        var again = await cli.RunAsync("init", "--json");
        Assert.Equal(0, again.ExitCode);
        using var checks = JsonDocument.Parse(again.Out);
        Assert.True(checks.RootElement.GetProperty("ok").GetBoolean());
        Assert.All(checks.RootElement.GetProperty("checks").EnumerateArray(), c => Assert.True(c.GetProperty("ok").GetBoolean()));
    }

    [Fact]
    public async Task Init_against_an_unreachable_url_says_so()
    {
        await using var cli = await CliHarness.StartAsync(withRelay: false);
        var result = await cli.RunAsync("init", "--relay", $"http://127.0.0.1:{UnusedPort()}/", "--admin-key", "k");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("✗ database: cannot reach", result.Out);
        Assert.Contains("remotecam serve", result.Out);
        Assert.StartsWith("remotecam: ", result.Err);
        Assert.DoesNotContain("   at ", result.Err + result.Out);
    }

    [Fact]
    public async Task Init_with_a_wrong_admin_key_says_the_credentials_were_refused()
    {
        await using var cli = await CliHarness.StartAsync();
        var result = await cli.RunAsync("init", "--relay", cli.Relay!.Url.ToString(), "--admin-key", "0123");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("✗ database: the credentials were refused", result.Out);
        Assert.Contains("--admin-key", result.Out);
    }

    [Fact]
    public async Task A_local_relay_profile_reads_the_admin_key_from_the_data_directory()
    {
        await using var cli = await CliHarness.StartAsync();
        var result = await cli.RunAsync("init", "--relay", cli.Relay!.Url.ToString(), "--data", cli.RelayData);
        Assert.True(result.ExitCode == 0, result.Out + result.Err);
        Assert.DoesNotContain(cli.Relay.AdminKey, await File.ReadAllTextAsync(cli.ConfigFile));

        var profile = new Profile { Kind = ProfileKinds.Relay, Url = cli.Relay.Url.ToString(), DataDirectory = cli.RelayData };
        Assert.Equal(cli.Relay.AdminKey, Backend.RelayAdminKey(profile));
        Assert.Equal("owner", Backend.RelayAdminKey(Profile.LocalRelay));
    }

    [Theory]
    [InlineData("https://my-db.firebaseio.com", true)]
    [InlineData("https://my-db.firebaseio.com/", true)]
    [InlineData("https://my-db-default-rtdb.europe-west1.firebasedatabase.app", true)]
    [InlineData("http://my-db.firebaseio.com", false)]
    [InlineData("https://my-db.firebaseio.com/rooms", false)]
    [InlineData("https://firebaseio.com", false)]
    [InlineData("https://my-db.firebasedatabase.app", false)]
    [InlineData("https://evil.com/x.firebaseio.com", false)]
    [InlineData("not a url", false)]
    public void Firebase_database_urls_are_checked(string url, bool valid)
    {
        Assert.Equal(valid, DatabaseUrls.TryParseFirebase(url, out var parsed, out var error));
        Assert.Equal(valid, error is null);
        if (valid)
        {
            Assert.Equal("/", parsed!.AbsolutePath);
        }
    }

    [Fact]
    public async Task A_malformed_database_url_is_a_usage_error()
    {
        await using var cli = await CliHarness.StartAsync(withRelay: false);
        var result = await cli.RunAsync("init", "--database-url", "https://example.com", "--credentials", "key.json");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("firebaseio.com", result.Err);
        Assert.False(File.Exists(cli.ConfigFile));
    }

    [Theory]
    [InlineData(null, "cannot read the credentials file")]
    [InlineData("{ not json", "is not valid JSON")]
    [InlineData("{\"type\": \"authorized_user\"}", "is not a service-account key")]
    [InlineData("{\"type\": \"service_account\", \"client_email\": \"a@b.iam.gserviceaccount.com\"}", "has no \"private_key\"")]
    [InlineData("{\"type\": \"service_account\", \"client_email\": \"a@b.iam.gserviceaccount.com\", \"private_key\": \"nope\"}", "cannot be used")]
    public async Task Bad_credentials_files_are_reported_and_nothing_is_saved(string? content, string message)
    {
        await using var cli = await CliHarness.StartAsync(withRelay: false);
        var path = content is null ? Path.Combine(cli.RelayData, "missing.json") : cli.WriteFile("key.json", content);
        var result = await cli.RunAsync("init", "--database-url", "https://my-db.firebaseio.com", "--credentials", path);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("remotecam: ", result.Err);
        Assert.Contains(message, result.Err);
        Assert.False(File.Exists(cli.ConfigFile));
    }

    [Fact]
    public async Task Init_list_shows_the_profiles()
    {
        await using var cli = await CliHarness.StartAsync();
        await cli.InitRelayAsync("one");
        await cli.InitRelayAsync("two");
        var result = await cli.RunAsync("init", "--list");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("  one ", result.Out);
        Assert.Contains("* two ", result.Out);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
