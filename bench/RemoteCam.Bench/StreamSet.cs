using System.Net;

namespace RemoteCam.Bench;

/// <summary>Receives one decoded probe message on stream <c>streamIndex</c>.</summary>
internal delegate void ProbeHandler(int streamIndex, long sequence, long sentMicros);

/// <summary>Open subscriptions of one benchmark run, however they are carried.</summary>
internal interface IStreamSet : IAsyncDisposable
{
    int Failures { get; }

    string? FirstError { get; }
}

/// <summary>A set of open SSE streams, each read by its own ReadAsync loop through <see cref="SseParser"/>.</summary>
internal sealed class StreamSet : IStreamSet
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = [];
    private int _failures;
    private string? _firstError;

    public int Failures => Volatile.Read(ref _failures);

    public string? FirstError => Volatile.Read(ref _firstError);

    /// <summary>
    /// Opens one stream per channel, at most <paramref name="parallel"/> handshakes at a time, and returns once every
    /// stream is established (see <see cref="IBenchTarget.ReadyOnHeaders"/>) or failed.
    /// </summary>
    public static async Task<StreamSet> OpenAsync(HttpClient client, IBenchTarget target, IReadOnlyList<string> channels, ProbeHandler? onProbe, int parallel, TimeSpan timeout)
    {
        StreamSet set = new();
        using SemaphoreSlim gate = new(parallel);
        List<Task> readies = new(channels.Count);
        using CancellationTokenSource openTimeout = new(timeout);
        for (int i = 0; i < channels.Count; i++)
        {
            await gate.WaitAsync(openTimeout.Token);
            TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = ready.Task.ContinueWith(_ => gate.Release(), TaskScheduler.Default);
            readies.Add(ready.Task);
            set._readers.Add(set.ReadAsync(client, target, channels[i], i, onProbe, ready));
        }

        try
        {
            await Task.WhenAll(readies).WaitAsync(openTimeout.Token);
        }
        catch (Exception) when (!openTimeout.IsCancellationRequested)
        {
            // individual failures are counted in Failures
        }

        return set;
    }

    private async Task ReadAsync(HttpClient client, IBenchTarget target, string channel, int index, ProbeHandler? onProbe, TaskCompletionSource ready)
    {
        await Task.Yield();
        CancellationToken token = _stop.Token;
        try
        {
            using HttpRequestMessage request = target.CreateSubscribe(channel);
            using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new HttpRequestException($"subscribe {channel}: HTTP {(int)response.StatusCode}");
            }

            if (target.ReadyOnHeaders)
            {
                ready.TrySetResult();
            }

            await using Stream body = await response.Content.ReadAsStreamAsync(token);
            SseParser parser = new();
            byte[] buffer = new byte[4096];
            SseEventHandler handler = (eventType, data) =>
            {
                ready.TrySetResult();
                if (onProbe is not null && Payload.TryDecode(data, out long sequence, out long sent))
                {
                    onProbe(index, sequence, sent);
                }
            };
            while (true)
            {
                int read = await body.ReadAsync(buffer, token);
                if (read == 0)
                {
                    throw new IOException($"stream {channel} ended");
                }

                parser.Feed(buffer.AsSpan(0, read), handler);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            ready.TrySetCanceled(token);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _failures);
            Interlocked.CompareExchange(ref _firstError, e.Message, null);
            ready.TrySetException(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_readers).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }

        _stop.Dispose();
    }
}
