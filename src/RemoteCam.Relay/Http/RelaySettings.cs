namespace RemoteCam.Relay.Http;

/// <summary>The per-request settings the endpoints need, taken from <see cref="RelayOptions"/>.</summary>
internal sealed record RelaySettings(string DefaultNamespace, int MaxDatabases, int MaxQueuedEvents, long MaxQueuedBytes)
{
    public static RelaySettings From(RelayOptions options) =>
        new(options.DefaultNamespace, options.MaxDatabases, options.MaxQueuedEventsPerStream, options.MaxQueuedBytesPerStream);
}
