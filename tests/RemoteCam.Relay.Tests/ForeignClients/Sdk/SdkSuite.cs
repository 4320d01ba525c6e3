using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace RemoteCam.Relay.Tests.ForeignClients.Sdk;

/// <summary>
/// A relay for the official SDKs (npm <c>firebase</c> and <c>firebase-admin</c>, pinned in the repo's
/// package.json) and one run of <c>sdk-suite.mjs</c> with every scenario at once (they use
/// databases of their own, so they run side by side); each test asserts on its scenario's report.
/// The relay accepts unsigned tokens, as the emulator does, for <c>connectDatabaseEmulator</c>'s
/// <c>mockUserToken</c>.
/// </summary>
public sealed class SdkSuite : IAsyncLifetime
{
    /// <summary>Rules of the database <c>sdk-rules</c> (the other databases are open).</summary>
    public const string Rules = """
        {"rules": {
          "users": {"$uid": {".read": "auth != null && auth.uid === $uid", ".write": "auth != null && auth.uid === $uid",
                             "age": {".validate": "newData.isNumber()"}}},
          "gate": {".read": "data.child('open').val() === true"},
          "admin": {".read": false, ".write": false}
        }}
        """;

    public static readonly string[] Scenarios =
        ["crud", "events", "queries", "serverValues", "transactions", "onDisconnectOffline", "onDisconnectKilled", "info", "rules", "big", "manyListens", "restInterplay", "hashes", "auth", "admin"];

    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    private readonly Dictionary<string, JsonNode?> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);
    private RelayFixture? _relay;
    private string _output = "";

    public RelayFixture Relay => _relay ?? throw new InvalidOperationException("The relay is not running.");

    public async Task InitializeAsync()
    {
        _relay = await RelayFixture.StartAsync(new RelayOptions { AcceptUnsignedTokens = true });
        using (var request = new HttpRequestMessage(HttpMethod.Put, new Uri(Relay.Relay.Url, ".settings/rules.json?ns=sdk-rules")))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "owner");
            request.Content = new StringContent(Rules, Encoding.UTF8);
            using var response = await Relay.Http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        var (exit, stdout, stderr) = await NodeScript.RunAsync("sdk-suite.mjs", [Relay.Relay.Url.Authority, .. Scenarios], RunTimeout);
        _output = $"exit code {exit}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}";
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }

            var report = JsonNode.Parse(line)!;
            var name = report["scenario"]!.GetValue<string>();
            if (report["error"] is { } error)
            {
                _errors[name] = error.GetValue<string>();
            }
            else
            {
                _results[name] = report["result"];
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }
    }

    /// <summary>The report of <paramref name="scenario"/>; fails with the SDK's error or the script's output.</summary>
    public JsonNode Result(string scenario)
    {
        Assert.False(_errors.TryGetValue(scenario, out var error), $"Scenario {scenario} failed in the SDK:\n{error}");
        Assert.True(_results.TryGetValue(scenario, out var result) && result is not null, $"Scenario {scenario} did not report.\n{_output}");
        return result!;
    }
}

/// <summary>Runs a Node script of this folder with the repository's node_modules (<c>npm ci</c> at the repo root).</summary>
internal static class NodeScript
{
    public static async Task<(int Exit, string StdOut, string StdErr)> RunAsync(string script, IEnumerable<string> args, TimeSpan timeout)
    {
        var root = RepoRoot();
        Assert.True(Directory.Exists(Path.Combine(root, "node_modules", "firebase")) && Directory.Exists(Path.Combine(root, "node_modules", "firebase-admin")),
            $"The Firebase SDKs are not installed in {root}/node_modules: run `npm ci` at the repo root.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("REMOTECAM_NODE") ?? "node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(root, "tests", "RemoteCam.Relay.Tests", "ForeignClients", "Sdk", script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("FIREBASE_DATABASE_EMULATOR_HOST");
        start.Environment.Remove("FIREBASE_AUTH_EMULATOR_HOST");
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"node is not installed or not on PATH ({e.Message}): install Node.js 20 (Debian: apt-get install nodejs npm) or set REMOTECAM_NODE.");
            throw;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"node {script} did not finish within {timeout.TotalSeconds} s.\n{await stdout}\n{await stderr}");
            }

            return (process.ExitCode, await stdout, await stderr);
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RemoteCam.sln")))
            {
                return dir.FullName;
            }
        }

        Assert.Fail($"No RemoteCam.sln above {AppContext.BaseDirectory}.");
        return "";
    }
}
