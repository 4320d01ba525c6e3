namespace RemoteCam.Relay.Tests.Http;

/// <summary>GET, PUT, POST, PATCH and DELETE as the Firebase REST docs describe them, over real HTTP.</summary>
public sealed class RestMethodTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private const string PushChars = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

    [Fact]
    public async Task Get_of_a_missing_location_is_200_null()
    {
        var response = await relay.GetAsync(RelayFixture.NewPath());

        Assert.Equal(200, response.Status);
        Assert.StartsWith("application/json", response.ContentType);
        JsonAssert.Equal("null", response.Body);
    }

    public static TheoryData<string> Values => new()
    {
        "\"text\"",
        "42",
        "-1.5",
        "true",
        "false",
        "{\"name\":\"Alan Turing\",\"birthday\":\"June 23, 1912\"}",
        "{\"a\":{\"b\":{\"c\":1}},\"d\":[1,2,3]}",
        "\"ünïcødé ✓ 🐢\"",
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Put_echoes_the_data_and_get_reads_it_back(string json)
    {
        var path = RelayFixture.NewPath();

        var put = await relay.PutAsync(path, json);

        Assert.Equal(200, put.Status);
        Assert.StartsWith("application/json", put.ContentType);
        JsonAssert.Equal(json, put.Body);
        JsonAssert.Equal(json, await relay.ReadAsync(path));
    }

    [Fact]
    public async Task Put_replaces_all_children()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1,\"b\":{\"c\":2,\"d\":3}}");

        await relay.SetAsync(path, "{\"b\":{\"c\":5}}");

        JsonAssert.Equal("{\"b\":{\"c\":5}}", await relay.ReadAsync(path));
    }

    [Fact]
    public async Task Put_below_and_get_above_see_the_same_tree()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path + "/users/alan/name", "\"Alan\"");
        await relay.SetAsync(path + "/users/grace/name", "\"Grace\"");

        JsonAssert.Equal("{\"users\":{\"alan\":{\"name\":\"Alan\"},\"grace\":{\"name\":\"Grace\"}}}", await relay.ReadAsync(path));
        JsonAssert.Equal("\"Grace\"", await relay.ReadAsync(path + "/users/grace/name"));
    }

    [Fact]
    public async Task Post_returns_a_push_id_and_stores_the_value_under_it()
    {
        var path = RelayFixture.NewPath();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var post = await relay.PostAsync(path, "{\"author\":\"alanisawesome\",\"title\":\"The Turing Machine\"}");

        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(200, post.Status);
        var name = post.Json.GetProperty("name").GetString()!;
        Assert.Single(post.Json.EnumerateObject());
        Assert.Equal(20, name.Length);
        Assert.All(name, c => Assert.Contains(c, PushChars));
        var time = DecodePushTime(name);
        Assert.InRange(time, before, after);
        JsonAssert.Equal("{\"author\":\"alanisawesome\",\"title\":\"The Turing Machine\"}", await relay.ReadAsync(path + "/" + name));
    }

    [Fact]
    public async Task Post_ids_strictly_increase_across_many_rapid_posts()
    {
        var path = RelayFixture.NewPath();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var names = new List<string>();

        // Sequential posts (many within one millisecond) and concurrent ones: the ids are distinct
        // and the sequential ones come out in order.
        for (var i = 0; i < 300; i++)
        {
            var post = await relay.PostAsync(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(200, post.Status);
            names.Add(post.Json.GetProperty("name").GetString()!);
        }

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => relay.PostAsync(path, "true")));
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        for (var i = 1; i < names.Count; i++)
        {
            Assert.True(string.CompareOrdinal(names[i - 1], names[i]) < 0, $"push id {names[i]} does not sort after {names[i - 1]}");
        }

        var all = names.Concat(concurrent.Select(p => p.Json.GetProperty("name").GetString()!)).ToList();
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
        Assert.All(all, n => Assert.InRange(DecodePushTime(n), before, after));
        Assert.True(string.CompareOrdinal(names[^1], concurrent.Select(p => p.Json.GetProperty("name").GetString()!).Min(StringComparer.Ordinal)) < 0);

        // Reading the list back gives every pushed child.
        var list = (await relay.GetAsync(path)).Json;
        Assert.Equal(500, list.EnumerateObject().Count());
    }

    [Fact]
    public async Task Patch_overwrites_only_the_named_children()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"alanisawesome\":{\"name\":\"Alan Turing\",\"birthday\":\"June 23, 1912\"},\"other\":1}");

        var patch = await relay.PatchAsync(path + "/alanisawesome", "{\"nickname\":\"Alan The Machine\"}");

        Assert.Equal(200, patch.Status);
        JsonAssert.Equal("{\"nickname\":\"Alan The Machine\"}", patch.Body);
        JsonAssert.Equal(
            "{\"alanisawesome\":{\"name\":\"Alan Turing\",\"birthday\":\"June 23, 1912\",\"nickname\":\"Alan The Machine\"},\"other\":1}",
            await relay.ReadAsync(path));
    }

    [Fact]
    public async Task Patch_with_slash_keys_is_a_multi_path_update()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"alanisawesome\":{\"name\":\"Alan\"},\"gracehop\":{\"name\":\"Grace\"}}");

        var patch = await relay.PatchAsync(path, "{\"alanisawesome/nickname\":\"Alan The Machine\",\"gracehop/nickname\":\"Amazing Grace\"}");

        Assert.Equal(200, patch.Status);
        JsonAssert.Equal(
            "{\"alanisawesome\":{\"name\":\"Alan\",\"nickname\":\"Alan The Machine\"},\"gracehop\":{\"name\":\"Grace\",\"nickname\":\"Amazing Grace\"}}",
            await relay.ReadAsync(path));
    }

    [Fact]
    public async Task Patch_with_a_nested_object_replaces_that_child_as_a_whole()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":{\"x\":1,\"y\":2},\"b\":3}");

        var patch = await relay.PatchAsync(path, "{\"a\":{\"z\":9}}");

        Assert.Equal(200, patch.Status);
        JsonAssert.Equal("{\"a\":{\"z\":9},\"b\":3}", await relay.ReadAsync(path));
    }

    [Fact]
    public async Task Patch_with_null_deletes_that_child()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1,\"b\":2,\"c\":{\"d\":3,\"e\":4}}");

        Assert.Equal(200, (await relay.PatchAsync(path, "{\"a\":null,\"c/d\":null}")).Status);

        JsonAssert.Equal("{\"b\":2,\"c\":{\"e\":4}}", await relay.ReadAsync(path));
    }

    public static TheoryData<string> OverlappingPatches => new()
    {
        "{\"a\":1,\"a/b\":2}",
        "{\"a/b/c\":1,\"a/b\":2}",
        "{\"x/y\":{\"z\":1},\"x/y/z/w\":2}",
    };

    [Theory]
    [MemberData(nameof(OverlappingPatches))]
    public async Task Patch_with_an_ancestor_and_a_descendant_key_is_rejected_and_changes_nothing(string body)
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"keep\":true}");

        JsonAssert.IsBadRequest(await relay.PatchAsync(path, body));

        JsonAssert.Equal("{\"keep\":true}", await relay.ReadAsync(path));
    }

    public static TheoryData<string> NonObjectPatches => new() { "1", "\"a\"", "[1,2]", "true" };

    [Theory]
    [MemberData(nameof(NonObjectPatches))]
    public async Task Patch_with_a_body_that_is_not_an_object_is_rejected(string body)
    {
        JsonAssert.IsBadRequest(await relay.PatchAsync(RelayFixture.NewPath(), body));
    }

    /// <summary>The firebase CLI's <c>database:remove</c> sends <c>PATCH null</c> to delete a location.</summary>
    [Fact]
    public async Task Patch_with_a_null_body_deletes_the_location()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1}");

        Assert.Equal(200, (await relay.PatchAsync(path, "null")).Status);

        JsonAssert.Equal("null", await relay.ReadAsync(path));
    }

    [Fact]
    public async Task Delete_answers_null_and_removes_the_location()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1,\"b\":2}");

        var delete = await relay.DeleteAsync(path + "/a");

        Assert.Equal(200, delete.Status);
        JsonAssert.Equal("null", delete.Body);
        JsonAssert.Equal("{\"b\":2}", await relay.ReadAsync(path));
    }

    [Fact]
    public async Task Delete_of_a_missing_location_is_200_null()
    {
        var delete = await relay.DeleteAsync(RelayFixture.NewPath());

        Assert.Equal(200, delete.Status);
        JsonAssert.Equal("null", delete.Body);
    }

    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    public async Task Post_with_method_override_delete_deletes(string how)
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1}");

        var response = how == "header"
            ? await relay.PostAsync(path, "null", "", ("X-HTTP-Method-Override", "DELETE"))
            : await relay.PostAsync(path, "null", "x-http-method-override=DELETE");

        Assert.Equal(200, response.Status);
        JsonAssert.Equal("null", response.Body);
        JsonAssert.Equal("null", await relay.ReadAsync(path));
    }

    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    public async Task Post_with_method_override_patch_merges(string how)
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1,\"b\":2}");

        var response = how == "header"
            ? await relay.PostAsync(path, "{\"b\":3}", "", ("X-HTTP-Method-Override", "PATCH"))
            : await relay.PostAsync(path, "{\"b\":3}", "x-http-method-override=PATCH");

        Assert.Equal(200, response.Status);
        JsonAssert.Equal("{\"a\":1,\"b\":3}", await relay.ReadAsync(path));
    }

    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    public async Task Post_with_method_override_put_replaces_without_a_push_id(string how)
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1}");

        var response = how == "header"
            ? await relay.PostAsync(path, "{\"b\":2}", "", ("X-HTTP-Method-Override", "PUT"))
            : await relay.PostAsync(path, "{\"b\":2}", "x-http-method-override=PUT");

        Assert.Equal(200, response.Status);
        JsonAssert.Equal("{\"b\":2}", response.Body);
        JsonAssert.Equal("{\"b\":2}", await relay.ReadAsync(path));
    }

    [Fact]
    public async Task Namespaces_are_separate_databases()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "\"default\"");
        Assert.Equal(200, (await relay.PutAsync(path, "\"other\"", "ns=other-db")).Status);

        JsonAssert.Equal("\"default\"", await relay.ReadAsync(path));
        JsonAssert.Equal("\"other\"", await relay.ReadAsync(path, "ns=other-db"));
        JsonAssert.Equal("null", await relay.ReadAsync(path, "ns=third-db"));
    }

    [Theory]
    [InlineData("bad_name")]
    [InlineData("has%20space")]
    [InlineData("dots.are.bad")]
    [InlineData("%C3%BCmlaut")]
    public async Task An_invalid_namespace_is_rejected(string ns)
    {
        JsonAssert.IsBadRequest(await relay.GetAsync(RelayFixture.NewPath(), "ns=" + ns));
    }

    [Theory]
    [InlineData("auth=owner", null)]
    [InlineData("", "Bearer owner")]
    public async Task The_owner_token_from_loopback_is_accepted_for_reads_and_writes(string query, string? authorization)
    {
        var path = RelayFixture.NewPath();
        (string, string)[] headers = authorization is null ? [] : [("Authorization", authorization)];

        var put = await relay.PutAsync(path, "{\"admin\":true}", query, headers);
        var get = await relay.GetAsync(path, query, headers);

        Assert.Equal(200, put.Status);
        Assert.Equal(200, get.Status);
        JsonAssert.Equal("{\"admin\":true}", get.Body);
    }

    [Fact]
    public async Task Info_is_read_only()
    {
        var get = await relay.GetAsync(".info/connected");
        Assert.Equal(200, get.Status);

        JsonAssert.IsBadRequest(await relay.PutAsync(".info/connected", "false"));
    }

    [Fact]
    public async Task A_path_without_json_suffix_is_an_error_with_a_json_body()
    {
        var response = await relay.SendAsync("GET", new Uri(relay.Relay.Url, "no-suffix"), null);

        Assert.InRange(response.Status, 400, 499);
        JsonAssert.IsErrorBody(response);
    }

    private static long DecodePushTime(string id)
    {
        long time = 0;
        foreach (var c in id[..8])
        {
            time = (time * 64) + PushChars.IndexOf(c, StringComparison.Ordinal);
        }

        return time;
    }
}
