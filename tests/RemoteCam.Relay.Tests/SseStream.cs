using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Relay.Tests;

/// <summary>One Server-Sent Event: its name and its raw <c>data</c>.</summary>
public sealed record SseEvent(string Event, string Data)
{
    public JsonElement DataJson
    {
        get
        {
            using var document = JsonDocument.Parse(Data);
            return document.RootElement.Clone();
        }
    }

    /// <summary>The <c>path</c> of a put or patch event.</summary>
    public string Path => DataJson.GetProperty("path").GetString()!;

    /// <summary>The <c>data</c> of a put or patch event, as JSON text.</summary>
    public string Payload => DataJson.GetProperty("data").GetRawText();

    public override string ToString() => $"event: {Event} data: {(Data.Length > 300 ? Data[..300] + "…" : Data)}";
}

/// <summary>
/// A minimal EventSource: opens <c>Accept: text/event-stream</c> and parses frames. Every read
/// has a timeout that only bounds failure; nothing here sleeps to synchronise.
/// </summary>
public sealed class SseStream : IAsyncDisposable
{
    /// <summary>How long one expected event may take before the test fails.</summary>
    public static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);

    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>The client's copy of the listened location, updated by every put and patch read.</summary>
    public SseCache Cache { get; } = new();

    public static async Task<SseStream> OpenAsync(HttpClient http, Uri url, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var timeout = new CancellationTokenSource(EventTimeout);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if ((int)response.StatusCode != 200)
        {
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            response.Dispose();
            Assert.Fail($"GET {url} (event stream) → {(int)response.StatusCode} {text}");
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType != "text/event-stream")
        {
            response.Dispose();
            Assert.Fail($"GET {url} (event stream) answered with Content-Type {mediaType}");
        }

        var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        return new SseStream(response, body);
    }

    /// <summary>The next event of any kind, keep-alives included.</summary>
    public async Task<SseEvent> NextAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? EventTimeout);
        string? name = null;
        var data = new StringBuilder();
        var hasData = false;
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no complete event within {timeout ?? EventTimeout}");
            }

            if (line is null)
            {
                throw new EndOfStreamException("the event stream ended");
            }

            if (line.Length == 0)
            {
                if (name is null && !hasData)
                {
                    continue;
                }

                return new SseEvent(name ?? "message", data.ToString());
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "event":
                    name = value;
                    break;
                case "data":
                    if (hasData)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    hasData = true;
                    break;
            }
        }
    }

    /// <summary>The next put or patch (keep-alives skipped).</summary>
    public async Task<SseEvent> NextDataEventAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var next = await NextAsync(timeout);
            if (next.Event != "keep-alive")
            {
                Cache.Apply(next);
                return next;
            }
        }
    }

    /// <summary>Reads the next data event and checks its name, path and data (data compared as JSON values).</summary>
    public async Task<SseEvent> ExpectAsync(string eventName, string path, string dataJson)
    {
        var next = await NextDataEventAsync();
        Assert.True(next.Event == eventName && next.Path == path, $"expected event: {eventName} path {path} data {dataJson}, got {next}");
        JsonAssert.Equal(dataJson, next.Payload);
        return next;
    }

    /// <summary>Reads events until the client's copy equals <paramref name="expectedJson"/>; fails if it does not within the event timeout.</summary>
    public async Task ConvergesToAsync(string expectedJson)
    {
        var seen = new List<SseEvent>();
        while (!Cache.Matches(expectedJson))
        {
            try
            {
                seen.Add(await NextDataEventAsync());
            }
            catch (TimeoutException)
            {
                Assert.Fail($"the stream's copy is {Cache}, expected {expectedJson}; events: {string.Join(" | ", seen)}");
            }
        }
    }

    /// <summary>
    /// Reads and discards everything until the server ends the stream. True if it ended (cleanly or
    /// by a reset) within <paramref name="within"/>; false if it was still open.
    /// </summary>
    public async Task<bool> EndsWithinAsync(TimeSpan within)
    {
        using var cancel = new CancellationTokenSource(within);
        var buffer = new char[64 * 1024];
        try
        {
            while (await _reader.ReadAsync(buffer, cancel.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (HttpRequestException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
