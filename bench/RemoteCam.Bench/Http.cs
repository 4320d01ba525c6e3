namespace RemoteCam.Bench;

internal static class Http
{
    /// <summary>No proxy, no connection limit, connections never recycled, no idle timeout worth speaking of.</summary>
    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(15),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
