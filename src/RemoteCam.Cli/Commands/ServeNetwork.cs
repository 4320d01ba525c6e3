using RemoteCam.Relay;
using RemoteCam.Relay.Tls;

namespace RemoteCam.Cli.Commands;

/// <summary>
/// What <c>remotecam serve</c> adds around the relay for browsers: the pages it serves, and with
/// <c>--lan</c> HTTPS for the phones on this network (docs/lan.md).
/// </summary>
internal static class ServeNetwork
{
    public const int DefaultPort = 9000;
    public const int DefaultLanPort = 9443;

    /// <summary>The pages installed next to the program (web/dist, copied as wwwroot by the build), when present.</summary>
    public static string? InstalledPages()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return File.Exists(Path.Combine(folder, "index.html")) ? folder : null;
    }

    /// <summary>The certificate folder in the data directory: <c>DATA/.tls</c>.</summary>
    public static string TlsDirectory(string dataDirectory) => Path.Combine(dataDirectory, ".tls");

    /// <summary>Loads or makes the local CA and this machine's server certificate for its current addresses.</summary>
    public static LanCertificates.Result Certificates(string dataDirectory) =>
        LanCertificates.ForThisMachine(TlsDirectory(dataDirectory));

    /// <summary>Where the pages are, and under --lan how phones reach them and check the certificate.</summary>
    public static async Task PrintAsync(TextWriter output, RelayServer relay, RelayOptions options, LanCertificates.Result? tls)
    {
        await output.WriteLineAsync(options.WebRoot is null
            ? "Pages: none (this build has no wwwroot folder; see --web)."
            : $"Pages: {relay.LocalUrl}");
        if (tls is null)
        {
            return;
        }

        if (tls.AuthorityCreated)
        {
            await output.WriteLineAsync($"Created a local certificate authority in {Path.GetFullPath(TlsDirectory(options.DataDirectory!))}; phones that trusted an earlier one must install this one.");
        }

        if (relay.PublicUrls.Count == 0)
        {
            await output.WriteLineAsync("No network address found: phones cannot reach this machine yet (connect it to the network and restart).");
        }

        foreach (var url in relay.PublicUrls)
        {
            await output.WriteLineAsync($"On this network: {url}");
        }

        await output.WriteLineAsync($"CA certificate SHA-256: {LanCertificates.Fingerprint(tls.Authority)}");
        await output.WriteLineAsync($"  Install it from {new Uri(relay.PublicUrl, "remotecam-ca.crt")} (check the fingerprint), or accept the browser's warning once per address; see docs/lan.md.");
    }
}
