using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Cli.Tests;

/// <summary>
/// Issue 4's acceptance, with the repository's database.rules.json in force and real anonymous
/// devices: a revoked device loses its read access and its open stream at once, and after a
/// rotation an old invitation no longer joins.
/// </summary>
public sealed class AccessTests
{
    private static async Task<(CliHarness Cli, string Room, string Camera, string Viewer)> StartAsync()
    {
        var cli = await CliHarness.StartAsync(rulesFile: RepositoryRoot.RulesFile);
        await cli.InitRelayAsync();
        var created = await cli.RunAsync("rooms", "create", "Home", "--json");
        Assert.True(created.ExitCode == 0, created.Err);
        using var document = JsonDocument.Parse(created.Out);
        var invitations = document.RootElement.GetProperty("invitations");
        return (cli, document.RootElement.GetProperty("id").GetString()!,
            invitations.GetProperty("camera").GetString()!, invitations.GetProperty("viewer").GetString()!);
    }

    /// <summary>A device as the pages make one: anonymous sign-up on the relay's Identity Toolkit endpoint.</summary>
    private sealed record Device(HttpClient Http, string Uid, string Token) : IDisposable
    {
        public static async Task<Device> SignUpAsync(Uri relay)
        {
            var http = new HttpClient { BaseAddress = relay };
            using var response = await http.PostAsJsonAsync("identitytoolkit.googleapis.com/v1/accounts:signUp?key=test", new { returnSecureToken = true });
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return new Device(http, body.RootElement.GetProperty("localId").GetString()!, body.RootElement.GetProperty("idToken").GetString()!);
        }

        /// <summary>Joins with an invitation URL as docs/protocol.md describes: the proof derived from its secret, written with the membership.</summary>
        public async Task<HttpStatusCode> JoinAsync(string invitation)
        {
            var fields = new Uri(invitation).Fragment.TrimStart('#').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            var (room, role, secret) = (fields["room"], fields["role"], fields["s"]);
            var bytes = Convert.FromBase64String(secret.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (secret.Length % 4)) % 4));
            var proof = Convert.ToBase64String(SHA256.HashData([.. bytes, .. Encoding.UTF8.GetBytes($"remotecam-pairing-v1|{room}|{role}")]))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');
            using var response = await Http.PutAsJsonAsync(
                $"rooms/{room}/members/{Uid}.json?auth={Token}",
                new Dictionary<string, object> { ["role"] = role, ["name"] = "Test phone", ["joined"] = new Dictionary<string, string> { [".sv"] = "timestamp" }, ["proof"] = proof });
            return response.StatusCode;
        }

        public async Task<HttpStatusCode> ReadAsync(string path)
        {
            using var response = await Http.GetAsync($"{path}.json?auth={Token}");
            return response.StatusCode;
        }

        /// <summary>An SSE stream of <paramref name="path"/>; returns once its first event (the initial put) arrived.</summary>
        public async Task<EventStream> StreamAsync(string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"{path}.json?auth={Token}");
            request.Headers.Accept.ParseAdd("text/event-stream");
            var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var stream = new EventStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
            Assert.Equal("put", await stream.NextEventAsync());
            return stream;
        }

        public void Dispose() => Http.Dispose();
    }

    private sealed class EventStream(HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        /// <summary>The name of the next event other than keep-alive; null when the server closed the stream.</summary>
        public async Task<string?> NextEventAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal) && line != "event: keep-alive")
                {
                    return line["event: ".Length..];
                }
            }

            return null;
        }

        public void Dispose()
        {
            reader.Dispose();
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_revoked_device_loses_its_stream_and_its_reads_and_cannot_join_again()
    {
        var (cli, room, camera, _) = await StartAsync();
        await using (cli)
        {
            using var device = await Device.SignUpAsync(cli.Relay!.Url);
            using var other = await Device.SignUpAsync(cli.Relay.Url);
            Assert.Equal(HttpStatusCode.OK, await device.JoinAsync(camera));
            Assert.Equal(HttpStatusCode.OK, await other.JoinAsync(camera));
            using var stream = await device.StreamAsync($"rooms/{room}/cameras");
            using var otherStream = await other.StreamAsync($"rooms/{room}/cameras");

            var revoke = await cli.RunAsync("rooms", "revoke", room, device.Uid);
            Assert.True(revoke.ExitCode == 0, revoke.Err);

            Assert.Equal("cancel", await stream.NextEventAsync());
            Assert.Equal(HttpStatusCode.Unauthorized, await device.ReadAsync($"rooms/{room}/cameras"));
            Assert.Equal(HttpStatusCode.Unauthorized, await device.JoinAsync(camera));

            // The other camera is untouched.
            Assert.Equal(HttpStatusCode.OK, await other.ReadAsync($"rooms/{room}/cameras"));
        }
    }

    [Fact]
    public async Task After_a_rotation_old_invitations_fail_to_join_and_show_says_why()
    {
        var (cli, room, _, viewer) = await StartAsync();
        await using (cli)
        {
            using var paired = await Device.SignUpAsync(cli.Relay!.Url);
            Assert.Equal(HttpStatusCode.OK, await paired.JoinAsync(viewer));
            using var stream = await paired.StreamAsync($"rooms/{room}/cameras");

            var rotate = await cli.RunAsync("rooms", "rotate", room, "--json");
            Assert.True(rotate.ExitCode == 0, rotate.Err);
            using var document = JsonDocument.Parse(rotate.Out);
            var newViewer = document.RootElement.GetProperty("invitations").GetProperty("viewer").GetString()!;

            // The paired device's membership ended with the rotation.
            Assert.Equal("cancel", await stream.NextEventAsync());
            Assert.Equal(HttpStatusCode.Unauthorized, await paired.ReadAsync($"rooms/{room}/cameras"));

            using var late = await Device.SignUpAsync(cli.Relay.Url);
            Assert.Equal(HttpStatusCode.Unauthorized, await late.JoinAsync(viewer));
            Assert.Equal(HttpStatusCode.OK, await late.JoinAsync(newViewer));
            Assert.Equal(HttpStatusCode.OK, await late.ReadAsync($"rooms/{room}/cameras"));

            var show = await cli.RunAsync("rooms", "show", room);
            Assert.Contains("invitations made before then stopped working", show.Out);
            var pairedLine = show.Out.Split('\n').Single(l => l.StartsWith(paired.Uid, StringComparison.Ordinal));
            Assert.Contains("must pair again", pairedLine);
            var lateLine = show.Out.Split('\n').Single(l => l.StartsWith(late.Uid, StringComparison.Ordinal));
            Assert.DoesNotContain("must pair again", lateLine);
        }
    }
}
