using System.Diagnostics;
using System.Text.Json.Nodes;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;
using RemoteCam.Relay.Transports.WebSocket;

namespace RemoteCam.Relay.Tests.WebSocket;

/// <summary>The documented bounds of a WebSocket session: silent clients, slow clients, listens, rules and restarts.</summary>
public sealed class WireBoundsTests
{
    [Fact]
    public async Task A_client_that_stops_answering_pings_has_its_onDisconnect_run_within_20_s()
    {
        await using var relay = await RelayFixture.StartAsync(); // default ping: every 5 s, 10 s to answer
        var path = RelayFixture.NewPath();
        var (client, _) = await WireClient.OpenAsync(relay.Relay.Url, "remotecam");
        await using (client)
        {
            Assert.Equal("ok", (await client.CallAsync("o", $$$$"""{"p":"/{{{{path}}}}","d":"gone"}"""))["s"]!.GetValue<string>());
            // From now on nothing reads the socket, so the relay's pings go unanswered (a phone whose network vanished).
            var silent = Stopwatch.StartNew();
            while (await relay.ReadAsync(path) == "null" && silent.Elapsed < TimeSpan.FromSeconds(25))
            {
                await Task.Delay(100);
            }

            Assert.Equal("\"gone\"", await relay.ReadAsync(path));
            Assert.InRange(silent.Elapsed.TotalSeconds, 5, 20);
        }
    }

    [Fact]
    public async Task A_client_that_does_not_read_is_dropped_at_its_queue_bound_and_its_onDisconnect_runs()
    {
        await using var relay = await RelayFixture.StartAsync(new RelayOptions { MaxQueuedBytesPerStream = 256 * 1024 });
        var path = RelayFixture.NewPath();
        var (client, _) = await WireClient.OpenAsync(relay.Relay.Url, "remotecam");
        await using (client)
        {
            await client.CallAsync("o", $$$$"""{"p":"/{{{{path}}}}/state","d":"dropped"}""");
            await client.CallAsync("q", $$$$"""{"p":"/{{{{path}}}}/feed","h":""}""");
            var chunk = System.Text.Json.JsonSerializer.Serialize(new string('x', 100_000));
            var clock = Stopwatch.StartNew();
            // Far more than the socket buffers hold, so the relay's queue for this client fills up.
            for (var i = 0; i < 400 && (i % 10 != 0 || await relay.ReadAsync($"{path}/state") == "null"); i++)
            {
                await relay.SetAsync($"{path}/feed/{i}", chunk);
            }

            while (await relay.ReadAsync($"{path}/state") == "null" && clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(50);
            }

            Assert.Equal("\"dropped\"", await relay.ReadAsync($"{path}/state"));
        }
    }

    [Fact]
    public async Task Listens_past_the_bound_are_refused_with_too_many_listens()
    {
        await using var relay = await RelayFixture.StartAsync(new RelayOptions { WebSocketMaxListens = 3 });
        var (client, _) = await WireClient.OpenAsync(relay.Relay.Url, "remotecam");
        await using (client)
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal("ok", (await client.CallAsync("q", $$$$"""{"p":"/l/{{{{i}}}}","h":""}"""))["s"]!.GetValue<string>());
            }

            Assert.Equal("ok", (await client.CallAsync("q", """{"p":"/l/0","h":""}"""))["s"]!.GetValue<string>()); // the same listen again replaces it
            var refused = await client.CallAsync("q", """{"p":"/l/3","h":""}""");
            Assert.Equal("too_many_listens", refused["s"]!.GetValue<string>());
            Assert.Equal("ok", (await client.CallAsync("n", """{"p":"/l/1"}"""))["s"]!.GetValue<string>());
            Assert.Equal("ok", (await client.CallAsync("q", """{"p":"/l/3","h":""}"""))["s"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task OnDisconnect_is_checked_against_the_rules_when_queued_and_again_when_it_runs()
    {
        await using var relay = await RelayFixture.StartAsync(new RelayOptions { AcceptUnsignedTokens = true });
        var rules = """{"rules":{"open":{".read":true,".write":"root.child('locked').val() !== true"},"closed":{".write":false},"locked":{".read":true}}}""";
        Assert.Equal(200, (await relay.PutAsync(".settings/rules", rules, headers: ("Authorization", "Bearer owner"))).Status);
        var (client, _) = await WireClient.OpenAsync(relay.Relay.Url, "remotecam");
        await using (client)
        {
            var refused = await client.CallAsync("o", """{"p":"/closed/x","d":1}""");
            JsonAssert.Equal("""{"s":"permission_denied","d":"Permission denied"}""", refused.ToJsonString());
            Assert.Equal("ok", (await client.CallAsync("o", """{"p":"/open/x","d":1}"""))["s"]!.GetValue<string>());
            // The data the rule reads changes before the client leaves: the operation is refused when run.
            Assert.Equal(200, (await relay.PutAsync("locked", "true", headers: ("Authorization", "Bearer owner"))).Status);
        }

        await Task.Delay(1000);
        Assert.Equal("null", (await relay.GetAsync("open/x", headers: ("Authorization", "Bearer owner"))).Body);
    }

    [Fact]
    public async Task OnDisconnect_queued_by_sessions_of_a_relay_that_crashed_runs_when_it_starts_again()
    {
        var data = Path.Combine(Path.GetTempPath(), "remotecam-ws-restart-" + Guid.NewGuid().ToString("N"));
        try
        {
            // What a crash leaves: a session's queue in the journal, no "done" after it.
            using (var store = new OnDisconnectStore(Path.Combine(data, ".ondisconnect", "remotecam.jsonl")))
            {
                store.Add("lost-session", new OnDisconnectOp(OnDisconnectKind.Set, DataPath.Parse("/cam/state"), """{"s":"offline","at":{".sv":"timestamp"}}""", Identity.Admin));
                store.Add("lost-session", new OnDisconnectOp(OnDisconnectKind.Merge, DataPath.Parse("/cam"), """{"seen/by":"relay"}""", Identity.Admin));
                store.Add("cancelled", new OnDisconnectOp(OnDisconnectKind.Set, DataPath.Parse("/cam/other"), "1", Identity.Admin));
                store.Cancel("cancelled", DataPath.Parse("/cam"));
            }

            var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await using (var relay = await RelayServer.StartAsync(new RelayOptions { Port = 0, DataDirectory = data }))
            {
                using var http = new HttpClient();
                http.DefaultRequestHeaders.Authorization = new("Bearer", "owner");
                var cam = JsonNode.Parse(await http.GetStringAsync(new Uri(relay.Url, "cam.json")))!;
                Assert.Equal("offline", cam["state"]!["s"]!.GetValue<string>());
                Assert.True(cam["state"]!["at"]!.GetValue<double>() >= before, "the server timestamp is resolved when the operation runs");
                Assert.Equal("relay", cam["seen"]!["by"]!.GetValue<string>());
                Assert.Null(cam["other"]);
                await http.DeleteAsync(new Uri(relay.Url, "cam.json"));
            }

            // Ran once: the next start finds nothing left to run.
            await using (var again = await RelayServer.StartAsync(new RelayOptions { Port = 0, DataDirectory = data }))
            {
                using var http = new HttpClient();
                http.DefaultRequestHeaders.Authorization = new("Bearer", "owner");
                Assert.Equal("null", await http.GetStringAsync(new Uri(again.Url, "cam.json")));
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
