using System.Net;
using System.Text.Json;

namespace RemoteCam.Firebase.Tests;

/// <summary>Server-Sent Events against a real relay (reference §2).</summary>
[Collection(RelayCollection.Name)]
public sealed class StreamingTests(RelayFixture relay)
{
    [Fact]
    public async Task Stream_starts_with_the_full_value_then_reports_writes_at_above_and_below_the_location()
    {
        FirebaseDatabaseClient db = relay.NewDatabase(FirebaseAuth.EmulatorOwner);
        await db.SetAsync("home/room", new { temp = 20, lights = new { main = true } });
        CancellationToken timeout = Json.Timeout();
        await using IAsyncEnumerator<DatabaseEvent> events = db.ListenAsync("home/room", timeout).GetAsyncEnumerator(timeout);

        PutEvent initial = await NextAsync<PutEvent>(events);
        await db.SetAsync("home/room/lights/main", false);
        PutEvent below = await NextAsync<PutEvent>(events);
        await db.SetAsync("home/room", new { temp = 21 });
        PutEvent at = await NextAsync<PutEvent>(events);
        await db.UpdateAsync("home/room", new { temp = 22, humidity = 40 });
        PatchEvent patch = await NextAsync<PatchEvent>(events);
        await db.SetAsync("home", new { room = new { temp = 5 }, other = 1 });
        PutEvent above = await NextAsync<PutEvent>(events);
        await db.DeleteAsync("home");
        PutEvent deleted = await NextAsync<PutEvent>(events);

        Assert.Equal("/", initial.Path);
        Json.Equal("""{"temp":20,"lights":{"main":true}}""", initial.Data);
        Assert.Equal("/lights/main", below.Path);
        Json.Equal("false", below.Data);
        Assert.Equal("/", at.Path);
        Json.Equal("""{"temp":21}""", at.Data);
        Assert.Equal("/", patch.Path);
        Json.Equal("""{"temp":22,"humidity":40}""", patch.Data);
        Assert.Equal("/", above.Path);
        Json.Equal("""{"temp":5}""", above.Data);
        Assert.Equal("/", deleted.Path);
        Assert.Equal(JsonValueKind.Null, deleted.Data.ValueKind);
    }

    [Fact]
    public async Task Writes_elsewhere_send_no_event()
    {
        FirebaseDatabaseClient db = relay.NewDatabase();
        CancellationToken timeout = Json.Timeout();
        await using IAsyncEnumerator<DatabaseEvent> events = db.ListenAsync("watched", timeout).GetAsyncEnumerator(timeout);

        PutEvent initial = await NextAsync<PutEvent>(events);
        await db.SetAsync("unrelated/x", 1);
        await db.SetAsync("watchedness", 1);
        await db.SetAsync("watched/x", 2);
        PutEvent next = await NextAsync<PutEvent>(events);

        Assert.Equal(JsonValueKind.Null, initial.Data.ValueKind);
        Assert.Equal("/x", next.Path);
        Json.Equal("2", next.Data);
    }

    [Fact]
    public async Task Streaming_an_invalid_path_is_a_400()
    {
        FirebaseDatabaseClient db = relay.NewDatabase();

        FirebaseException error = await Assert.ThrowsAsync<FirebaseException>(async () =>
        {
            await foreach (DatabaseEvent _ in db.ListenAsync("bad.path", Json.Timeout()))
            {
            }
        });

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(error.ServerMessage));
    }

    [Fact]
    public async Task Listener_cache_converges_to_the_server_value()
    {
        FirebaseDatabaseClient db = relay.NewDatabase();
        await db.SetAsync("state", new { a = 1, nested = new { b = 2, c = 3 } });
        await using DatabaseListener listener = db.StartListener("state");
        _ = await listener.WaitUntilAsync(v => Json.Same(v, """{"a":1,"nested":{"b":2,"c":3}}"""), Json.Timeout());

        await db.SetAsync("state/nested/b", 20);
        await db.UpdateAsync("state", new Dictionary<string, object?> { ["nested/c"] = null, ["d/e"] = "f", ["a"] = null });
        _ = await db.PushAsync("state/list", "first");
        await db.SetAsync("state/gone", new { x = 1 });
        await db.DeleteAsync("state/gone/x");
        await db.UpdateAsync("/", new Dictionary<string, object?> { ["state/z"] = true, ["elsewhere"] = 1 });
        JsonElement server = await db.GetAsync("state");

        JsonElement local = await listener.WaitUntilAsync(v => Json.Same(v, server.GetRawText()), Json.Timeout());
        Json.Equal(server.GetRawText(), local);
        Assert.Equal(1, listener.ConnectionCount);
    }

    [Fact]
    public async Task A_throwing_handler_does_not_stop_the_listener()
    {
        FirebaseDatabaseClient db = relay.NewDatabase();
        await using DatabaseListener listener = db.StartListener("n");
        listener.Changed += _ => throw new InvalidOperationException("handler bug");

        await db.SetAsync("n", 1);
        await db.SetAsync("n", 2);

        _ = await listener.WaitUntilAsync(v => v.ValueKind == JsonValueKind.Number && v.GetInt32() == 2, Json.Timeout());
        Assert.Equal("handler bug", Assert.IsType<InvalidOperationException>(listener.LastError).Message);
    }

    /// <summary>Returns the next event that is not a keep-alive, which must be a <typeparamref name="T"/>.</summary>
    private static async Task<T> NextAsync<T>(IAsyncEnumerator<DatabaseEvent> events)
        where T : DatabaseEvent
    {
        while (await events.MoveNextAsync())
        {
            if (events.Current is not KeepAliveEvent)
            {
                return Assert.IsType<T>(events.Current);
            }
        }

        throw new InvalidOperationException("The stream ended.");
    }
}
