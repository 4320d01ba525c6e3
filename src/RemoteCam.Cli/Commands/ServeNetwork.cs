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

    /// <summary>Loads or makes the local CA (a new one with <paramref name="renewAuthority"/>) and this machine's server certificate for its current addresses.</summary>
    public static LanCertificates.Result Certificates(string dataDirectory, bool renewAuthority) =>
        LanCertificates.ForThisMachine(TlsDirectory(dataDirectory), renewAuthority);

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

        var folder = Path.GetFullPath(TlsDirectory(options.DataDirectory!));
        if (tls.AuthorityCreated)
        {
            await output.WriteLineAsync($"Created a local certificate authority in {folder}; phones that trusted an earlier one must install this one (and remove the old one).");
        }

        if (!tls.AuthorityConstrained)
        {
            await output.WriteLineAsync($"Warning: the local certificate authority in {folder} was made by an earlier version, without name constraints: "
                + "whoever gets a copy of its ca.key could impersonate any website to the phones that installed it.");
            await output.WriteLineAsync("  Renew it: run 'remotecam serve --lan --renew-ca' once (or delete ca.crt and ca.key there), "
                + "then on each phone install the new CA and remove the old 'RemoteCam local CA'; see docs/lan.md.");
        }

        if (tls.NotCovered.Count > 0)
        {
            await output.WriteLineAsync($"Not in the certificate (the local CA was made before this machine had them): {string.Join(", ", tls.NotCovered)}. "
                + "Phones cannot use them; 'remotecam serve --lan --renew-ca' makes a CA that covers them.");
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
