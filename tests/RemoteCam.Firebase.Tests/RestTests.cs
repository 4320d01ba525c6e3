using System.Net;
using System.Text.Json;

namespace RemoteCam.Firebase.Tests;

/// <summary>REST operations against a real relay over HTTP (reference §1).</summary>
[Collection(RelayCollection.Name)]
public sealed class RestTests(RelayFixture relay)
{
    private sealed record Camera(string Name, int Width, bool Online);

    [Fact]
    public async Task Set_get_update_delete_round_trip()
    {
        FirebaseDatabaseClient db = relay.NewDatabase();

        await db.SetAsync("cameras/front", new Camera("Front door", 1280, true));
        Camera? read = await db.GetAsync<Camera>("cameras/front");
        await db.UpdateAsync("cameras/front", new Dictionary<string, object?> { ["online"] = false, ["width"] = null });
        JsonElement updated = await db.GetAsync("cameras/front");
        await db.DeleteAsync("cameras/front");

        Assert.Equal(new Camera("Front door", 1280, true), read);
        Json.Equal("""{"name":"Front door","online":false}""", updated);
        Assert.Equal(JsonValueKind.Null, (await db.GetAsync("cameras")).ValueKind);
        Assert.Equal("null", await db.GetJsonAsync("cameras/front"));
    }

    [Fact]
    public async Task Keys_with_spaces_and_unicode_round_trip()
    {
        FirebaseDatabaseClient db = relay.NewDatabase();

        await db.SetAsync("rooms/living room/ünïcødé 📷/+&=?", 1);

        Json.Equal("""{"living room":{"ünïcødé 📷":{"+&=?":1}}}""", await db.GetAsync("rooms"));
    }

