using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// The same build on Firebase Hosting: the firebase CLI's Hosting emulator (a foreign server, runs offline)
/// serves the pages with the repository's firebase.json, and the pages take their backend from its init.json.
/// </summary>
public sealed class HostingTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly string[] Files = ["index.html", "join.html", "camera.html", "viewer.html", "camera.js", "viewer.js", "manifest.webmanifest"];
    private static readonly string[] SecurityHeaders = ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Cache-Control"];

    [Fact]
    public async Task Firebase_Hosting_serves_the_same_pages_with_the_relays_security_headers_and_the_pages_use_its_init_json()
    {
        await using var relay = await RelayHost.StartAsync();
        await using var hosting = await HostingEmulator.StartAsync(Pages.Folder);
        using var http = new HttpClient();

        // Every page byte for byte, with the same security headers as the relay sends.
        foreach (var file in Files)
        {
            using var fromRelay = await http.GetAsync(new Uri(relay.Url, file));
            using var fromHosting = await http.GetAsync(new Uri(hosting.Url, file));
            Assert.Equal(HttpStatusCode.OK, fromHosting.StatusCode);
            Assert.Equal(await fromRelay.Content.ReadAsByteArrayAsync(), await fromHosting.Content.ReadAsByteArrayAsync());
            foreach (var header in SecurityHeaders)
            {
                Assert.Equal(Header(fromRelay, header), Header(fromHosting, header));
                Assert.False(string.IsNullOrEmpty(Header(fromHosting, header)), $"Firebase Hosting sends no {header} for {file}");
            }
        }

        // Its init.json (Firebase's shape: no authEmulatorUrl, no iceServers) sends a page to Google's endpoints
        // with the project's key; with no network here, the page says the backend is unreachable, in words.
        var init = JsonNode.Parse(await http.GetStringAsync(new Uri(hosting.Url, "__/firebase/init.json")))!;
        var apiKey = init["apiKey"]!.GetValue<string>();
        await using var viewer = await browser.NewDeviceAsync("viewer");
        var requested = new List<string>();
        viewer.Page.Request += (_, request) => requested.Add(request.Url);
        // An invitation of a room that exists nowhere: the page must get as far as signing in.
        await viewer.GotoAsync(new Uri(hosting.Url, "join.html") + "#v=1&room=AAAAAAAAAAAAAAAAAAAA&role=viewer&s=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
        var (_, text) = await viewer.WaitForStatusAsync(["offline", "error"]);
        Assert.Contains("unreachable", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(requested, url => url.StartsWith("https://identitytoolkit.googleapis.com/v1/accounts:signUp?key=" + Uri.EscapeDataString(apiKey), StringComparison.Ordinal));
        Assert.DoesNotContain(requested, url => url.StartsWith(relay.Url.ToString(), StringComparison.Ordinal));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    /// <summary>
    /// <c>firebase emulators:start --only hosting</c> from the repository's npm packages, with the repository's
    /// firebase.json "hosting" section (its public folder pointed at the built pages) on free ports.
    /// </summary>
    private sealed class HostingEmulator : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _folder;
        private readonly System.Text.StringBuilder _log = new();

        private HostingEmulator(Process process, string folder, Uri url)
        {
            _process = process;
            _folder = folder;
            Url = url;
        }

        public Uri Url { get; }

        public static async Task<HostingEmulator> StartAsync(string pages)
        {
            var cli = Path.Combine(RepositoryRoot.Folder, "node_modules", "firebase-tools", "lib", "bin", "firebase.js");
            Assert.True(File.Exists(cli), $"{cli} is missing: run 'npm ci' in the repository (docs/testing.md).");
            var folder = Directory.CreateTempSubdirectory("remotecam-hosting-").FullName;
            var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Folder, "firebase.json")))!.AsObject();
            var hosting = config["hosting"]!.DeepClone().AsObject();
            // The emulator serves a public folder relative to firebase.json (an absolute one answers 404): a copy.
            CopyFolder(pages, Path.Combine(folder, "site"));
            hosting["public"] = "site";
            int port = FreePort(), hub = FreePort(), logging = FreePort();
            var emulators = new JsonObject
            {
                ["hosting"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = port },
                ["hub"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = hub },
                ["logging"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = logging },
                ["ui"] = new JsonObject { ["enabled"] = false },
            };
            await File.WriteAllTextAsync(Path.Combine(folder, "firebase.json"), new JsonObject { ["hosting"] = hosting, ["emulators"] = emulators }.ToJsonString());
            var start = new ProcessStartInfo("node", [cli, "emulators:start", "--only", "hosting", "--project", "demo-remotecam"])
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["NO_UPDATE_NOTIFIER"] = "1";
            start.Environment["FIREBASE_CLI_DISABLE_UPDATE_CHECK"] = "true";
            start.Environment["XDG_CONFIG_HOME"] = Path.Combine(folder, "config");
            var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
            var emulator = new HostingEmulator(process, folder, new Uri($"http://127.0.0.1:{port}/"));
            process.OutputDataReceived += (_, e) => emulator.Remember(e.Data);
            process.ErrorDataReceived += (_, e) => emulator.Remember(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(emulator.Url, "index.html"));
                    if (response.IsSuccessStatusCode)
                    {
                        return emulator;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Not listening yet.
                }

                await Task.Delay(250);
            }

            var log = emulator.Log;
            await emulator.DisposeAsync();
            throw new InvalidOperationException($"the Hosting emulator did not serve the pages within 60 s:\n{log}");
        }

        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            Directory.Delete(_folder, recursive: true);
        }

        private static void CopyFolder(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(to, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private void Remember(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}
