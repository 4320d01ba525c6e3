using System.Text.Json;

namespace RemoteCam.Firebase;

/// <summary>Reconnection settings of a <see cref="DatabaseListener"/>.</summary>
public sealed record DatabaseListenerOptions
{
    /// <summary>Wait before the first reconnection attempt after a failure or end of stream.</summary>
    public TimeSpan InitialReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the doubling reconnect delay.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reconnect when nothing, not even a keep-alive, arrives for this long (a dead connection may never error).
    /// <see cref="Timeout.InfiniteTimeSpan"/> disables the check.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(90);
}

/// <summary>
/// Keeps a local copy of one location current by applying streamed put/patch events, and reconnects
/// with exponential backoff after errors or the end of the stream. Each connection starts with a full
/// snapshot, so the copy converges again after a reconnect.
/// </summary>
public sealed class DatabaseListener : IAsyncDisposable
{
    private readonly FirebaseDatabaseClient client;
    private readonly DatabaseListenerOptions options;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly JsonCache cache = new();
    private TaskCompletionSource changed = NewSignal();
    private JsonElement value = DatabaseEvent.NullElement;
    private bool hasValue;
    private bool connected;
    private int connections;
    private Exception? lastError;
    private Task loop = Task.CompletedTask;
    private int disposed;

    private DatabaseListener(FirebaseDatabaseClient client, string path, DatabaseListenerOptions options)
    {
        this.client = client;
        this.options = options;
        Path = FirebaseUrl.Normalize(path);
    }

    /// <summary>Raised after each event that was applied, with the new value. Runs on the listener's loop; keep it short.</summary>
    public event Action<JsonElement>? Changed;

    /// <summary>Raised when a connection fails or ends; the listener then retries after a delay.</summary>
    public event Action<Exception>? Disconnected;

    /// <summary>The listened location.</summary>
    public string Path { get; }

    /// <summary>The current local copy (JSON null while empty or before the first snapshot).</summary>
    public JsonElement Value
    {
        get
        {
            lock (gate)
            {
                return value;
            }
        }
    }

    /// <summary>True once the first snapshot arrived.</summary>
    public bool HasValue
    {
        get
        {
            lock (gate)
            {
                return hasValue;
            }
        }
    }

    /// <summary>True while a stream is open and its snapshot has arrived.</summary>
    public bool IsConnected
    {
        get
        {
            lock (gate)
            {
                return connected;
            }
        }
    }

    /// <summary>How many streams delivered a snapshot so far (1 + successful reconnections).</summary>
    public int ConnectionCount
    {
        get
        {
            lock (gate)
            {
                return connections;
            }
        }
    }

    /// <summary>
    /// The most recent error: what ended the last connection, or an exception thrown by a
    /// <see cref="Changed"/> or <see cref="Disconnected"/> handler (caught so the listener keeps running).
    /// </summary>
    public Exception? LastError
    {
        get
        {
            lock (gate)
            {
                return lastError;
            }
        }
    }

    internal static DatabaseListener Start(FirebaseDatabaseClient client, string path, DatabaseListenerOptions options)
    {
        var listener = new DatabaseListener(client, path, options);
        listener.loop = Task.Run(listener.RunAsync);
        return listener;
    }

    /// <summary>
    /// Waits until the local copy satisfies <paramref name="predicate"/> (checked now and after every change)
    /// and returns that value.
    /// </summary>
    public async Task<JsonElement> WaitUntilAsync(Func<JsonElement, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        while (true)
        {
            JsonElement current;
            Task next;
            bool ready;
            lock (gate)
            {
                (current, next, ready) = (value, changed.Task, hasValue);
            }

            if (ready && predicate(current))
            {
                return current;
            }

            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops listening and waits for the connection to close.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }

    private async Task RunAsync()
    {
        CancellationToken stop = stopping.Token;
        TimeSpan delay = options.InitialReconnectDelay;
        while (!stop.IsCancellationRequested)
        {
            Exception error;
            try
            {
                bool gotSnapshot = await ListenOnceAsync(stop).ConfigureAwait(false);
                if (gotSnapshot)
                {
                    delay = options.InitialReconnectDelay;
                }

                error = new IOException($"The stream for {Path} ended.");
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                error = e;
            }

            lock (gate)
            {
                connected = false;
                lastError = error;
            }

            Raise(Disconnected, error);
            await Task.Delay(delay, stop).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxReconnectDelay.Ticks));
        }
    }

    /// <summary>Runs one stream to its end; returns whether it delivered the initial snapshot.</summary>
    private async Task<bool> ListenOnceAsync(CancellationToken stop)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
        idle.CancelAfter(options.IdleTimeout);
        bool gotSnapshot = false;
        try
        {
            await foreach (DatabaseEvent databaseEvent in client.ListenAsync(Path, idle.Token).ConfigureAwait(false))
            {
                idle.CancelAfter(options.IdleTimeout);
                switch (databaseEvent)
                {
                    case PutEvent or PatchEvent:
                        gotSnapshot |= databaseEvent is PutEvent { Path: "/" };
                        Apply(databaseEvent, gotSnapshot);
                        break;
                    case CancelEvent cancel:
                        throw new FirebaseException(System.Net.HttpStatusCode.OK, cancel.Reason, null, $"The server cancelled the stream for {Path}: {cancel.Reason}");
                    case AuthRevokedEvent revoked:
                        throw new FirebaseException(System.Net.HttpStatusCode.OK, revoked.Reason, null, $"The credential for {Path} was revoked: {revoked.Reason}");
                }
            }
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            throw new TimeoutException($"No event for {Path} within {options.IdleTimeout}.");
        }

        return gotSnapshot;
    }

    private void Apply(DatabaseEvent databaseEvent, bool connectedNow)
    {
        JsonElement current;
        TaskCompletionSource signal;
        lock (gate)
        {
            cache.Apply(databaseEvent);
            value = current = cache.Value;
            if (connectedNow && !connected)
            {
                connected = true;
                connections++;
            }

            hasValue |= connectedNow;
            signal = changed;
            changed = NewSignal();
        }

        signal.TrySetResult();
        Raise(Changed, current);
    }

    private void Raise<T>(Action<T>? handler, T argument)
    {
        try
        {
            handler?.Invoke(argument);
        }
        catch (Exception e)
        {
            lock (gate)
            {
                lastError = e;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