    [Fact]
    public async Task Pushed_keys_increase_and_hold_the_values()
    {
        FirebaseDatabaseClient db = relay.NewDatabase();

        var keys = new List<string>();
        for (int i = 0; i < 25; i++)
        {
            keys.Add(await db.PushAsync("log", new { i }));
        }

        Assert.All(keys, key => Assert.Equal(20, key.Length));
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Equal(keys.Count, keys.Distinct().Count());
        JsonElement log = await db.GetAsync("log");
        Assert.Equal(keys, log.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(7, log.GetProperty(keys[7]).GetProperty("i").GetInt32());
    }

    [Fact]
    public async Task Multi_path_update_replaces_only_the_named_children()
    {
        FirebaseDatabaseClient db = relay.NewDatabase();
        await db.SetAsync("/", Json.Parse("""{"users":{"ada":{"name":"A","age":36,"tags":{"x":1}},"bob":{"name":"B"}},"keep":true}"""));

        await db.UpdateAsync("/", new Dictionary<string, object?>
        {
            ["users/ada/name"] = "Ada",
            ["users/ada/tags"] = new { y = 2 },
            ["users/bob"] = null,
            ["users/cy/name"] = "Cy",
        });

        Json.Equal(
            """{"users":{"ada":{"name":"Ada","age":36,"tags":{"y":2}},"cy":{"name":"Cy"}},"keep":true}""",
            await db.GetAsync("/"));
    }

    [Fact]
    public async Task Silent_writes_still_write()
    {
        FirebaseDatabaseClient db = relay.NewDatabase(options: new FirebaseDatabaseClientOptions { SilentWrites = true });

        await db.SetAsync("a", new { b = 1 });
        await db.UpdateAsync("a", new { c = 2 });

        Json.Equal("""{"b":1,"c":2}""", await db.GetAsync("a"));
    }

    [Fact]
    public async Task Owner_bearer_token_is_accepted()
    {
        FirebaseDatabaseClient db = relay.NewDatabase(FirebaseAuth.EmulatorOwner);

        await db.SetAsync("x", "y");

        Assert.Equal("y", await db.GetAsync<string>("x"));
    }

    [Fact]
    public async Task Query_parameter_token_is_fetched_for_every_request_and_stream()
    {
        int fetched = 0;
        FirebaseDatabaseClient db = relay.NewDatabase(FirebaseAuth.IdToken(cancellationToken =>
        {
            _ = Interlocked.Increment(ref fetched);
            return ValueTask.FromResult<string?>("owner");
        }));

        await db.SetAsync("x", 1);
        Assert.Equal(1, await db.GetAsync<int>("x"));
        await foreach (DatabaseEvent e in db.ListenAsync("x", Json.Timeout()))
        {
            Json.Equal("1", Assert.IsType<PutEvent>(e).Data);
            break;
        }

        Assert.Equal(3, fetched);
    }

    [Fact]
    public async Task Queries_filter_order_and_limit()
    {
        FirebaseDatabaseClient db = relay.NewDatabase();
        await db.SetAsync("dinos", Json.Parse("""
            {"bruhathkayosaurus":{"height":25},"lambeosaurus":{"height":2.1},"linhenykus":{"height":0.6},
             "pterodactyl":{"height":0.6},"stegosaurus":{"height":4},"triceratops":{"height":3}}
            """));

        JsonElement firstTwoKeys = await db.GetAsync("dinos", new QueryOptions { OrderBy = QueryOptions.Key, LimitToFirst = 2 });
        JsonElement keyRange = await db.GetAsync("dinos", new QueryOptions { OrderBy = QueryOptions.Key, StartAt = "l", EndAt = "p\uf8ff" });
        JsonElement tall = await db.GetAsync("dinos", new QueryOptions { OrderBy = "height", StartAt = 3 });
        JsonElement shortest = await db.GetAsync("dinos", new QueryOptions { OrderBy = "height", LimitToFirst = 2 });
        JsonElement exactly = await db.GetAsync("dinos", new QueryOptions { OrderBy = "height", EqualTo = 0.6 });
        JsonElement between = await db.GetAsync("dinos", new QueryOptions { OrderBy = "height", StartAfter = 0.6, EndBefore = 4 });
        JsonElement lastByKey = await db.GetAsync("dinos", new QueryOptions { OrderBy = QueryOptions.Key, LimitToLast = 1 });
        JsonElement shallow = await db.GetAsync("dinos", new QueryOptions { Shallow = true });

        Assert.Equal(["bruhathkayosaurus", "lambeosaurus"], Keys(firstTwoKeys));
        Assert.Equal(["lambeosaurus", "linhenykus", "pterodactyl"], Keys(keyRange));
        Assert.Equal(["bruhathkayosaurus", "stegosaurus", "triceratops"], Keys(tall));
        Assert.Equal(["linhenykus", "pterodactyl"], Keys(shortest));
        Assert.Equal(["linhenykus", "pterodactyl"], Keys(exactly));
        Assert.Equal(["lambeosaurus", "triceratops"], Keys(between));
        Assert.Equal(["triceratops"], Keys(lastByKey));
        Json.Equal(
            """{"bruhathkayosaurus":true,"lambeosaurus":true,"linhenykus":true,"pterodactyl":true,"stegosaurus":true,"triceratops":true}""",
            shallow);
    }

    [Fact]
    public async Task Conditional_write_succeeds_with_the_current_etag_and_reports_412_otherwise()
    {
        FirebaseDatabaseClient db = relay.NewDatabase();
        await db.SetAsync("counter", 1);

        ETaggedValue read = await db.GetWithETagAsync("counter");
        ConditionalWriteResult first = await db.SetIfMatchAsync("counter", 2, read.ETag);
        ConditionalWriteResult stale = await db.SetIfMatchAsync("counter", 99, read.ETag);
        ETaggedValue after = await db.GetWithETagAsync("counter");

        Assert.Equal(1, read.Value.GetInt32());
        Assert.True(first.Succeeded);
        Assert.Equal(2, first.Value.GetInt32());
        Assert.NotEqual(read.ETag, first.ETag);
        Assert.False(stale.Succeeded);
        Assert.Equal(2, stale.Value.GetInt32());
        Assert.Equal(first.ETag, stale.ETag);
        Assert.Equal(2, after.Value.GetInt32());
        Assert.Equal(first.ETag, after.ETag);
    }

    [Fact]
    public async Task Conditional_write_can_create_and_delete()
    {
        FirebaseDatabaseClient db = relay.NewDatabase();

        ETaggedValue empty = await db.GetWithETagAsync("lock");
        ConditionalWriteResult created = await db.SetIfMatchAsync("lock", "me", empty.ETag);
        ConditionalWriteResult staleDelete = await db.DeleteIfMatchAsync("lock", empty.ETag);
        ConditionalWriteResult deleted = await db.DeleteIfMatchAsync("lock", created.ETag);

        Assert.Equal(JsonValueKind.Null, empty.Value.ValueKind);
        Assert.True(created.Succeeded);
        Assert.False(staleDelete.Succeeded);
        Assert.Equal("me", staleDelete.Value.GetString());
        Assert.True(deleted.Succeeded);
        Assert.Equal(JsonValueKind.Null, (await db.GetAsync("lock")).ValueKind);
    }

    [Theory]
    [InlineData("bad.key")]
    [InlineData("a/b$c")]
    [InlineData("a/[0]")]
    [InlineData("a/#b")]
    public async Task Invalid_path_is_a_400_with_the_servers_message(string path)
    {
        FirebaseDatabaseClient db = relay.NewDatabase();

        FirebaseException error = await Assert.ThrowsAsync<FirebaseException>(() => db.SetAsync(path, 1));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(error.ServerMessage));
    }

    [Fact]
    public async Task Shallow_mixed_with_other_parameters_is_a_400()
    {
        FirebaseDatabaseClient db = relay.NewDatabase();

        FirebaseException error = await Assert.ThrowsAsync<FirebaseException>(
            () => db.GetAsync("a", new QueryOptions { Shallow = true, OrderBy = QueryOptions.Key }));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(error.ServerMessage));
    }

    private static string[] Keys(JsonElement result) =>
        [.. result.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
}
