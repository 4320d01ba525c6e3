namespace RemoteCam.Relay.Tests.Http;

/// <summary>
/// Streaming (<c>Accept: text/event-stream</c>): the first put, then put/patch events for writes
/// at, above and below the listened location. No sleeps: every wait is for an event, bounded.
/// </summary>
public sealed class StreamingTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task The_first_event_of_an_empty_location_is_put_root_null()
    {
        await using var stream = await relay.ListenAsync(RelayFixture.NewPath());

        await stream.ExpectAsync("put", "/", "null");
    }

    [Fact]
    public async Task The_first_event_is_the_current_value()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1,\"b\":{\"c\":[1,2]}}");

        await using var stream = await relay.ListenAsync(path);

        await stream.ExpectAsync("put", "/", "{\"a\":1,\"b\":{\"c\":[1,2]}}");
    }

    [Fact]
    public async Task The_stream_is_served_as_uncached_event_stream()
    {
        await using var stream = await relay.ListenAsync(RelayFixture.NewPath());

        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(stream.Response.Headers.CacheControl?.NoCache, "event stream should be Cache-Control: no-cache");
        Assert.Equal("*", stream.Response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task A_write_at_the_listened_location_is_a_put_root()
    {
        var path = RelayFixture.NewPath();
        await using var stream = await relay.ListenAsync(path);
        await stream.ExpectAsync("put", "/", "null");

        await relay.SetAsync(path, "{\"x\":1}");
        await stream.ExpectAsync("put", "/", "{\"x\":1}");

        await relay.SetAsync(path, "\"now a string\"");
        await stream.ExpectAsync("put", "/", "\"now a string\"");
    }

    [Fact]
    public async Task A_write_below_is_a_put_at_the_relative_path()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"keep\":true}");
        await using var stream = await relay.ListenAsync(path);
        await stream.ExpectAsync("put", "/", "{\"keep\":true}");

        await relay.SetAsync(path + "/a/b", "{\"c\":3}");

        await stream.ExpectAsync("put", "/a/b", "{\"c\":3}");
        Assert.True(stream.Cache.Matches("{\"keep\":true,\"a\":{\"b\":{\"c\":3}}}"), stream.Cache.ToString());
    }

    [Fact]
    public async Task A_write_above_that_changes_the_location_is_a_put_root_with_its_new_value()
    {
        var parent = RelayFixture.NewPath();
        var path = parent + "/child";
        await relay.SetAsync(path, "{\"old\":1}");
        await using var stream = await relay.ListenAsync(path);
        await stream.ExpectAsync("put", "/", "{\"old\":1}");

        await relay.SetAsync(parent, "{\"child\":{\"new\":2},\"sibling\":3}");

        await stream.ExpectAsync("put", "/", "{\"new\":2}");
    }

    [Fact]
    public async Task A_write_above_that_leaves_the_location_unchanged_keeps_the_copy_correct()
    {
        var parent = RelayFixture.NewPath();
        var path = parent + "/child";
        await relay.SetAsync(parent, "{\"child\":{\"v\":1},\"sibling\":1}");
        await using var stream = await relay.ListenAsync(path);
        await stream.ExpectAsync("put", "/", "{\"v\":1}");

        await relay.SetAsync(parent, "{\"child\":{\"v\":1},\"sibling\":2}");
        await relay.SetAsync(path + "/v", "2");

        await stream.ConvergesToAsync("{\"v\":2}");
    }

    [Fact]
    public async Task A_patch_at_the_location_is_a_patch_root_with_the_updated_keys()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1,\"b\":2}");
        await using var stream = await relay.ListenAsync(path);
        await stream.ExpectAsync("put", "/", "{\"a\":1,\"b\":2}");

        Assert.Equal(200, (await relay.PatchAsync(path, "{\"b\":3,\"c\":{\"d\":4}}")).Status);

        await stream.ExpectAsync("patch", "/", "{\"b\":3,\"c\":{\"d\":4}}");
        Assert.True(stream.Cache.Matches("{\"a\":1,\"b\":3,\"c\":{\"d\":4}}"), stream.Cache.ToString());
    }

    [Fact]
    public async Task A_patch_below_is_a_patch_at_the_relative_path()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"users\":{\"alan\":{\"name\":\"Alan\"}}}");
        await using var stream = await relay.ListenAsync(path);
        await stream.ExpectAsync("put", "/", "{\"users\":{\"alan\":{\"name\":\"Alan\"}}}");

        Assert.Equal(200, (await relay.PatchAsync(path + "/users/alan", "{\"nickname\":\"Alan The Machine\"}")).Status);

        await stream.ExpectAsync("patch", "/users/alan", "{\"nickname\":\"Alan The Machine\"}");
        Assert.True(stream.Cache.Matches("{\"users\":{\"alan\":{\"name\":\"Alan\",\"nickname\":\"Alan The Machine\"}}}"), stream.Cache.ToString());
    }

    [Fact]
    public async Task A_multi_path_patch_converges()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":{\"x\":1},\"b\":{\"y\":2}}");
        await using var stream = await relay.ListenAsync(path);
        await stream.ExpectAsync("put", "/", "{\"a\":{\"x\":1},\"b\":{\"y\":2}}");

        Assert.Equal(200, (await relay.PatchAsync(path, "{\"a/x\":10,\"b/z\":3,\"c\":null}")).Status);

        await stream.ConvergesToAsync("{\"a\":{\"x\":10},\"b\":{\"y\":2,\"z\":3}}");
    }

    [Fact]
    public async Task A_patch_above_converges()
    {
        var parent = RelayFixture.NewPath();
        var path = parent + "/child";
        await relay.SetAsync(parent, "{\"child\":{\"a\":1,\"b\":2},\"other\":0}");
        await using var stream = await relay.ListenAsync(path);
        await stream.ExpectAsync("put", "/", "{\"a\":1,\"b\":2}");

        Assert.Equal(200, (await relay.PatchAsync(parent, "{\"child/b\":20,\"other\":1}")).Status);
        await stream.ConvergesToAsync("{\"a\":1,\"b\":20}");

        Assert.Equal(200, (await relay.PatchAsync(parent, "{\"child\":{\"only\":true}}")).Status);
        await stream.ConvergesToAsync("{\"only\":true}");
    }

    [Fact]
    public async Task Deleting_the_location_is_a_put_root_null()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1}");
        await using var stream = await relay.ListenAsync(path);
        await stream.ExpectAsync("put", "/", "{\"a\":1}");

        Assert.Equal(200, (await relay.DeleteAsync(path)).Status);

        await stream.ExpectAsync("put", "/", "null");
    }

    [Fact]
    public async Task Deleting_a_parent_empties_the_copy()
    {
        var parent = RelayFixture.NewPath();
        await relay.SetAsync(parent + "/child", "{\"a\":1}");
        await using var stream = await relay.ListenAsync(parent + "/child");
        await stream.ExpectAsync("put", "/", "{\"a\":1}");

        Assert.Equal(200, (await relay.DeleteAsync(parent)).Status);

        await stream.ExpectAsync("put", "/", "null");
    }

    [Fact]
    public async Task Writes_elsewhere_are_not_delivered()
    {
        var parent = RelayFixture.NewPath();
        var path = parent + "/watched";
        await using var stream = await relay.ListenAsync(path);
        await stream.ExpectAsync("put", "/", "null");

        await relay.SetAsync(parent + "/sibling", "1");
        await relay.SetAsync(parent + "/watchedness", "2");
        await relay.SetAsync(RelayFixture.NewPath(), "3");
        Assert.Equal(200, (await relay.PatchAsync(parent, "{\"sibling\":4,\"other/deep\":5}")).Status);
        Assert.Equal(200, (await relay.PutAsync(path, "\"same db, other ns\"", "ns=elsewhere")).Status);
        // The relay applies writes in order, so the marker is the next event if nothing else was sent.
        await relay.SetAsync(path, "\"marker\"");

        await stream.ExpectAsync("put", "/", "\"marker\"");
    }

    [Fact]
    public async Task Every_stream_on_a_path_gets_every_event()
    {
        var path = RelayFixture.NewPath();
        var streams = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => relay.ListenAsync(path)));
        try
        {
            foreach (var stream in streams)
            {
                await stream.ExpectAsync("put", "/", "null");
            }

            for (var i = 0; i < 10; i++)
            {
                await relay.SetAsync(path + "/n", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            foreach (var stream in streams)
            {
                for (var i = 0; i < 10; i++)
                {
                    await stream.ExpectAsync("put", "/n", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Streams_at_different_depths_each_see_the_write_relative_to_them()
    {
        var root = RelayFixture.NewPath();
        await using var top = await relay.ListenAsync(root);
        await using var middle = await relay.ListenAsync(root + "/a");
        await using var bottom = await relay.ListenAsync(root + "/a/b");
        await top.ExpectAsync("put", "/", "null");
        await middle.ExpectAsync("put", "/", "null");
        await bottom.ExpectAsync("put", "/", "null");

        await relay.SetAsync(root + "/a", "{\"b\":{\"c\":1}}");

        await top.ExpectAsync("put", "/a", "{\"b\":{\"c\":1}}");
        await middle.ExpectAsync("put", "/", "{\"b\":{\"c\":1}}");
        await bottom.ExpectAsync("put", "/", "{\"c\":1}");
    }

    [Fact]
    public async Task Server_values_reach_streams_resolved()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"count\":1}");
        await using var stream = await relay.ListenAsync(path);
        await stream.ExpectAsync("put", "/", "{\"count\":1}");

        Assert.Equal(200, (await relay.PatchAsync(path, "{\"count\":{\".sv\":{\"increment\":2}}}")).Status);

        await stream.ConvergesToAsync("{\"count\":3}");
    }

    [Fact]
    public async Task Format_export_streams_carry_priorities()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":{\".value\":1,\".priority\":5},\".priority\":\"top\"}");
        await using var stream = await relay.ListenAsync(path, "format=export");
        await using var plain = await relay.ListenAsync(path);

        await stream.ExpectAsync("put", "/", "{\"a\":{\".value\":1,\".priority\":5},\".priority\":\"top\"}");
        await plain.ExpectAsync("put", "/", "{\"a\":1}");

        await relay.SetAsync(path + "/b", "{\"c\":2,\".priority\":7}");

        await stream.ExpectAsync("put", "/b", "{\"c\":2,\".priority\":7}");
        await plain.ExpectAsync("put", "/b", "{\"c\":2}");
    }

    [Fact]
    public async Task Streams_are_per_namespace()
    {
        var path = RelayFixture.NewPath();
        await using var stream = await relay.ListenAsync(path, "ns=stream-ns");
        await stream.ExpectAsync("put", "/", "null");

        await relay.SetAsync(path, "\"default ns\"");
        Assert.Equal(200, (await relay.PutAsync(path, "\"stream ns\"", "ns=stream-ns")).Status);

        await stream.ExpectAsync("put", "/", "\"stream ns\"");
    }

    [Theory]
    [InlineData("bad.key", "")]
    [InlineData("ok", "bogus=1")]
    [InlineData("ok", "ns=bad_ns")]
    [InlineData("ok/.priority", "")]
    public async Task An_invalid_stream_request_is_a_json_400(string key, string query)
    {
        var response = await relay.GetAsync(RelayFixture.NewPath() + "/" + key, query, ("Accept", "text/event-stream"));

        JsonAssert.IsBadRequest(response);
    }

    [Fact]
    public async Task The_owner_token_may_stream()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "1");

        await using var stream = await relay.ListenAsync(path, "auth=owner");

        await stream.ExpectAsync("put", "/", "1");
    }

    [Fact]
    public async Task A_stream_stays_usable_while_another_client_disconnects()
    {
        var path = RelayFixture.NewPath();
        await using var survivor = await relay.ListenAsync(path);
        await survivor.ExpectAsync("put", "/", "null");
        var leaver = await relay.ListenAsync(path);
        await leaver.ExpectAsync("put", "/", "null");

        await leaver.DisposeAsync();
        for (var i = 0; i < 20; i++)
        {
            await relay.SetAsync(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        for (var i = 0; i < 20; i++)
        {
            await survivor.ExpectAsync("put", "/", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
