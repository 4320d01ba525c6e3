using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Cli.Tests;

/// <summary>
/// Killing the relay at any moment loses no acknowledged write: writers hammer a real
/// <c>remotecam serve</c> process (with a stream open), it is killed with SIGKILL mid-flight,
/// restarted on the same data directory, and every write it acknowledged must be there.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "remotecam-crash-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Acknowledged_writes_survive_repeated_hard_kills()
    {
        var acknowledged = new ConcurrentDictionary<string, long>();
        var increments = 0L;
        // Small snapshots so kills also land during and after snapshotting.
        string[] tuning = ["--snapshot-after", "20000"];
        for (var round = 0; round < 4; round++)
        {
            await using var relay = await RelayProcess.StartAsync(_data, tuning);
            using var http = NewClient(relay.Url);
            await AssertAllPresentAsync(http, acknowledged, Interlocked.Read(ref increments), round);

            using var stop = new CancellationTokenSource();
            using var stream = await OpenStreamAsync(http);
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var seq = 0; !stop.IsCancellationRequested; seq++)
                {
                    var key = $"r{round}w{w}s{seq}";
                    var ok = seq % 3 == 2
                        ? await TrySendAsync(http, HttpMethod.Patch, "counters.json", "{\"hits\":{\".sv\":{\"increment\":1}}}")
                        : await TrySendAsync(http, HttpMethod.Put, $"writes/{key}.json", seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    if (ok && seq % 3 == 2)
                    {
                        Interlocked.Increment(ref increments);
                    }
                    else if (ok)
                    {
                        acknowledged[key] = seq;
                    }
                }
            })).ToArray();

            // Let writes flow, then kill while they are in flight.
            var target = acknowledged.Count + 300;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (acknowledged.Count < target && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            await relay.KillHardAsync();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
            Assert.True(acknowledged.Count >= target, $"round {round}: only {acknowledged.Count} writes were acknowledged");
        }

        await using (var relay = await RelayProcess.StartAsync(_data))
        {
            using var http = NewClient(relay.Url);
            await AssertAllPresentAsync(http, acknowledged, Interlocked.Read(ref increments), 4);
        }

        // The kills also hit a relay that had been snapshotting, not only replaying a journal.
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_data, "remotecam"), "snapshot-*.snap"));
    }

    private static async Task AssertAllPresentAsync(HttpClient http, ConcurrentDictionary<string, long> acknowledged, long increments, int kills)
    {
        using var writes = JsonDocument.Parse(await http.GetStringAsync("writes.json"));
        var missing = acknowledged
            .Where(a => writes.RootElement.ValueKind != JsonValueKind.Object
                || !writes.RootElement.TryGetProperty(a.Key, out var value)
                || value.GetInt64() != a.Value)
            .Select(a => a.Key)
            .ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged writes are missing after restart, e.g. {string.Join(", ", missing.Take(5))}");

        // Acknowledged increments are all counted; each writer's one request in flight at a kill may also have landed.
        using var counters = JsonDocument.Parse(await http.GetStringAsync("counters/hits.json"));
        var hits = counters.RootElement.ValueKind == JsonValueKind.Number ? counters.RootElement.GetInt64() : 0;
        Assert.InRange(hits, increments, increments + (8 * kills));
    }

    private static async Task<bool> TrySendAsync(HttpClient http, HttpMethod method, string path, string body)
    {
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using var response = await http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<Stream> OpenStreamAsync(HttpClient http)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "writes.json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStreamAsync();
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
