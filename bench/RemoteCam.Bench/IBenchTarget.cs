namespace RemoteCam.Bench;

/// <summary>A running server under test (in its own process) and how to talk to it.</summary>
internal interface IBenchTarget : IAsyncDisposable
{
    /// <summary>Short name used in reports: "relay" or "nchan".</summary>
    string Name { get; }

    /// <summary>
    /// True when a stream counts as established once response headers arrive (nchan); false when the
    /// server sends an initial event that marks it (the relay's first <c>put</c>).
    /// </summary>
    bool ReadyOnHeaders { get; }

    /// <summary>The processes whose resident memory is the server's (nginx: the workers).</summary>
    IReadOnlyList<int> MemoryProcessIds();

    /// <summary>A GET that opens an SSE stream on a channel ("inbox/12", "shared").</summary>
    HttpRequestMessage CreateSubscribe(string channel);

    /// <summary>A write of <paramref name="payload"/> to a channel, to be delivered to its subscribers.</summary>
    HttpRequestMessage CreatePublish(string channel, byte[] payload);
}
