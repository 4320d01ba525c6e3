namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>Network namespaces a test made, each able to run a browser inside it.</summary>
internal interface INetworkNamespaces : IAsyncDisposable
{
    /// <summary>An executable that runs chromium inside <paramref name="networkNamespace"/>.</summary>
    string ChromiumIn(string networkNamespace);
}
