using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace RemoteCam.Relay.Tests.ForeignClients;

/// <summary>The outcome of one firebase CLI run.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>The notice the CLI prints before a command's own output when it targets an emulator.</summary>
    private const string EmulatorNotice = "this command will execute against the Database Emulator";

    /// <summary>What <c>database:get</c> printed: everything after the emulator notice, trimmed.</summary>
    public string Data
    {
        get
        {
            var at = StdOut.IndexOf(EmulatorNotice, StringComparison.Ordinal);
            Assert.True(at >= 0, $"The CLI did not print the emulator notice.\n{this}");
            var lineEnd = StdOut.IndexOf('\n', at);
            return lineEnd < 0 ? "" : StdOut[(lineEnd + 1)..].Trim();
        }
    }

    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}

/// <summary>
/// One relay for the whole class, and a way to run the real firebase CLI (the repo's npm
/// devDependency <c>firebase-tools</c>) against it as against the RTDB emulator.
/// </summary>
/// <remarks>
/// The CLI sends <c>?ns=&lt;instance&gt;</c> on set, push and update, but <c>database:get</c> and
/// <c>database:remove</c> replace the URL's query with their own parameters and so send no
/// <c>ns</c>; against the emulator they reach its default namespace. The relay's default
/// namespace is therefore the CLI's instance, so every command sees the same database.
/// </remarks>
public sealed class FirebaseCliFixture : IAsyncLifetime
{
    public const string Instance = "demo-cli-db";
    public const string Project = "demo-relay-test";

    /// <summary>Node's start-up of firebase-tools alone takes seconds on a busy machine.</summary>
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "remotecam-fbcli-" + Guid.NewGuid().ToString("N"));
    private RelayServer? _relay;

    public HttpClient Http { get; } = new();

    public RelayServer Relay => _relay ?? throw new InvalidOperationException("The relay is not running.");

    /// <summary>A folder for the CLI's working directory and input files (no firebase.json in it).</summary>
    public string WorkDirectory => Path.Combine(_root, "work");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkDirectory);
        Directory.CreateDirectory(Path.Combine(_root, "config"));
        _relay = await RelayServer.StartAsync(new RelayOptions
        {
            Port = 0,
            DataDirectory = Path.Combine(_root, "data"),
            DefaultNamespace = Instance,
        });
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "owner");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }

    /// <summary>The relay's value at <paramref name="path"/> in the CLI's database, read over REST.</summary>
    public async Task<JsonNode?> ReadAsync(string path)
    {
        var text = await Http.GetStringAsync(new Uri(Relay.Url, $"{path.TrimStart('/')}.json?ns={Instance}"));
        return JsonNode.Parse(text);
    }

    /// <summary>Writes <paramref name="json"/> at <paramref name="path"/> over REST (test set-up).</summary>
    public async Task WriteAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Http.PutAsync(new Uri(Relay.Url, $"{path.TrimStart('/')}.json?ns={Instance}"), content);
        Assert.True(response.IsSuccessStatusCode, $"Set-up write to {path} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// Runs <c>firebase &lt;args&gt; --token … --instance … --project demo-…</c> with
    /// <c>FIREBASE_DATABASE_EMULATOR_HOST</c> pointing at the relay, feeding <paramref name="stdin"/>.
    /// </summary>
    public async Task<CliResult> RunAsync(IEnumerable<string> args, string? stdin = null)
    {
        // Offline, the CLI first tries to refresh its token with Google; under load it has been seen to
        // finish the command, print its result, and then exit 2 with "An unexpected error has occurred".
        // An idempotent command (everything but push) is run once more then; its result must still hold.
        var list = args.ToList();
        var result = await RunOnceAsync(list, stdin);
        if (result.ExitCode != 0 && list.FirstOrDefault() != "database:push"
            && (result.StdOut + result.StdErr).Contains("An unexpected error has occurred", StringComparison.Ordinal))
        {
            result = await RunOnceAsync(list, stdin);
        }

        return result;
    }

    private async Task<CliResult> RunOnceAsync(IEnumerable<string> args, string? stdin)
    {
        var cli = LocateCli();
        var start = new ProcessStartInfo(cli)
        {
            WorkingDirectory = WorkDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A token is required: without one the CLI looks for Google default credentials. It is
        // never checked against the emulator, which gets "Authorization: Bearer owner".
        foreach (var arg in new[] { "--token", "not-a-real-token", "--instance", Instance, "--project", Project })
        {
            start.ArgumentList.Add(arg);
        }

        var env = start.Environment;
        env["FIREBASE_DATABASE_EMULATOR_HOST"] = $"http://{Relay.Url.Authority}";
        env["CI"] = "true"; // no message-of-the-day fetch
        env["NO_UPDATE_NOTIFIER"] = "1";
        env["XDG_CONFIG_HOME"] = Path.Combine(_root, "config"); // the CLI's configstore
        env.Remove("FIREBASE_TOKEN");
        env.Remove("GOOGLE_APPLICATION_CREDENTIALS");
        env.Remove("FIREBASE_REALTIME_URL");

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {cli}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using (var timeout = new CancellationTokenSource(RunTimeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"firebase {string.Join(' ', start.ArgumentList)} did not finish within {RunTimeout.TotalSeconds} s.\n{await stdout}\n{await stderr}");
            }
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The CLI: <c>REMOTECAM_FIREBASE_CLI</c>, else the repo's <c>node_modules/.bin/firebase</c>.</summary>
    private static string LocateCli()
    {
        var fromEnv = Environment.GetEnvironmentVariable("REMOTECAM_FIREBASE_CLI");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            Assert.True(File.Exists(fromEnv), $"REMOTECAM_FIREBASE_CLI is {fromEnv}, which does not exist.");
            return fromEnv;
        }

        var root = RepoRoot();
        var cli = Path.Combine(root, "node_modules", ".bin", OperatingSystem.IsWindows() ? "firebase.cmd" : "firebase");
        Assert.True(File.Exists(cli), $"The firebase CLI is not installed at {cli}: run `npm ci` at the repo root ({root}).");
        return cli;
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

        Assert.Fail($"No RemoteCam.sln above {AppContext.BaseDirectory}; set REMOTECAM_FIREBASE_CLI to the firebase CLI.");
        return "";
    }
}
