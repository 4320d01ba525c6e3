using System.Net;
using System.Net.Http.Headers;

namespace RemoteCam.Relay.Tests.Pages;

/// <summary>The relay serving the built pages from <see cref="RelayOptions.WebRoot"/>, over real HTTP.</summary>
public sealed class StaticPagesTests : IAsyncLifetime
{
    private const string Secret = "owner-only secret that must never be served";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "remotecam-pages-" + Guid.NewGuid().ToString("N"));
    private RelayFixture? _relay;

    private string WebRoot => Path.Combine(_folder, "www");

    private RelayFixture Relay => _relay!;

    private Uri Base => Relay.Relay.Url;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(WebRoot, "sub"));
        Directory.CreateDirectory(Path.Combine(WebRoot, "empty"));
        File.WriteAllText(Path.Combine(_folder, "secret.txt"), Secret);
        File.WriteAllText(Path.Combine(WebRoot, "index.html"), "<!doctype html><title>home</title><script src=\"app.js\"></script>");
        File.WriteAllText(Path.Combine(WebRoot, "app.js"), "document.title = 'app';");
        File.WriteAllText(Path.Combine(WebRoot, "style.css"), "body { margin: 0 }");
        File.WriteAllText(Path.Combine(WebRoot, "app.webmanifest"), "{\"name\":\"RemoteCam\"}");
        File.WriteAllText(Path.Combine(WebRoot, "icon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        File.WriteAllBytes(Path.Combine(WebRoot, "icon.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        File.WriteAllBytes(Path.Combine(WebRoot, "favicon.ico"), [0, 0, 1, 0]);
        File.WriteAllText(Path.Combine(WebRoot, "robots.txt"), "User-agent: *");
        File.WriteAllText(Path.Combine(WebRoot, "tool.exe"), "MZ");
        File.WriteAllText(Path.Combine(WebRoot, ".hidden.txt"), Secret);
        File.WriteAllText(Path.Combine(WebRoot, "sub", "index.html"), "<!doctype html><title>sub</title>");
        _relay = await RelayFixture.StartAsync(new RelayOptions { WebRoot = WebRoot });
    }

    public async Task DisposeAsync()
    {
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("/app.js", "text/javascript; charset=utf-8")]
    [InlineData("/style.css", "text/css; charset=utf-8")]
    [InlineData("/app.webmanifest", "application/manifest+json; charset=utf-8")]
    [InlineData("/icon.svg", "image/svg+xml")]
    [InlineData("/icon.png", "image/png")]
    [InlineData("/favicon.ico", "image/x-icon")]
    [InlineData("/robots.txt", "text/plain; charset=utf-8")]
    [InlineData("/index.html", "text/html; charset=utf-8")]
    public async Task A_file_is_served_with_its_content_type_and_exact_bytes(string path, string contentType)
    {
        using var response = await Relay.Http.GetAsync(new Uri(Base, path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(WebRoot, path.TrimStart('/'))), await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/", "home")]
    [InlineData("/sub/", "sub")]
    public async Task A_folder_url_serves_its_index_html(string path, string title)
    {
        using var response = await Relay.Http.GetAsync(new Uri(Base, path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains($"<title>{title}</title>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/sub")] // a folder without the slash: no redirect, no listing
    [InlineData("/empty/")] // a folder without index.html: no listing
    [InlineData("/missing.html")]
    [InlineData("/tool.exe")] // a type the relay does not serve
    [InlineData("/.hidden.txt")]
    [InlineData("/camera")]
    public async Task Anything_else_is_a_firebase_shaped_404(string path)
    {
        var response = await Relay.SendAsync("GET", new Uri(Base, path), null);

        Assert.Equal(404, response.Status);
        JsonAssert.IsErrorBody(response);
        Assert.DoesNotContain(Secret, response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_say_no_cache_and_carry_the_security_headers()
    {
        foreach (var path in new[] { "/", "/app.js" })
        {
            using var response = await Relay.Http.GetAsync(new Uri(Base, path));

            Assert.True(response.Headers.CacheControl?.NoCache, $"{path}: Cache-Control is {response.Headers.CacheControl}");
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
            var csp = string.Join(",", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
            Assert.Contains("connect-src 'self' https: wss:;", csp, StringComparison.Ordinal);
            Assert.Contains("media-src 'self' blob: mediastream:;", csp, StringComparison.Ordinal);
            Assert.Contains("img-src 'self' blob: data:;", csp, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_revalidation_with_the_etag_is_a_304_until_the_file_changes()
    {
        using var first = await Relay.Http.GetAsync(new Uri(Base, "/app.js"));
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        foreach (var ifNoneMatch in new[] { etag.Tag, "W/" + etag.Tag, "\"other\", " + etag.Tag, "*" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Base, "/app.js"));
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
            using var again = await Relay.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
            Assert.Empty(await again.Content.ReadAsByteArrayAsync());
            Assert.Equal(etag, again.Headers.ETag);
        }

        await File.WriteAllTextAsync(Path.Combine(WebRoot, "app.js"), "document.title = 'app, version two';");
        File.SetLastWriteTimeUtc(Path.Combine(WebRoot, "app.js"), DateTime.UtcNow.AddMinutes(1));
        using var changedRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(Base, "/app.js"));
        changedRequest.Headers.IfNoneMatch.Add(etag);
        using var changed = await Relay.Http.SendAsync(changedRequest);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Equal("document.title = 'app, version two';", await changed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Head_sends_the_headers_without_the_body()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri(Base, "/style.css"));
        using var response = await Relay.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(new FileInfo(Path.Combine(WebRoot, "style.css")).Length, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("POST", "/")]
    [InlineData("PUT", "/app.js")]
    [InlineData("DELETE", "/index.html")]
    [InlineData("PATCH", "/style.css")]
    public async Task Writing_to_a_page_is_a_405_in_firebase_shape(string method, string path)
    {
        var response = await Relay.SendAsync(method, new Uri(Base, path), "{}"u8.ToArray());

        Assert.Equal(405, response.Status);
        JsonAssert.IsErrorBody(response);
        Assert.Equal("GET, HEAD", response.Header("Allow"));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(WebRoot, path == "/" ? "index.html" : path.TrimStart('/'))),
            await Relay.Http.GetByteArrayAsync(new Uri(Base, path)));
    }

    [Theory]
    [InlineData("/../secret.txt")]
    [InlineData("/sub/../../secret.txt")]
    [InlineData("/%2e%2e/secret.txt")]
    [InlineData("/..%2fsecret.txt")]
    [InlineData("/sub/..%2f..%2fsecret.txt")]
    [InlineData("/%2e%2e%2fsecret.txt")]
    [InlineData("/..%5csecret.txt")]
    [InlineData("/sub%2f..%2f..%2fsecret.txt")]
    [InlineData("/%252e%252e/secret.txt")]
    [InlineData("/.%2e/.%2e/secret.txt")]
    [InlineData("//secret.txt")]
    [InlineData("/./secret.txt")]
    public async Task A_path_outside_the_pages_folder_is_never_served(string target)
    {
        var answer = await RawHttp.SendAsync(Base, "GET", target);

        Assert.True(answer.Status is 400 or 404, $"{target}: {answer.Head}");
        Assert.DoesNotContain(Secret, answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Database_paths_still_reach_the_database()
    {
        var path = RelayFixture.NewPath();
        await Relay.SetAsync(path, "{\"index\":\"data\"}");

        JsonAssert.Equal("{\"index\":\"data\"}", await Relay.ReadAsync(path));
        JsonAssert.Equal("null", await Relay.ReadAsync("index"));
    }

    [Fact]
    public async Task Without_a_web_root_every_page_url_is_a_404()
    {
        await using var bare = await RelayFixture.StartAsync();

        foreach (var path in new[] { "/", "/index.html", "/app.js" })
        {
            var response = await bare.SendAsync("GET", new Uri(bare.Relay.Url, path), null);
            Assert.Equal(404, response.Status);
            JsonAssert.IsErrorBody(response);
        }
    }

    [Fact]
    public async Task The_pages_built_with_the_project_are_served_from_the_output_folder()
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        Assert.True(File.Exists(Path.Combine(shipped, "index.html")), $"the build did not copy web/dist to {shipped}");
        await using var relay = await RelayFixture.StartAsync(new RelayOptions { WebRoot = shipped });

        var html = await relay.Http.GetStringAsync(relay.Relay.Url);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(shipped, "index.html")), html);
        foreach (var script in System.Text.RegularExpressions.Regex.Matches(html, "<script src=\"([^\"]+)\"").Select(m => m.Groups[1].Value))
        {
            using var response = await relay.Http.GetAsync(new Uri(relay.Relay.Url, script));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(new MediaTypeHeaderValue("text/javascript") { CharSet = "utf-8" }, response.Content.Headers.ContentType);
        }
    }
}
