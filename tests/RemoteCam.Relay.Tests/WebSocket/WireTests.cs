using System.Net.WebSockets;
using System.Text.Json.Nodes;

using RemoteCam.Relay.Data;
using RemoteCam.Relay.Engine;

namespace RemoteCam.Relay.Tests.WebSocket;

/// <summary>The relay's <c>/.ws</c> wire as a bare WebSocket sees it: what the SDKs do not show.</summary>
public sealed class WireTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private Uri Url => relay.Relay.Url;

    [Fact]
    public async Task The_handshake_names_the_host_the_client_used_the_time_and_a_new_session()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var (a, hello) = await WireClient.OpenAsync(Url, "wire");
        var (b, other) = await WireClient.OpenAsync(new UriBuilder(Url) { Host = "localhost" }.Uri, "wire");
        await using (a)
        await using (b)
        {
            Assert.Equal($"127.0.0.1:{Url.Port}", hello["h"]!.GetValue<string>());
            Assert.Equal($"localhost:{Url.Port}", other["h"]!.GetValue<string>());
            Assert.Equal("5", hello["v"]!.GetValue<string>());
            Assert.InRange(hello["ts"]!.GetValue<long>(), before - 1000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000);
            Assert.Equal(32, hello["s"]!.GetValue<string>().Length);
            Assert.NotEqual(hello["s"]!.GetValue<string>(), other["s"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_long_message_comes_as_a_count_then_pieces_of_at_most_16384_characters_and_may_be_sent_so()
    {
        var path = RelayFixture.NewPath();
        var text = new string('a', 40_000) + "é😀" + new string('b', 20_000); // the emoji is far from a piece boundary
        var (client, _) = await WireClient.OpenAsync(Url, "remotecam");
        await using (client)
        {
            // Client → relay: the same framing, split by the test.
            var put = $$$$"""{"t":"d","d":{"r":1,"a":"p","b":{"p":"/{{{{path}}}}","d":"{{{{text}}}}"}}}""";
            var pieces = Enumerable.Range(0, (put.Length + 16383) / 16384).Select(i => put.Substring(i * 16384, Math.Min(16384, put.Length - (i * 16384)))).ToList();
            await client.SendAsync(pieces.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var piece in pieces)
            {
                await client.SendAsync(piece);
            }

            Assert.Equal("ok", (await client.ResponseAsync(1)).Response["s"]!.GetValue<string>());
            Assert.True(System.Text.Json.JsonSerializer.Deserialize<string>(await relay.ReadAsync(path)) == text, "the value read over REST is the one sent in pieces");

            // Relay → client: a listen's data, as frames.
            await client.RequestAsync("q", $$$$"""{"p":"/{{{{path}}}}","h":""}""");
            var count = await client.ReceiveFrameAsync();
            Assert.True(int.TryParse(count, out var n) && n >= 4, $"expected a frame count, got {count?[..Math.Min(40, count.Length)]}");
            var joined = "";
            for (var i = 0; i < n; i++)
            {
                var frame = await client.ReceiveFrameAsync();
                Assert.InRange(frame!.Length, 1, 16384);
                joined += frame;
            }

            var data = JsonNode.Parse(joined)!["d"]!;
            Assert.Equal("d", data["a"]!.GetValue<string>());
            Assert.Equal(path, data["b"]!["p"]!.GetValue<string>());
            Assert.True(data["b"]!["d"]!.GetValue<string>() == text, "the joined pieces hold the value");
        }
    }

    [Fact]
    public async Task A_ping_is_answered_with_a_pong_and_the_keep_alive_0_gets_no_answer()
    {
        var (client, _) = await WireClient.OpenAsync(Url, "wire");
        await using (client)
        {
            await client.SendAsync("0");
            await client.SendAsync("""{"t":"c","d":{"t":"p","d":{}}}""");
            JsonAssert.Equal("""{"t":"c","d":{"t":"o","d":{}}}""", await client.ReceiveMessageAsync());
            await client.SendAsync("0");
            var r = await client.RequestAsync("s", """{"c":{"sdk.test":1}}""");
            JsonAssert.Equal($$$$"""{"t":"d","d":{"r":{{{{r}}}},"b":{"s":"ok","d":""}}}""", await client.ReceiveMessageAsync());
        }
    }

    [Fact]
    public async Task A_listen_gets_its_data_before_ok_and_a_write_reaches_the_writers_listen_before_its_ack()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, """{"a":1}""");
        var (client, _) = await WireClient.OpenAsync(Url, "remotecam");
        await using (client)
        {
            var (ok, pushes) = await client.ResponseAsync(await client.RequestAsync("q", $$$$"""{"p":"/{{{{path}}}}","h":""}"""));
            JsonAssert.Equal("""{"s":"ok","d":{}}""", ok.ToJsonString());
            JsonAssert.Equal($$$$$"""[{"t":"d","d":{"a":"d","b":{"p":"{{{{{path}}}}}","d":{"a":1}}}}]""", new JsonArray([.. pushes]).ToJsonString());

            var (ack, heard) = await client.ResponseAsync(await client.RequestAsync("m", $$$$"""{"p":"/{{{{path}}}}","d":{"b/c":2,"a":null}}"""));
            Assert.Equal("ok", ack["s"]!.GetValue<string>());
            JsonAssert.Equal($$$$$"""[{"t":"d","d":{"a":"m","b":{"p":"{{{{{path}}}}}","d":{"b/c":2,"a":null}}}}]""", new JsonArray([.. heard]).ToJsonString());
        }
    }

    [Fact]
    public async Task A_transaction_put_with_a_stale_hash_is_datastale_and_with_the_current_hash_commits()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "5");
        var (client, _) = await WireClient.OpenAsync(Url, "remotecam");
        await using (client)
        {
            var current = FirebaseHash.Of(LeafNode.Of(5));
            var stale = FirebaseHash.Of(LeafNode.Of(4));
            var refused = await client.CallAsync("p", $$$$"""{"p":"/{{{{path}}}}","d":6,"h":"{{{{stale}}}}"}""");
            Assert.Equal("datastale", refused["s"]!.GetValue<string>());
            Assert.Equal("5", await relay.ReadAsync(path));
            var done = await client.CallAsync("p", $$$$"""{"p":"/{{{{path}}}}","d":6,"h":"{{{{current}}}}"}""");
            Assert.Equal("ok", done["s"]!.GetValue<string>());
            Assert.Equal("6", await relay.ReadAsync(path));
            var onEmpty = await client.CallAsync("p", $$$$"""{"p":"/{{{{path}}}}/new","d":1,"h":""}""");
            Assert.Equal("ok", onEmpty["s"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_tagged_query_listen_gets_its_window_tagged_and_only_changes_of_the_window()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, """{"a":{"s":1},"b":{"s":2},"c":{"s":3}}""");
        var (client, _) = await WireClient.OpenAsync(Url, "remotecam");
        await using (client)
        {
            var (_, first) = await client.ResponseAsync(await client.RequestAsync("q", $$$$"""{"p":"/{{{{path}}}}","h":"","q":{"i":"s","l":2,"vf":"r"},"t":7}"""));
            JsonAssert.Equal($$$$"""{"a":"d","b":{"p":"{{{{path}}}}","d":{"b":{"s":2},"c":{"s":3}},"t":7}}""", first.Single()["d"]!.ToJsonString());
            await relay.SetAsync($"{path}/a/x", "1"); // outside the window: nothing is sent
            await relay.SetAsync($"{path}/a/s", "9"); // a moves into it
            var next = JsonNode.Parse(await client.ReceiveMessageAsync())!;
            JsonAssert.Equal($$$$"""{"a":"d","b":{"p":"{{{{path}}}}","d":{"a":{"s":9,"x":1},"c":{"s":3}},"t":7}}""", next["d"]!.ToJsonString());
        }
    }

    [Fact]
    public async Task An_unknown_action_is_refused_in_words_and_the_connection_stays_open()
    {
        var (client, _) = await WireClient.OpenAsync(Url, "wire");
        await using (client)
        {
            var refused = await client.CallAsync("zz", "{}");
            JsonAssert.Equal("""{"s":"invalid_action","d":"Unknown action \"zz\"."}""", refused.ToJsonString());
            var badPath = await client.CallAsync("p", """{"p":"/a.b","d":1}""");
            Assert.Equal("invalid_data", badPath["s"]!.GetValue<string>());
            Assert.Equal("ok", (await client.CallAsync("s", "{}"))["s"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("not json", WebSocketCloseStatus.ProtocolError)]
    [InlineData("""{"t":"x","d":{}}""", WebSocketCloseStatus.ProtocolError)]
    [InlineData("""[1,2]""", WebSocketCloseStatus.ProtocolError)]
    public async Task A_message_outside_the_protocol_gets_an_error_message_and_the_connection_is_closed(string frame, WebSocketCloseStatus status)
    {
        var (client, _) = await WireClient.OpenAsync(Url, "wire");
        await using (client)
        {
            await client.SendAsync(frame);
            var error = JsonNode.Parse(await client.ReceiveMessageAsync())!;
            Assert.Equal("e", error["d"]!["t"]!.GetValue<string>());
            Assert.StartsWith("Invalid message", error["d"]!["d"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Null(await client.ReceiveFrameAsync());
            Assert.Equal(status, client.CloseStatus);
        }
    }

    [Fact]
    public async Task A_binary_frame_closes_the_connection_as_unsupported()
    {
        var (client, _) = await WireClient.OpenAsync(Url, "wire");
        await using (client)
        {
            await client.SendBinaryAsync([1, 2, 3]);
            Assert.NotNull(await client.ReceiveFrameAsync()); // the error message
            Assert.Null(await client.ReceiveFrameAsync());
            Assert.Equal(WebSocketCloseStatus.InvalidMessageType, client.CloseStatus);
        }
    }

    [Fact]
    public async Task A_reconnect_naming_its_previous_session_runs_that_sessions_onDisconnect_before_the_handshake()
    {
        var path = RelayFixture.NewPath();
        var (old, hello) = await WireClient.OpenAsync(Url, "remotecam");
        await using (old)
        {
            Assert.Equal("ok", (await old.CallAsync("o", $$$$"""{"p":"/{{{{path}}}}","d":{"state":"offline","at":{".sv":"timestamp"}}}"""))["s"]!.GetValue<string>());
            Assert.Equal("null", await relay.ReadAsync(path));
            var (next, _) = await WireClient.OpenAsync(Url, "remotecam", "&ls=" + hello["s"]!.GetValue<string>());
            await using (next)
            {
                var value = JsonNode.Parse(await relay.ReadAsync(path))!;
                Assert.Equal("offline", value["state"]!.GetValue<string>());
                Assert.True(value["at"]!.GetValue<double>() > 0);
                Assert.True(await old.IsClosedAsync(), "the old session was ended");
            }
        }
    }

    [Fact]
    public async Task OnDisconnect_cancel_drops_the_operations_at_the_location_and_below_it()
    {
        var path = RelayFixture.NewPath();
        var (client, _) = await WireClient.OpenAsync(Url, "remotecam");
        await using (client)
        {
            Assert.Equal("ok", (await client.CallAsync("o", $$$$"""{"p":"/{{{{path}}}}/a/b","d":1}"""))["s"]!.GetValue<string>());
            Assert.Equal("ok", (await client.CallAsync("om", $$$$"""{"p":"/{{{{path}}}}/c","d":{"x":1}}"""))["s"]!.GetValue<string>());
            Assert.Equal("ok", (await client.CallAsync("oc", $$$$"""{"p":"/{{{{path}}}}/a","d":null}"""))["s"]!.GetValue<string>());
        }

        JsonAssert.Equal("""{"c":{"x":1}}""", await Eventually(() => relay.ReadAsync(path), v => v != "null"));
    }

    private static async Task<string> Eventually(Func<Task<string>> read, Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}
