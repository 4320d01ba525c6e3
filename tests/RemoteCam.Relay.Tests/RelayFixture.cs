using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Relay.Tests;

/// <summary>
/// A real relay on a free loopback port with a fresh temporary data directory, and HTTP clients
/// to talk to it. Used as a class fixture (one relay per test class) or started directly by a
/// test that needs its own options. Tests share a relay by writing under <see cref="NewPath"/>.
/// </summary>
public sealed class RelayFixture : IAsyncLifetime, IAsyncDisposable
{
    private string? _dataDirectory;
    private RelayServer? _relay;
    private HttpClient? _http;
    private HttpClient? _streams;

    /// <summary>Options for the relay; <see cref="RelayOptions.Port"/> and <see cref="RelayOptions.DataDirectory"/> are set by the fixture.</summary>
    public RelayOptions Options { get; init; } = new();

    public RelayServer Relay => _relay ?? throw new InvalidOperationException("The relay has not started.");

    /// <summary>The relay's temporary data directory (its keys are in <c>.auth</c>).</summary>
    public string DataDirectory => _dataDirectory ?? throw new InvalidOperationException("The relay has not started.");

    /// <summary>For ordinary requests; a request taking over 30 s fails the test.</summary>
    public HttpClient Http => _http ?? throw new InvalidOperationException("The relay has not started.");

    /// <summary>For event streams, which stay open: no overall timeout (readers bound each event instead).</summary>
    public HttpClient StreamHttp => _streams ?? throw new InvalidOperationException("The relay has not started.");

    public static async Task<RelayFixture> StartAsync(RelayOptions? options = null)
    {
        var fixture = new RelayFixture { Options = options ?? new RelayOptions() };
        await fixture.InitializeAsync();
        return fixture;
    }

    public async Task InitializeAsync()
    {
        _dataDirectory = Path.Combine(Path.GetTempPath(), "remotecam-relay-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dataDirectory);
        _relay = await RelayServer.StartAsync(Options with { Port = 0, Host = "127.0.0.1", DataDirectory = _dataDirectory });
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
        _streams = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        _streams?.Dispose();
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }

        if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    /// <summary>A location no other test uses, e.g. <c>t/3f2a…</c> (no leading slash, no <c>.json</c>).</summary>
    public static string NewPath() => "t/" + Guid.NewGuid().ToString("N");

    /// <summary>The URL of <c>/path.json?query</c>; <paramref name="query"/> is used as given (already encoded, no leading <c>?</c>).</summary>
    public Uri UrlOf(string path, string query = "")
    {
        var url = Relay.Url.ToString().TrimEnd('/') + "/" + path.TrimStart('/') + ".json";
        return new Uri(query.Length == 0 ? url : url + "?" + query);
    }

    public Task<RelayResponse> GetAsync(string path, string query = "", params (string Name, string Value)[] headers) =>
        SendAsync("GET", path, null, query, headers);

    public Task<RelayResponse> PutAsync(string path, string body, string query = "", params (string Name, string Value)[] headers) =>
        SendAsync("PUT", path, body, query, headers);

    public Task<RelayResponse> PostAsync(string path, string body, string query = "", params (string Name, string Value)[] headers) =>
        SendAsync("POST", path, body, query, headers);

    public Task<RelayResponse> PatchAsync(string path, string body, string query = "", params (string Name, string Value)[] headers) =>
        SendAsync("PATCH", path, body, query, headers);

    public Task<RelayResponse> DeleteAsync(string path, string query = "", params (string Name, string Value)[] headers) =>
        SendAsync("DELETE", path, null, query, headers);

    public Task<RelayResponse> SendAsync(string method, string path, string? body, string query = "", params (string Name, string Value)[] headers) =>
        SendAsync(method, UrlOf(path, query), body is null ? null : Encoding.UTF8.GetBytes(body), headers);

    public async Task<RelayResponse> SendAsync(string method, Uri url, byte[]? body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        foreach (var (name, value) in headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await Http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var all = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        return new RelayResponse((int)response.StatusCode, bytes, all);
    }

    /// <summary>Writes <paramref name="json"/> at <paramref name="path"/> and checks it was accepted.</summary>
    public async Task SetAsync(string path, string json)
    {
        var response = await PutAsync(path, json);
        Assert.True(response.Status == 200, $"PUT /{path}.json {json} → {response}");
    }

    /// <summary>The value at <paramref name="path"/> as JSON text, checking the read succeeded.</summary>
    public async Task<string> ReadAsync(string path, string query = "")
    {
        var response = await GetAsync(path, query);
        Assert.True(response.Status == 200, $"GET /{path}.json?{query} → {response}");
        return response.Body;
    }

    /// <summary>Opens an event stream on <paramref name="path"/>.</summary>
    public Task<SseStream> ListenAsync(string path, string query = "") => SseStream.OpenAsync(StreamHttp, UrlOf(path, query));
}

/// <summary>One HTTP answer, fully read.</summary>
public sealed record RelayResponse(int Status, byte[] Bytes, IReadOnlyDictionary<string, string> Headers)
{
    public string Body => Encoding.UTF8.GetString(Bytes);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string? ContentType => Header("Content-Type");

    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Bytes);
            return document.RootElement.Clone();
        }
    }

    /// <summary>The <c>error</c> message of a Firebase error body; fails unless the body is one.</summary>
    public string Error
    {
        get
        {
            JsonAssert.IsErrorBody(this);
            return Json.GetProperty("error").GetString()!;
        }
    }

    public override string ToString()
    {
        var body = Body;
        return $"{Status} {ContentType} {(body.Length > 300 ? body[..300] + "…" : body)}";
    }
}

/// <summary>JSON comparisons by value (key order and number spelling do not matter).</summary>
public static class JsonAssert
{
    public static void Equal(string expected, string actual)
    {
        using var e = JsonDocument.Parse(expected);
        JsonDocument a;
        try
        {
            a = JsonDocument.Parse(actual);
        }
        catch (JsonException)
        {
            Assert.Fail($"Expected JSON {expected} but got non-JSON: {actual}");
            return;
        }

        using (a)
        {
            Assert.True(JsonElement.DeepEquals(e.RootElement, a.RootElement), $"Expected {expected}\nActual   {actual}");
        }
    }

    public static void Equal(string expected, JsonElement actual) => Equal(expected, actual.GetRawText());

    /// <summary>Firebase's error shape: JSON content type and <c>{"error": "non-empty"}</c>.</summary>
    public static void IsErrorBody(RelayResponse response)
    {
        Assert.True(response.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true,
            $"error response without a JSON content type: {response}");
        JsonElement json;
        try
        {
            json = response.Json;
        }
        catch (JsonException)
        {
            Assert.Fail($"error response body is not JSON: {response}");
            return;
        }

        Assert.True(json.ValueKind == JsonValueKind.Object
            && json.TryGetProperty("error", out var error)
            && error.ValueKind == JsonValueKind.String
            && error.GetString()!.Length > 0,
            $"error response body is not {{\"error\": \"…\"}}: {response}");
    }

    /// <summary>A 400 with Firebase's error body.</summary>
    public static void IsBadRequest(RelayResponse response)
    {
        Assert.True(response.Status == 400, $"expected 400, got {response}");
        IsErrorBody(response);
    }
}
