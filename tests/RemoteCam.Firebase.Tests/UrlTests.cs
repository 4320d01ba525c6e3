using System.Text;
using System.Text.Json;

namespace RemoteCam.Firebase.Tests;

/// <summary>Pure request-building rules; no server needed.</summary>
public sealed class UrlTests
{
    public static TheoryData<string, string, string> Urls => new()
    {
        { "https://demo.firebaseio.com", "users/ada", "https://demo.firebaseio.com/users/ada.json" },
        { "https://demo.europe-west1.firebasedatabase.app/", "/users/ada/", "https://demo.europe-west1.firebasedatabase.app/users/ada.json" },
        { "http://127.0.0.1:9000/?ns=foo", "a", "http://127.0.0.1:9000/a.json?ns=foo" },
        { "http://127.0.0.1:9000?ns=foo", "", "http://127.0.0.1:9000/.json?ns=foo" },
        { "https://demo.firebaseio.com", "/", "https://demo.firebaseio.com/.json" },
        { "https://demo.firebaseio.com", "a b/ünï/x+y", "https://demo.firebaseio.com/a%20b/%C3%BCn%C3%AF/x%2By.json" },
        { "https://demo.firebaseio.com", "a?b/c#d/e%f", "https://demo.firebaseio.com/a%3Fb/c%23d/e%25f.json" },
        { "https://proxy.example/db/", "k", "https://proxy.example/db/k.json" },
    };

    [Theory]
    [MemberData(nameof(Urls))]
    public void Paths_are_escaped_per_segment_and_end_in_json(string database, string path, string expected)
    {
        var url = new FirebaseUrl(new Uri(database));

        Assert.Equal(expected, url.Build(path).AbsoluteUri);
    }

    [Theory]
    [InlineData("x/../y")]
    [InlineData("./y")]
    public void Dot_segments_are_refused_because_uri_normalisation_would_retarget_them(string path)
    {
        _ = Assert.Throws<ArgumentException>(() => new FirebaseUrl(new Uri("https://demo.firebaseio.com")).Build(path));
    }

    [Fact]
    public void Namespace_is_read_from_the_database_url()
    {
        Assert.Equal("foo", new FirebaseUrl(new Uri("http://127.0.0.1:9000/?ns=foo")).Namespace);
        Assert.Null(new FirebaseUrl(new Uri("https://demo.firebaseio.com")).Namespace);
    }

    [Fact]
    public void Auth_token_goes_after_namespace_and_is_escaped()
    {
        var url = new FirebaseUrl(new Uri("http://127.0.0.1:9000/?ns=foo"));

        Uri uri = url.Build("a", [new("print", "silent")], "to+k/en=");

        Assert.Equal("?ns=foo&auth=to%2Bk%2Fen%3D&print=silent", uri.Query);
    }

    [Fact]
    public void Query_values_are_json_encoded_then_percent_encoded()
    {
        var query = new QueryOptions
        {
            OrderBy = QueryOptions.Key,
            StartAt = "a b",
            EndAt = 3,
            EqualTo = true,
            StartAfter = "é",
            EndBefore = 2.5,
            LimitToFirst = 10,
            LimitToLast = 2,
        };

        Uri uri = new FirebaseUrl(new Uri("https://demo.firebaseio.com")).Build("scores", query.ToParameters());

        Assert.Equal(
            "?orderBy=%22%24key%22&startAt=%22a%20b%22&startAfter=%22%C3%A9%22&endAt=3&endBefore=2.5&equalTo=true&limitToFirst=10&limitToLast=2",
            uri.Query);
    }

    [Fact]
    public void Shallow_and_export_are_plain_flags()
    {
        Assert.Equal(
            [new("shallow", "true"), new("format", "export")],
            new QueryOptions { Shallow = true, FormatExport = true }.ToParameters().ToArray());
        Assert.Equal(
            [new("orderBy", "\"dimensions/height\"")],
            new QueryOptions { OrderBy = "dimensions/height" }.ToParameters().ToArray());
    }

    [Theory]
    [InlineData("https://other.example/a.json?ns=x", "https://other.example/a.json?ns=x&auth=tok")]
    [InlineData("/b.json?auth=already", "https://demo.firebaseio.com/b.json?auth=already")]
    public void Redirects_keep_the_query_token(string location, string expected)
    {
        Uri target = FirebaseUrl.ResolveRedirect(new Uri("https://demo.firebaseio.com/a.json?auth=tok"), new Uri(location, UriKind.RelativeOrAbsolute), "tok");

        Assert.Equal(expected, target.AbsoluteUri);
    }

    [Fact]
    public void Error_body_message_is_exposed()
    {
        FirebaseException error = FirebaseException.FromResponse(
            HttpMethod.Put, "/a", System.Net.HttpStatusCode.BadRequest, """{ "error" : "Invalid data; couldn't parse JSON object, array, or value." }""");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("Invalid data; couldn't parse JSON object, array, or value.", error.ServerMessage);
        Assert.Contains("PUT /a", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cancel", "\"Permission denied\"", "Permission denied")]
    [InlineData("cancel", "null", null)]
    [InlineData("auth_revoked", "credential is no longer valid", "credential is no longer valid")]
    public void Stream_end_reasons_accept_json_or_text(string type, string data, string? reason)
    {
        DatabaseEvent? parsed = DatabaseEvent.Parse(type, Encoding.UTF8.GetBytes(data));

        string? actual = parsed switch
        {
            CancelEvent cancel => cancel.Reason,
            AuthRevokedEvent revoked => revoked.Reason,
            _ => throw new InvalidOperationException($"unexpected {parsed}"),
        };
        Assert.Equal(reason, actual);
    }

    [Fact]
    public void Put_and_patch_frames_carry_path_and_data()
    {
        var put = (PutEvent)DatabaseEvent.Parse("put", """{"path":"/c","data":{"a":1}}"""u8)!;
        var patch = (PatchEvent)DatabaseEvent.Parse("patch", """{"path":"/","data":{"x/y":null}}"""u8)!;

        Assert.Equal("/c", put.Path);
        Assert.Equal(1, put.Data.GetProperty("a").GetInt32());
        Assert.Equal("/", patch.Path);
        Assert.Equal(JsonValueKind.Null, patch.Data.GetProperty("x/y").ValueKind);
        Assert.IsType<KeepAliveEvent>(DatabaseEvent.Parse("keep-alive", "null"u8));
        Assert.Null(DatabaseEvent.Parse("something-new", "{}"u8));
    }
}
