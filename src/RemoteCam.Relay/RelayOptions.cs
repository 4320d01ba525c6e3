using System.Security.Cryptography.X509Certificates;

namespace RemoteCam.Relay;

/// <summary>How to run a relay. Defaults suit one machine; every limit is explicit.</summary>
public sealed record RelayOptions
{
    /// <summary>
    /// The address to listen on: an IP address, <c>localhost</c>, <c>0.0.0.0</c> for every IPv4
    /// interface, or <c>*</c> for every interface, IPv4 and IPv6 (IPv4 only where IPv6 is off).
    /// </summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free one (see <see cref="RelayServer.Url"/>).</summary>
    public int Port { get; init; } = 9000;

    /// <summary>Where data is kept (one folder per database); null keeps everything in memory only.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The database used when a request names none with <c>?ns=</c>.</summary>
    public string DefaultNamespace { get; init; } = "remotecam";

    /// <summary>How many databases (<c>?ns=</c> names) one relay serves.</summary>
    public int MaxDatabases { get; init; } = 100;

    /// <summary>How often an idle stream gets a <c>keep-alive</c> event.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Events a stream (or messages a WebSocket connection) may have waiting before it is closed
    /// as too slow (the client then reconnects).
    /// </summary>
    public int MaxQueuedEventsPerStream { get; init; } = 4096;

    /// <summary>Bytes a stream may have waiting before it is closed as too slow.</summary>
    public long MaxQueuedBytesPerStream { get; init; } = 32L * 1024 * 1024;

    /// <summary>
    /// How often the relay pings each WebSocket client (<c>/.ws</c>). With
    /// <see cref="WebSocketPingTimeout"/> it bounds how long a client that vanished without closing
    /// (network gone, phone off) keeps its session: at most interval + timeout, then its
    /// onDisconnect operations run.
    /// </summary>
    public TimeSpan WebSocketPingInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the relay waits for a WebSocket client's pong before dropping it.</summary>
    public TimeSpan WebSocketPingTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Listens one WebSocket connection may hold; one more is refused (<c>too_many_listens</c>).</summary>
    public int WebSocketMaxListens { get; init; } = 5000;

    /// <summary>The largest message a WebSocket client may send (after joining its frames); a larger one closes the connection (1009).</summary>
    public int WebSocketMaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Journal bytes written after which a new snapshot is taken, bounding restart time.</summary>
    public long SnapshotAfterBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// A database.rules.json for every database, reloaded when it changes. Null: no rules, so
    /// access is open (as the Firebase emulator without a rules file) unless a database's rules
    /// are set with <c>PUT /.settings/rules.json</c>.
    /// </summary>
    public string? RulesFile { get; init; }

    /// <summary>The project id in the ID tokens the relay issues (their <c>aud</c>, and <c>iss</c> suffix).</summary>
    public string ProjectId { get; init; } = "demo-remotecam";

    /// <summary>
    /// Accept unsigned (<c>alg: none</c>) ID tokens, as Firebase's emulators do, for tools and
    /// tests. Off by default: anyone who can reach the relay could otherwise claim any uid.
    /// </summary>
    public bool AcceptUnsignedTokens { get; init; }

    /// <summary>New anonymous accounts per hour from one address (loopback is not limited), as Firebase limits.</summary>
    public int SignUpsPerHourPerAddress { get; init; } = 100;

    /// <summary>
    /// The built pages (web/dist, shipped as <c>wwwroot</c> next to the CLI), served for GET and
    /// HEAD of every URL that is not a database path; null serves no pages (those URLs are 404).
    /// </summary>
    public string? WebRoot { get; init; }

    /// <summary>Serve HTTPS on <see cref="Host"/>:<see cref="Port"/> with this certificate (it must have its private key); null serves plain HTTP.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>
    /// The certificate authority that issued <see cref="Certificate"/>, offered to devices at
    /// <c>/remotecam-ca.crt</c> (DER) and <c>/remotecam-ca.pem</c>; null offers none.
    /// </summary>
    public X509Certificate2? CertificateAuthority { get; init; }

    /// <summary>
    /// Also listen with plain HTTP on 127.0.0.1 at this port (0 picks a free one), for the tools on
    /// this machine while <see cref="Host"/>:<see cref="Port"/> serves HTTPS to the network; null
    /// opens no second endpoint.
    /// </summary>
    public int? LoopbackHttpPort { get; init; }

    /// <summary>
    /// The bucket the pages are told about (<c>storageBucket</c> in <c>/__/firebase/init.json</c>)
    /// and that always exists; other valid names appear on their first upload (at most 100).
    /// </summary>
    public string StorageBucket { get; init; } = "demo-remotecam.appspot.com";

    /// <summary>
    /// A storage.rules file deciding what signed-in users may do through the Firebase Storage API,
    /// reloaded when it changes; null denies every non-admin request (the admin is never checked).
    /// </summary>
    public string? StorageRulesFile { get; init; }

    /// <summary>The largest object the relay stores; a larger upload is refused (413) and nothing is kept.</summary>
    public long StorageMaxObjectBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Upload requests receiving bytes at once; one more is refused with 429 (the clients retry).</summary>
    public int StorageMaxUploadsInFlight { get; init; } = 32;

    /// <summary>Resumable upload sessions open at once (each lasts at most 7 days).</summary>
    public int StorageMaxOpenSessions { get; init; } = 1000;

    /// <summary>Where log lines go; null is silent.</summary>
    public TextWriter? Log { get; init; }
}
