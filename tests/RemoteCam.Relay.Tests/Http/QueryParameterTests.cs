namespace RemoteCam.Relay.Tests.Http;

/// <summary>The documented query parameters: print, shallow, format, timeout, writeSizeLimit, and priorities.</summary>
public sealed class QueryParameterTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private const string Sample = "{\"a\":{\"b\":1,\"c\":\"two\"},\"d\":true}";

    public static TheoryData<string> AllMethods => new() { "GET", "PUT", "POST", "PATCH", "DELETE" };

    public static TheoryData<string> SilentMethods => new() { "GET", "PUT", "POST", "PATCH" };

    [Theory]
    [MemberData(nameof(AllMethods))]
    public async Task Print_pretty_indents_the_answer(string method)
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, Sample);
        var body = method switch
        {
            "PUT" => Sample,
            "POST" => Sample,
            "PATCH" => "{\"x\":{\"y\":1}}",
            _ => null,
        };

        var response = await relay.SendAsync(method, path, body, "print=pretty");

        Assert.Equal(200, response.Status);
        switch (method)
        {
            case "GET":
            case "PUT":
                JsonAssert.Equal(Sample, response.Body);
                Assert.Contains("\n  ", response.Body, StringComparison.Ordinal);
                break;
            case "POST":
                Assert.Equal(20, response.Json.GetProperty("name").GetString()!.Length);
                Assert.Contains("\n  ", response.Body, StringComparison.Ordinal);
                break;
            case "PATCH":
                JsonAssert.Equal("{\"x\":{\"y\":1}}", response.Body);
                Assert.Contains("\n  ", response.Body, StringComparison.Ordinal);
                break;
            case "DELETE":
                JsonAssert.Equal("null", response.Body);
                break;
        }
    }

    [Fact]
    public async Task Without_print_pretty_the_answer_is_compact()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, Sample);

        var body = await relay.ReadAsync(path);

        Assert.DoesNotContain("\n", body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SilentMethods))]
    public async Task Print_silent_answers_204_with_no_body_and_still_writes(string method)
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1}");
        var body = method switch
        {
            "PUT" => "{\"b\":2}",
            "POST" => "{\"b\":2}",
            "PATCH" => "{\"b\":2}",
            _ => null,
        };

        var response = await relay.SendAsync(method, path, body, "print=silent");

        Assert.Equal(204, response.Status);
        Assert.Empty(response.Bytes);
        var stored = (await relay.GetAsync(path)).Json;
        switch (method)
        {
            case "GET":
                JsonAssert.Equal("{\"a\":1}", stored);
                break;
            case "PUT":
                JsonAssert.Equal("{\"b\":2}", stored);
                break;
            case "POST":
                Assert.Equal(2, stored.EnumerateObject().Count());
                break;
            case "PATCH":
                JsonAssert.Equal("{\"a\":1,\"b\":2}", stored);
                break;
        }
    }

    [Fact]
    public async Task Print_silent_on_delete_is_rejected_and_deletes_nothing()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1}");

        JsonAssert.IsBadRequest(await relay.DeleteAsync(path, "print=silent"));

        JsonAssert.Equal("{\"a\":1}", await relay.ReadAsync(path));
    }

    [Theory]
    [InlineData("bogus=1")]
    [InlineData("limitToFrist=1")]
    [InlineData("print=pretty&verbose=true")]
    public async Task Unknown_parameters_are_rejected(string query)
    {
        JsonAssert.IsBadRequest(await relay.GetAsync(RelayFixture.NewPath(), query));
    }

    public static TheoryData<string, string> ShallowCases => new()
    {
        { "\"just a string\"", "\"just a string\"" },
        { "12.5", "12.5" },
        { "true", "true" },
        { "{\"a\":{\"deep\":{\"er\":1}},\"b\":2,\"c\":\"x\"}", "{\"a\":true,\"b\":true,\"c\":true}" },
    };

    [Theory]
    [MemberData(nameof(ShallowCases))]
    public async Task Shallow_returns_primitives_as_is_and_object_children_as_true(string stored, string expected)
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, stored);

        JsonAssert.Equal(expected, await relay.ReadAsync(path, "shallow=true"));
    }

    [Fact]
    public async Task Shallow_of_a_missing_location_is_null()
    {
        JsonAssert.Equal("null", await relay.ReadAsync(RelayFixture.NewPath(), "shallow=true"));
    }

    [Theory]
    [InlineData("shallow=true&orderBy=%22%24key%22")]
    [InlineData("shallow=true&limitToFirst=1")]
    [InlineData("shallow=true&format=export")]
    public async Task Shallow_mixed_with_query_parameters_is_rejected(string query)
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, Sample);

        JsonAssert.IsBadRequest(await relay.GetAsync(path, query));
    }

    [Fact]
    public async Task Shallow_works_with_auth_and_print()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, Sample);

        var response = await relay.GetAsync(path, "shallow=true&print=pretty&auth=owner");

        Assert.Equal(200, response.Status);
        JsonAssert.Equal("{\"a\":true,\"d\":true}", response.Body);
    }

    [Fact]
    public async Task Format_export_includes_priorities_and_value_wrappers()
    {
        var path = RelayFixture.NewPath();
        const string exported = "{\"a\":{\".value\":1,\".priority\":2},\"b\":{\"c\":\"x\",\".priority\":\"p\"},\"e\":\"plain\",\".priority\":5}";
        await relay.SetAsync(path, exported);

        JsonAssert.Equal(exported, await relay.ReadAsync(path, "format=export"));
        JsonAssert.Equal("{\"a\":1,\"b\":{\"c\":\"x\"},\"e\":\"plain\"}", await relay.ReadAsync(path));
    }

    [Fact]
    public async Task A_primitive_with_a_priority_is_written_with_value_and_priority()
    {
        var path = RelayFixture.NewPath();

        var put = await relay.PutAsync(path + "/user", "{\".value\":\"Tom\",\".priority\":1.0}");

        Assert.Equal(200, put.Status);
        JsonAssert.Equal("\"Tom\"", await relay.ReadAsync(path + "/user"));
        JsonAssert.Equal("1", await relay.ReadAsync(path + "/user/.priority"));
        JsonAssert.Equal("{\".value\":\"Tom\",\".priority\":1}", await relay.ReadAsync(path + "/user", "format=export"));
    }

    [Fact]
    public async Task Priority_can_be_read_and_written_at_its_own_location()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"name\":\"x\"}");
        JsonAssert.Equal("null", await relay.ReadAsync(path + "/.priority"));

        var put = await relay.PutAsync(path + "/.priority", "\"high\"");

        Assert.Equal(200, put.Status);
        JsonAssert.Equal("\"high\"", await relay.ReadAsync(path + "/.priority"));
        JsonAssert.Equal("{\"name\":\"x\"}", await relay.ReadAsync(path));
        JsonAssert.Equal("{\"name\":\"x\",\".priority\":\"high\"}", await relay.ReadAsync(path, "format=export"));

        Assert.Equal(200, (await relay.PutAsync(path + "/.priority", "7")).Status);
        JsonAssert.Equal("7", await relay.ReadAsync(path + "/.priority"));
    }

    [Fact]
    public async Task A_priority_of_the_wrong_type_is_rejected()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"name\":\"x\"}");

        JsonAssert.IsBadRequest(await relay.PutAsync(path + "/.priority", "{\"a\":1}"));
        JsonAssert.IsBadRequest(await relay.PutAsync(path, "{\"name\":\"y\",\".priority\":true}"));

        JsonAssert.Equal("{\"name\":\"x\"}", await relay.ReadAsync(path, "format=export"));
    }

    [Theory]
    [InlineData("3ms")]
    [InlineData("3s")]
    [InlineData("3min")]
    [InlineData("15min")]
    [InlineData("900s")]
    public async Task A_valid_timeout_is_accepted(string timeout)
    {
        var path = RelayFixture.NewPath();
        Assert.Equal(200, (await relay.PutAsync(path, "1", "timeout=" + timeout)).Status);

        var get = await relay.GetAsync(path, "timeout=" + timeout);

        Assert.Equal(200, get.Status);
        JsonAssert.Equal("1", get.Body);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("0ms")]
    [InlineData("16min")]
    [InlineData("901s")]
    [InlineData("abc")]
    [InlineData("-3s")]
    public async Task An_invalid_timeout_is_rejected(string timeout)
    {
        var path = RelayFixture.NewPath();

        JsonAssert.IsBadRequest(await relay.GetAsync(path, "timeout=" + timeout));
        JsonAssert.IsBadRequest(await relay.PutAsync(path, "1", "timeout=" + timeout));
        JsonAssert.Equal("null", await relay.ReadAsync(path));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("POST")]
    [InlineData("PATCH")]
    public async Task WriteSizeLimit_tiny_rejects_a_body_over_64_KiB(string method)
    {
        var path = RelayFixture.NewPath();
        var big = "{\"big\":\"" + new string('x', 70 * 1024) + "\"}";

        var response = await relay.SendAsync(method, path, big, "writeSizeLimit=tiny");

        JsonAssert.IsBadRequest(response);
        Assert.StartsWith("WRITE_TOO_BIG", response.Error, StringComparison.Ordinal);
        JsonAssert.Equal("null", await relay.ReadAsync(path));
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("small")]
    [InlineData("medium")]
    [InlineData("large")]
    [InlineData("unlimited")]
    public async Task WriteSizeLimit_levels_accept_a_small_write(string level)
    {
        var path = RelayFixture.NewPath();

        Assert.Equal(200, (await relay.PutAsync(path, "{\"small\":1}", "writeSizeLimit=" + level)).Status);
        Assert.Equal(200, (await relay.DeleteAsync(path, "writeSizeLimit=" + level)).Status);
    }

    [Theory]
    [InlineData("huge")]
    [InlineData("1024")]
    public async Task An_invalid_writeSizeLimit_is_rejected(string level)
    {
        JsonAssert.IsBadRequest(await relay.PutAsync(RelayFixture.NewPath(), "1", "writeSizeLimit=" + level));
    }
}
