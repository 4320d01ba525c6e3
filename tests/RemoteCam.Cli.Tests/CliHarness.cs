using System.Net.Http.Headers;

using RemoteCam.Relay;

namespace RemoteCam.Cli.Tests;

/// <summary>What one run of the CLI printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Err);

/// <summary>
/// Runs the CLI through its real entry (<see cref="CliApp.RunAsync(string[], TextWriter, TextWriter, Func{string, string?}, CancellationToken)"/>)
/// with its own config folder, next to an in-process relay with its own data folder.
/// </summary>
internal sealed class CliHarness : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "remotecam-cli-" + Guid.NewGuid().ToString("N"));

    private CliHarness()
    {
        Directory.CreateDirectory(_root);
    }

    public string ConfigDirectory => Path.Combine(_root, "config");

    public string ConfigFile => Path.Combine(ConfigDirectory, "config.json");

    public string RelayData => Path.Combine(_root, "relay");

    public RelayServer? Relay { get; private set; }

    /// <summary>A harness; with <paramref name="rulesFile"/> the relay enforces those rules (else it is open, as without rules).</summary>
    public static async Task<CliHarness> StartAsync(bool withRelay = true, string? rulesFile = null, string? webRoot = null)
    {
        var harness = new CliHarness();
        if (withRelay)
        {
            harness.Relay = await RelayServer.StartAsync(new RelayOptions { Port = 0, DataDirectory = harness.RelayData, RulesFile = rulesFile, WebRoot = webRoot });
        }

        return harness;
    }

    /// <summary>A file in this harness's temporary folder.</summary>
    public string WriteFile(string name, string text)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        return path;
    }

    public Task<CliResult> RunAsync(params string[] args) => RunWithEnvironmentAsync(new Dictionary<string, string>(), args);

    /// <summary>Runs with these environment variables set (besides the config folder); every other variable is unset.</summary>
    public async Task<CliResult> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error, name => name == "REMOTECAM_CONFIG_DIR" ? ConfigDirectory : environment.GetValueOrDefault(name));
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Saves a relay profile for the in-process relay, with its admin key (so nothing relies on the loopback owner token).</summary>
    public async Task InitRelayAsync(string name = "test")
    {
        var result = await RunAsync("init", "--relay", Relay!.Url.ToString(), "--admin-key", Relay.AdminKey, "--profile", name);
        Assert.True(result.ExitCode == 0, result.Out + result.Err);
    }

    /// <summary>A harness with a relay and a profile for it, as most rooms tests start.</summary>
    public static async Task<CliHarness> StartWithRelayProfileAsync()
    {
        var cli = await StartAsync();
        await cli.InitRelayAsync();
        return cli;
    }

    /// <summary>Runs <c>rooms create NAME --json</c> and returns the new room's id.</summary>
    public async Task<string> CreateRoomAsync(string name = "Home")
    {
        var result = await RunAsync("rooms", "create", name, "--json");
        Assert.True(result.ExitCode == 0, result.Out + result.Err);
        using var document = System.Text.Json.JsonDocument.Parse(result.Out);
        return document.RootElement.GetProperty("id").GetString()!;
    }

    public HttpClient RelayClient(string? bearer)
    {
        var http = new HttpClient { BaseAddress = Relay!.Url };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return http;
    }

    public async ValueTask DisposeAsync()
    {
        if (Relay is not null)
        {
            await Relay.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the relay; the temp folder is cleaned later.
        }
    }
}
