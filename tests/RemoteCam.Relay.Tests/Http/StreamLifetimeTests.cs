using System.Diagnostics;
using System.Net.Http.Headers;

namespace RemoteCam.Relay.Tests.Http;

/// <summary>Keep-alives, slow consumers and shutdown: each test runs its own relay with the options it needs.</summary>
public sealed class StreamLifetimeTests
{
    [Fact]
    public async Task An_idle_stream_gets_keep_alive_events_with_null_data()
    {
        await using var relay = await RelayFixture.StartAsync(new RelayOptions { KeepAliveInterval = TimeSpan.FromMilliseconds(200) });
        await using var stream = await relay.ListenAsync("idle");
        await stream.ExpectAsync("put", "/", "null");

        var next = await stream.NextAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("keep-alive", next.Event);
        Assert.Equal("null", next.Data);
    }

    [Fact]
    public async Task A_stream_that_never_reads_does_not_hold_up_writers_or_other_streams_and_is_closed()
    {
        const long queueLimit = 24L * 1024 * 1024;
        await using var relay = await RelayFixture.StartAsync(new RelayOptions
        {
            MaxQueuedBytesPerStream = queueLimit,
            KeepAliveInterval = TimeSpan.FromMinutes(10),
        });
        const string path = "camera/frames";
        const int writes = 2000;
        var payload = "\"" + new string('f', 50 * 1024) + "\"";

        // The stalled client: opens the stream and never reads a byte of it.
        using var stalledRequest = new HttpRequestMessage(HttpMethod.Get, relay.UrlOf(path));
        stalledRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var stalled = await relay.StreamHttp.SendAsync(stalledRequest, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)stalled.StatusCode);

        await using var healthy = await relay.ListenAsync(path);
        await healthy.ExpectAsync("put", "/", "null");
        var received = 0;
        var reader = Task.Run(async () =>
        {
            for (var i = 0; i < writes; i++)
            {
                var e = await healthy.NextDataEventAsync();
                Assert.Equal("put", e.Event);
                Assert.Equal("/", e.Path);
                Assert.Equal(payload.Length + "{\"path\":\"/\",\"data\":}".Length, e.Data.Length);
                received++;
            }
        });

        var slowest = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < writes; i++)
        {
            var one = Stopwatch.StartNew();
            var put = await relay.SendAsync("PUT", relay.UrlOf(path, "print=silent"), System.Text.Encoding.UTF8.GetBytes(payload));
            Assert.Equal(204, put.Status);
            slowest = one.Elapsed > slowest ? one.Elapsed : slowest;
        }

        Assert.True(slowest < TimeSpan.FromSeconds(5), $"a write took {slowest} while a stream was stalled");
        Assert.True(total.Elapsed < TimeSpan.FromSeconds(60), $"{writes} writes took {total.Elapsed}");
        var finished = await Task.WhenAny(reader, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(finished == reader, $"the healthy stream received only {received} of {writes} events");
        await reader;

        // 100 MB were written. The server must have given up on the stalled stream and dropped its
        // connection: once the client finally reads, it finds the stream ended after at most what was
        // already in flight (socket buffers), not a backlog as large as the stream's queue limit.
        await using var body = await stalled.Content.ReadAsStreamAsync();
        var buffer = new byte[256 * 1024];
        long drained = 0;
        var ended = false;
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try
            {
                int read;
                while ((read = await body.ReadAsync(buffer, limit.Token)) > 0)
                {
                    drained += read;
                }

                ended = true;
            }
            catch (OperationCanceledException)
            {
                ended = false;
            }
            catch (IOException)
            {
                ended = true;
            }
            catch (HttpRequestException)
            {
                ended = true;
            }
        }

        Assert.True(ended, $"the stalled stream was still open after draining {drained} bytes");
        Assert.True(drained < queueLimit, $"the stalled stream still delivered {drained} bytes of backlog; it should have been dropped");
    }

    [Fact]
    public async Task Disposing_the_relay_ends_open_streams()
    {
        var relay = await RelayFixture.StartAsync();
        SseStream? stream = null;
        try
        {
            stream = await relay.ListenAsync("x");
            await stream.ExpectAsync("put", "/", "null");

            var disposing = relay.DisposeAsync();

            Assert.True(await stream.EndsWithinAsync(TimeSpan.FromSeconds(10)), "the stream stayed open after the relay stopped");
            await disposing;
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }

            await relay.DisposeAsync();
        }
    }
}
