using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace RemoteCam.Cli.Tests;

/// <summary>
/// An acknowledged upload survives a hard kill of the relay: eight uploaders (one-request and
/// resumable uploads through the Cloud Storage JSON API) hammer a real <c>remotecam serve</c>
/// process, it is killed with SIGKILL mid-flight, restarted on the same data directory, and
/// every acknowledged object must be there, byte for byte; a resumable upload interrupted by a
/// kill resumes where its last acknowledged chunk ended.
/// </summary>
public sealed class StorageCrashTests : IDisposable
{
    private const string Bucket = "demo-remotecam.appspot.com";
    private readonly string _data = Path.Combine(Path.GetTempPath(), "remotecam-storage-crash-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Acknowledged_uploads_survive_hard_kills()
    {
        var acknowledged = new ConcurrentDictionary<string, int>();
        for (var round = 0; round < 3; round++)
        {
            await using var relay = await RelayProcess.StartAsync(_data);
            using var http = NewClient(relay.Url);
            await AssertAllPresentAsync(http, acknowledged);

            using var stop = new CancellationTokenSource();
            var uploaders = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var seq = 0; !stop.IsCancellationRequested; seq++)
                {
                    var name = $"crash/r{round}/w{w}/{seq}";
                    var size = 1000 + ((w * 7919 + seq * 104729) % (600 * 1024));
                    var ok = w % 2 == 0
                        ? await TryMediaUploadAsync(http, name, Content(name, size))
                        : await TryResumableUploadAsync(http, name, Content(name, size));
                    if (ok)
                    {
                        acknowledged[name] = size;
                    }
                }
            })).ToArray();

            var target = acknowledged.Count + 40;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (acknowledged.Count < target && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            await relay.KillHardAsync();
            await stop.CancelAsync();
            await Task.WhenAll(uploaders);
            Assert.True(acknowledged.Count >= target, $"round {round}: only {acknowledged.Count} uploads were acknowledged");
        }

        await using (var relay = await RelayProcess.StartAsync(_data))
        {
            using var http = NewClient(relay.Url);
            await AssertAllPresentAsync(http, acknowledged);
        }

        // Bytes of uploads that were cut off never became objects; their temporary files are gone.
        Assert.Empty(Directory.GetFiles(Path.Combine(_data, ".storage", "tmp")));
    }

    [Fact]
    public async Task An_interrupted_resumable_upload_resumes_after_a_restart()
    {
        var name = "crash/resumed";
        var data = Content(name, 700 * 1024);
        const int chunk = 256 * 1024;
        string session;
        await using (var relay = await RelayProcess.StartAsync(_data))
        {
            using var http = NewClient(relay.Url);
            session = await StartAsync(http, name, data.Length);
            using var first = await PutChunkAsync(http, session, data, 0, chunk, data.Length, final: false);
            Assert.Equal(308, (int)first.StatusCode);
            Assert.Equal($"bytes=0-{chunk - 1}", first.Headers.GetValues("Range").Single());
            await relay.KillHardAsync();
        }

        await using (var relay = await RelayProcess.StartAsync(_data))
        {
            using var http = NewClient(relay.Url);
            session = new UriBuilder(session) { Port = relay.Url.Port }.Uri.ToString();
            using (var status = new HttpRequestMessage(HttpMethod.Put, session) { Content = new ByteArrayContent([]) })
            {
                status.Content.Headers.TryAddWithoutValidation("Content-Range", $"bytes */{data.Length}");
                using var response = await http.SendAsync(status);
                // "bytes */TOTAL" with bytes still missing: the relay says how far it got.
                Assert.Equal(308, (int)response.StatusCode);
                Assert.Equal($"bytes=0-{chunk - 1}", response.Headers.GetValues("Range").Single());
            }

            using var rest = await PutChunkAsync(http, session, data, chunk, data.Length - chunk, data.Length, final: true);
            Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
            Assert.Equal(data, await http.GetByteArrayAsync(MediaUrl(name)));
        }
    }

    private static byte[] Content(string name, int size)
    {
        var bytes = new byte[size];
        new Random(name.GetHashCode(StringComparison.Ordinal) ^ size).NextBytes(bytes);
        var seed = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        seed.CopyTo(bytes, 0);
        return bytes;
    }

    private static string MediaUrl(string name) => $"storage/v1/b/{Bucket}/o/{Uri.EscapeDataString(name)}?alt=media";

    private static async Task AssertAllPresentAsync(HttpClient http, ConcurrentDictionary<string, int> acknowledged)
    {
        var missing = new List<string>();
        foreach (var (name, size) in acknowledged)
        {
            using var response = await http.GetAsync(MediaUrl(name));
            if (response.StatusCode != HttpStatusCode.OK || !(await response.Content.ReadAsByteArrayAsync()).AsSpan().SequenceEqual(Content(name, size)))
            {
                missing.Add($"{name} ({(int)response.StatusCode})");
            }
        }

        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged uploads are missing or damaged after restart, e.g. {string.Join(", ", missing.Take(5))}");
    }

    private static async Task<bool> TryMediaUploadAsync(HttpClient http, string name, byte[] data)
    {
        try
        {
            using var content = new ByteArrayContent(data);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await http.PostAsync($"upload/storage/v1/b/{Bucket}/o?uploadType=media&name={Uri.EscapeDataString(name)}", content);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static async Task<bool> TryResumableUploadAsync(HttpClient http, string name, byte[] data)
    {
        try
        {
            var session = await StartAsync(http, name, data.Length);
            var at = 0;
            while (true)
            {
                var length = Math.Min(256 * 1024, data.Length - at);
                var final = at + length == data.Length;
                using var response = await PutChunkAsync(http, session, data, at, length, data.Length, final);
                if (final)
                {
                    return response.StatusCode == HttpStatusCode.OK;
                }

                if ((int)response.StatusCode != 308)
                {
                    return false;
                }

                at += length;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    private static async Task<string> StartAsync(HttpClient http, string name, int size)
    {
        using var start = new HttpRequestMessage(HttpMethod.Post, $"upload/storage/v1/b/{Bucket}/o?uploadType=resumable")
        {
            Content = new StringContent($$"""{"name":"{{name}}","contentType":"application/octet-stream"}""", Encoding.UTF8, "application/json"),
        };
        start.Headers.TryAddWithoutValidation("X-Upload-Content-Length", size.ToString(CultureInfo.InvariantCulture));
        using var response = await http.SendAsync(start);
        return response.StatusCode == HttpStatusCode.OK && response.Headers.Location is { IsAbsoluteUri: true } location
            ? location.ToString()
            : throw new InvalidOperationException($"resumable start answered {(int)response.StatusCode}");
    }

    private static Task<HttpResponseMessage> PutChunkAsync(HttpClient http, string session, byte[] data, int at, int length, int total, bool final)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, session) { Content = new ByteArrayContent(data, at, length) };
        request.Content.Headers.TryAddWithoutValidation("Content-Range", $"bytes {at}-{at + length - 1}/{(final ? total.ToString(CultureInfo.InvariantCulture) : "*")}");
        return http.SendAsync(request);
    }

    private static HttpClient NewClient(Uri url)
    {
        var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "owner");
        return http;
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}
