namespace RemoteCam.Relay.Tests.Http;

/// <summary>Server values: <c>{".sv":"timestamp"}</c> and <c>{".sv":{"increment":n}}</c>.</summary>
public sealed class ServerValueTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private const string Timestamp = "{\".sv\":\"timestamp\"}";

    private static string Increment(string delta) => "{\".sv\":{\"increment\":" + delta + "}}";

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public async Task Timestamp_becomes_the_server_time_in_milliseconds()
    {
        var path = RelayFixture.NewPath();
        var before = Now();

        Assert.Equal(200, (await relay.PutAsync(path, Timestamp)).Status);

        var after = Now();
        var stored = (await relay.GetAsync(path)).Json.GetInt64();
        Assert.InRange(stored, before, after);
    }

    /// <summary>The SDKs' transactions send <c>{".value": timestamp, ".priority": timestamp}</c> (database-compat's transaction tests).</summary>
    [Fact]
    public async Task Timestamp_as_a_priority_becomes_the_server_time_too()
    {
        var path = RelayFixture.NewPath();
        var before = Now();

        Assert.Equal(200, (await relay.PutAsync(path, $$"""{".value":{{Timestamp}},".priority":{{Timestamp}}}""")).Status);
        Assert.Equal(200, (await relay.PutAsync(path + "2", $$"""{"a":1,".priority":{{Timestamp}}}""")).Status);

        var after = Now();
        var stored = (await relay.GetAsync(path, "format=export")).Json;
        Assert.InRange(stored.GetProperty(".value").GetInt64(), before, after);
        Assert.Equal(stored.GetProperty(".value").GetInt64(), stored.GetProperty(".priority").GetInt64());
        Assert.InRange((await relay.GetAsync(path + "2", "format=export")).Json.GetProperty(".priority").GetInt64(), before, after);
        JsonAssert.IsBadRequest(await relay.PutAsync(path, """{"a":1,".priority":{"x":1}}"""));
    }

    [Fact]
    public async Task Timestamp_inside_an_object_and_a_post()
    {
        var path = RelayFixture.NewPath();
        var before = Now();

        var post = await relay.PostAsync(path, "{\"text\":\"hi\",\"at\":" + Timestamp + "}");

        var after = Now();
        var name = post.Json.GetProperty("name").GetString()!;
        var stored = (await relay.GetAsync(path + "/" + name)).Json;
        Assert.Equal("hi", stored.GetProperty("text").GetString());
        Assert.InRange(stored.GetProperty("at").GetInt64(), before, after);
    }

    public static TheoryData<string?, string, string> Increments => new()
    {
        { null, "5", "5" },
        { "10", "5", "15" },
        { "10", "-3", "7" },
        { "1.5", "1", "2.5" },
        { "2", "0.25", "2.25" },
        { null, "0.5", "0.5" },
    };

    [Theory]
    [MemberData(nameof(Increments))]
    public async Task Increment_adds_to_the_stored_number(string? existing, string delta, string expected)
    {
        var path = RelayFixture.NewPath();
        if (existing is not null)
        {
            await relay.SetAsync(path, existing);
        }

        Assert.Equal(200, (await relay.PutAsync(path, Increment(delta))).Status);

        JsonAssert.Equal(expected, await relay.ReadAsync(path));
    }

    [Fact]
    public async Task Concurrent_increments_are_not_lost()
    {
        var path = RelayFixture.NewPath();

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => relay.PutAsync(path, Increment("1"))));

        Assert.All(responses, r => Assert.Equal(200, r.Status));
        JsonAssert.Equal("100", await relay.ReadAsync(path));
    }

    [Fact]
    public async Task Increment_nested_inside_an_object()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"stats\":{\"count\":41,\"name\":\"n\"}}");
        var before = Now();

        var put = await relay.PutAsync(path, "{\"stats\":{\"count\":" + Increment("1") + ",\"fresh\":" + Increment("2") + ",\"at\":" + Timestamp + "}}");

        var after = Now();
        Assert.Equal(200, put.Status);
        var stats = (await relay.GetAsync(path + "/stats")).Json;
        Assert.Equal(42, stats.GetProperty("count").GetDouble());
        Assert.Equal(2, stats.GetProperty("fresh").GetDouble());
        Assert.InRange(stats.GetProperty("at").GetInt64(), before, after);
        Assert.False(stats.TryGetProperty("name", out _), "PUT replaces the whole object");
    }

    [Fact]
    public async Task Increment_inside_patch_values()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"likes\":3,\"post\":{\"views\":10,\"title\":\"t\"}}");

        var patch = await relay.PatchAsync(path, "{\"likes\":" + Increment("2") + ",\"post/views\":" + Increment("1") + ",\"new\":" + Increment("7") + "}");

        Assert.Equal(200, patch.Status);
        JsonAssert.Equal("{\"likes\":5,\"post\":{\"views\":11,\"title\":\"t\"},\"new\":7}", await relay.ReadAsync(path));
    }

    [Theory]
    [InlineData("{\".sv\":\"bogus\"}")]
    [InlineData("{\".sv\":{\"decrement\":1}}")]
    [InlineData("{\".sv\":{\"increment\":\"one\"}}")]
    [InlineData("{\".sv\":42}")]
    [InlineData("{\"nested\":{\".sv\":\"now\"}}")]
    public async Task An_unknown_server_value_is_rejected_and_writes_nothing(string body)
    {
        var path = RelayFixture.NewPath();

        JsonAssert.IsBadRequest(await relay.PutAsync(path, body));
        JsonAssert.IsBadRequest(await relay.PatchAsync(path, "{\"x\":" + body + "}"));

        JsonAssert.Equal("null", await relay.ReadAsync(path));
    }
}
