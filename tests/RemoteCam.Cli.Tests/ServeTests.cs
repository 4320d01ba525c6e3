using System.Net;
using System.Text;

namespace RemoteCam.Cli.Tests;

/// <summary><c>remotecam serve</c> as a user runs it: its own process, its flags, and how it stops.</summary>
public sealed class ServeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "remotecam-serve-" + Guid.NewGuid().ToString("N"));

    public ServeTests() => Directory.CreateDirectory(_folder);

    [Fact]
    public async Task Sigterm_stops_the_relay_cleanly_and_the_data_is_kept()
    {
        var data = Path.Combine(_folder, "data");
        await using (var relay = await RelayProcess.StartAsync(data))
        {
            Assert.Contains("Press Ctrl+C to stop.", relay.FirstLines, StringComparison.Ordinal);
            using var http = new HttpClient { BaseAddress = relay.Url };
            using var put = await http.PutAsync("kept.json?auth=owner", new StringContent("42", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

            var (exitCode, output) = await relay.TerminateAsync();
            Assert.Equal(0, exitCode);
            Assert.Contains("Stopped.", output, StringComparison.Ordinal);
        }

        await using (var again = await RelayProcess.StartAsync(data))
        {
            using var http = new HttpClient { BaseAddress = again.Url };
            Assert.Equal("42", await http.GetStringAsync("kept.json?auth=owner"));
        }
    }

    [Fact]
    public async Task Unsigned_tokens_are_refused_unless_the_emulator_compatibility_flag_is_given()
    {
        // {"alg":"none"} . {"sub":"alice","user_id":"alice","exp":9999999999} . (no signature)
        const string unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSIsInVzZXJfaWQiOiJhbGljZSIsImV4cCI6OTk5OTk5OTk5OX0.";
        await using (var strict = await RelayProcess.StartAsync(Path.Combine(_folder, "strict")))
        {
            using var http = new HttpClient { BaseAddress = strict.Url };
            using var refused = await http.GetAsync("x.json?auth=" + unsigned);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await using var lenient = await RelayProcess.StartAsync(Path.Combine(_folder, "lenient"), "--accept-unsigned-tokens");
        Assert.Contains("unsigned ID tokens are accepted", lenient.FirstLines, StringComparison.Ordinal);
        using var client = new HttpClient { BaseAddress = lenient.Url };
        using var accepted = await client.GetAsync("x.json?auth=" + unsigned);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task The_rules_file_given_with_rules_is_enforced()
    {
        var rules = Path.Combine(_folder, "rules.json");
        await File.WriteAllTextAsync(rules, """{ "rules": { "public": { ".read": true } } }""");
        await using var relay = await RelayProcess.StartAsync(Path.Combine(_folder, "data"), "--rules", rules);
        Assert.Contains("Security rules: " + rules, relay.FirstLines, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = relay.Url };
        using var open = await http.GetAsync("public.json");
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        using var closed = await http.GetAsync("private.json");
        Assert.Equal(HttpStatusCode.Unauthorized, closed.StatusCode);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
