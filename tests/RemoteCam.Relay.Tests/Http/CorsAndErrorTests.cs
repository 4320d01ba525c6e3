namespace RemoteCam.Relay.Tests.Http;

/// <summary>CORS for browser clients on any origin, and the shape of every error answer.</summary>
public sealed class CorsAndErrorTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private static readonly (string, string) Origin = ("Origin", "https://example.web.app");

    public static TheoryData<string, string?, string> Requests => new()
    {
        { "GET", null, "" },
        { "PUT", "{\"a\":1}", "" },
        { "POST", "1", "" },
        { "PATCH", "{\"a\":2}", "" },
        { "DELETE", null, "" },
        { "GET", null, "bogus=1" },
        { "PUT", "{", "" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Every_answer_allows_any_origin(string method, string? body, string query)
    {
        var response = await relay.SendAsync(method, RelayFixture.NewPath(), body, query, Origin);

        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("POST")]
    public async Task A_preflight_allows_the_method_and_headers_browsers_send(string method)
    {
        var response = await relay.SendAsync("OPTIONS", RelayFixture.NewPath(), null, "",
            Origin, ("Access-Control-Request-Method", method), ("Access-Control-Request-Headers", "authorization, content-type"));

        Assert.InRange(response.Status, 200, 299);
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        var methods = (response.Header("Access-Control-Allow-Methods") ?? "").Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains(method, methods, StringComparer.OrdinalIgnoreCase);
        var headers = (response.Header("Access-Control-Allow-Headers") ?? "").Split(',', StringSplitOptions.TrimEntries);
        Assert.True(headers.Contains("*") || (headers.Contains("Authorization", StringComparer.OrdinalIgnoreCase)
            && headers.Contains("Content-Type", StringComparer.OrdinalIgnoreCase)),
            $"Access-Control-Allow-Headers does not cover Authorization and Content-Type: {response.Header("Access-Control-Allow-Headers")}");
    }

    [Fact]
    public async Task A_preflight_changes_nothing()
    {
        var path = RelayFixture.NewPath();
        await relay.SetAsync(path, "\"before\"");

        await relay.SendAsync("OPTIONS", path, null, "", Origin, ("Access-Control-Request-Method", "DELETE"));

        JsonAssert.Equal("\"before\"", await relay.ReadAsync(path));
    }

    public static TheoryData<string, string, string?, string> Errors => new()
    {
        { "unknown parameter", "GET", null, "bogus=1" },
        { "invalid JSON", "PUT", "{", "" },
        { "empty body", "PUT", "", "" },
        { "silent delete", "DELETE", null, "print=silent" },
        { "bad timeout", "GET", null, "timeout=0s" },
        { "bad namespace", "GET", null, "ns=no_underscores" },
        { "bad server value", "PUT", "{\".sv\":\"nope\"}", "" },
        { "patch non-object", "PATCH", "3", "" },
        { "unsupported method", "PROPFIND", null, "" },
        { "override to unsupported method", "POST", "1", "x-http-method-override=TRACE" },
        { "pretty error", "GET", null, "print=pretty&timeout=abc" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Every_error_is_json_with_an_error_message(string what, string method, string? body, string query)
    {
        var response = await relay.SendAsync(method, RelayFixture.NewPath(), body, query);

        Assert.True(response.Status is >= 400 and < 500, $"{what}: expected a 4xx, got {response}");
        JsonAssert.IsErrorBody(response);
    }
}
