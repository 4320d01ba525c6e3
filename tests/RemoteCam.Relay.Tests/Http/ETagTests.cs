namespace RemoteCam.Relay.Tests.Http;

/// <summary>Conditional requests: <c>X-Firebase-ETag: true</c> and <c>if-match</c> on PUT and DELETE.</summary>
public sealed class ETagTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private static readonly (string, string) WantETag = ("X-Firebase-ETag", "true");

    private static (string, string) IfMatch(string etag) => ("if-match", etag);

    private async Task<string> ETagOfAsync(string path)
    {
        var get = await relay.GetAsync(path, "", WantETag);
        Assert.Equal(200, get.Status);
        var etag = get.Header("ETag");
        Assert.False(string.IsNullOrEmpty(etag), $"GET with X-Firebase-ETag: true gave no ETag: {get}");
        return etag!;
    }

    [Fact]
    public async Task Get_returns_an_etag_only_when_asked()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1}");

        var plain = await relay.GetAsync(path);
        var withETag = await relay.GetAsync(path, "", WantETag);

        Assert.Null(plain.Header("ETag"));
        Assert.False(string.IsNullOrEmpty(withETag.Header("ETag")));
        JsonAssert.Equal("{\"a\":1}", withETag.Body);
    }

    [Fact]
    public async Task The_etag_follows_the_value()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1}");
        var first = await ETagOfAsync(path);

        Assert.Equal(first, await ETagOfAsync(path));
        await relay.SetAsync(path, "{\"a\":2}");
        var second = await ETagOfAsync(path);
        Assert.NotEqual(first, second);
        await relay.SetAsync(path, "{\"a\":1}");
        Assert.Equal(first, await ETagOfAsync(path));
    }

    [Fact]
    public async Task An_empty_location_has_the_null_etag()
    {
        Assert.Equal("null_etag", (await ETagOfAsync(RelayFixture.NewPath())).Trim('"'));
    }

    [Fact]
    public async Task Put_with_a_matching_if_match_writes_and_returns_the_new_etag()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1}");
        var etag = await ETagOfAsync(path);

        var put = await relay.PutAsync(path, "{\"a\":2}", "", IfMatch(etag));

        Assert.Equal(200, put.Status);
        JsonAssert.Equal("{\"a\":2}", put.Body);
        var newETag = put.Header("ETag");
        Assert.False(string.IsNullOrEmpty(newETag));
        Assert.NotEqual(etag, newETag);
        Assert.Equal(await ETagOfAsync(path), newETag);
        JsonAssert.Equal("{\"a\":2}", await relay.ReadAsync(path));
    }

    [Fact]
    public async Task Put_with_a_stale_if_match_is_412_with_the_current_value_and_etag()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1}");
        var stale = await ETagOfAsync(path);
        await relay.SetAsync(path, "{\"a\":\"changed by someone else\"}");
        var current = await ETagOfAsync(path);

        var put = await relay.PutAsync(path, "{\"a\":2}", "", IfMatch(stale));

        Assert.Equal(412, put.Status);
        JsonAssert.Equal("{\"a\":\"changed by someone else\"}", put.Body);
        Assert.Equal(current, put.Header("ETag"));
        JsonAssert.Equal("{\"a\":\"changed by someone else\"}", await relay.ReadAsync(path));
    }

    [Fact]
    public async Task Delete_with_a_matching_if_match_deletes()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1}");
        var etag = await ETagOfAsync(path);

        var delete = await relay.DeleteAsync(path, "", IfMatch(etag));

        Assert.Equal(200, delete.Status);
        JsonAssert.Equal("null", delete.Body);
        Assert.Equal("null_etag", delete.Header("ETag")?.Trim('"'));
        JsonAssert.Equal("null", await relay.ReadAsync(path));
    }

    [Fact]
    public async Task Delete_with_a_stale_if_match_is_412_and_deletes_nothing()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "{\"a\":1}");
        var stale = await ETagOfAsync(path);
        await relay.SetAsync(path, "{\"a\":3}");

        var delete = await relay.DeleteAsync(path, "", IfMatch(stale));

        Assert.Equal(412, delete.Status);
        JsonAssert.Equal("{\"a\":3}", delete.Body);
        Assert.Equal(await ETagOfAsync(path), delete.Header("ETag"));
        JsonAssert.Equal("{\"a\":3}", await relay.ReadAsync(path));
    }

    [Fact]
    public async Task Null_etag_matches_only_an_empty_location()
    {
        var empty = RelayFixture.NewPath();
        var full = RelayFixture.NewPath();
        await relay.SetAsync(full, "\"taken\"");

        var create = await relay.PutAsync(empty, "\"mine\"", "", IfMatch("null_etag"));
        var overwrite = await relay.PutAsync(full, "\"mine\"", "", IfMatch("null_etag"));

        Assert.Equal(200, create.Status);
        JsonAssert.Equal("\"mine\"", await relay.ReadAsync(empty));
        Assert.Equal(412, overwrite.Status);
        JsonAssert.Equal("\"taken\"", overwrite.Body);
        JsonAssert.Equal("\"taken\"", await relay.ReadAsync(full));
    }

    [Fact]
    public async Task Only_one_of_many_racing_conditional_writers_wins()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "0");
        var etag = await ETagOfAsync(path);

        var results = await Task.WhenAll(Enumerable.Range(1, 20).Select(i =>
            relay.PutAsync(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture), "", IfMatch(etag))));

        Assert.Single(results, r => r.Status == 200);
        Assert.Equal(19, results.Count(r => r.Status == 412));
    }

    [Fact]
    public async Task Get_with_if_match_is_rejected()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "1");
        var etag = await ETagOfAsync(path);

        JsonAssert.IsBadRequest(await relay.GetAsync(path, "", IfMatch(etag)));
    }
}
