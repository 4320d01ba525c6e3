using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>
/// Debian's coturn (<c>turnserver</c>) as a TURN server on 127.0.0.1 only (or on one address of a
/// test's own network), one per test: a free listening port (UDP and TCP), a small free range of
/// relay ports, the long-term credential mechanism with a random user and password, no DTLS, TLS
/// only when the test gives it a certificate (<see cref="TurnTls"/>), no CLI, no configuration file
/// of the machine, its pid file and user database in a temporary folder. A test gives
/// <see cref="Url"/> (or <see cref="TcpUrl"/>, <see cref="TlsUrl"/>), <see cref="Username"/> and
/// <see cref="Credential"/> to the pages and proves a call used the relay with
/// <see cref="Allocations"/> (counted from coturn's verbose log).
/// </summary>
internal sealed partial class TurnServer : IAsyncDisposable
{
    /// <summary>The environment variable that names the turnserver executable.</summary>
    public const string Variable = "REMOTECAM_TURNSERVER";

    /// <summary>How many UDP ports coturn may use for relayed addresses.</summary>
    public const int RelayPortCount = 50;

    /// <summary>The realm of the long-term credentials.</summary>
    public const string Realm = "remotecam.test";

    private const int FirstRelayBase = 50_000;
    private const int LastRelayBase = 60_000 - RelayPortCount;
    private const int StartAttempts = 3;
    private const int SigTerm = 15;
    private static readonly TimeSpan ReadyTime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopTime = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly string _folder;
    private readonly StringBuilder _log;

    private TurnServer(Process process, string folder, StringBuilder log, IPAddress address, int port, int? tlsPort, int relayMin, string username, string credential)
    {
        _process = process;
        _folder = folder;
        _log = log;
        Address = address;
        Port = port;
        TlsPort = tlsPort;
        RelayPorts = (relayMin, relayMin + RelayPortCount - 1);
        Username = username;
        Credential = credential;
    }

    /// <summary>The address coturn listens and relays on: 127.0.0.1 unless the test gave another.</summary>
    public IPAddress Address { get; }

    /// <summary>The UDP (and TCP) port coturn listens on.</summary>
    public int Port { get; }

    /// <summary>The TLS port, when coturn was given a certificate.</summary>
    public int? TlsPort { get; }

    /// <summary>The ICE server URL for pages, e.g. <c>turn:127.0.0.1:41234?transport=udp</c>.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"turn:{Address}:{Port}?transport=udp");

    /// <summary>The same server over TCP: <c>turn:ADDRESS:PORT?transport=tcp</c>.</summary>
    public string TcpUrl => string.Create(CultureInfo.InvariantCulture, $"turn:{Address}:{Port}?transport=tcp");

    /// <summary>The same server over TLS: <c>turns:ADDRESS:TLSPORT</c> (TLS over TCP).</summary>
    public string TlsUrl => string.Create(CultureInfo.InvariantCulture, $"turns:{Address}:{TlsPort ?? throw new InvalidOperationException("coturn was started without TLS.")}");

    /// <summary>The user of the long-term credentials (random per server).</summary>
    public string Username { get; }

    /// <summary>The password of <see cref="Username"/> (random per server).</summary>
    public string Credential { get; }

    /// <summary>The ports relayed addresses (relay candidates) are taken from, both ends included.</summary>
    public (int Min, int Max) RelayPorts { get; }

    /// <summary>Everything coturn has printed so far (stdout and stderr), for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Allocations coturn granted so far: one per TURN session that authenticated and got a
    /// relayed address (coturn logs <c>session N: new, realm=&lt;…&gt;, username=&lt;…&gt;</c>).
    /// </summary>
    public int Allocations => AllocatedSessions().Count;

    /// <summary>Allocations granted to <paramref name="username"/>.</summary>
    public int AllocationsOf(string username) => AllocatedSessions().Count(s => s.Username == username);

    /// <summary>
    /// Peer permissions coturn installed (CreatePermission or ChannelBind that succeeded): a
    /// client asked to exchange data with a peer through its relayed address.
    /// </summary>
    public int PeerPermissions => PermissionLine().Count(Log);

    /// <summary>Requests refused because the password was wrong (<c>user … credentials are incorrect</c>).</summary>
    public int RejectedCredentials => WrongCredentialsLine().Count(Log);

    /// <summary>
    /// The executable: <c>$REMOTECAM_TURNSERVER</c>, else <c>turnserver</c> on <c>PATH</c>, else
    /// <c>/usr/bin/turnserver</c>; a clear failure when none exists.
    /// </summary>
    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{Variable} is set to '{configured}', which does not exist.");
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "turnserver"))
            .Append("/usr/bin/turnserver")
            .FirstOrDefault(File.Exists);
        return onPath ?? throw new InvalidOperationException(
            "coturn's turnserver is needed for the TURN tests: install Debian's package ('apt-get install coturn') "
            + $"or set {Variable} to a turnserver executable. See docs/testing.md.");
    }

    /// <summary>Starts coturn and returns once it answers a STUN binding request on <see cref="Port"/>.</summary>
    /// <param name="address">Where to listen and relay (default 127.0.0.1): an address of this machine the test made.</param>
    /// <param name="tls">A certificate and key: coturn then also listens for TLS on <see cref="TlsPort"/>.</param>
    public static async Task<TurnServer> StartAsync(IPAddress? address = null, TurnTls? tls = null)
    {
        address ??= IPAddress.Loopback;
        var executable = Locate();
        var failures = new StringBuilder();
        for (var attempt = 1; attempt <= StartAttempts; attempt++)
        {
            // Ports are checked free, then released for coturn: another program may take one in
            // between, so a start that does not answer is tried again on other ports.
            var port = FreeListeningPort();
            int? tlsPort = tls is null ? null : FreeListeningPort();
            var relayMin = FreeRelayRange();
            var username = "u" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var credential = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var folder = Path.Combine(Path.GetTempPath(), "remotecam-turn-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);

            var log = new StringBuilder();
            var process = Launch(executable, folder, log, address, port, tlsPort, tls, relayMin, username, credential);
            var server = new TurnServer(process, folder, log, address, port, tlsPort, relayMin, username, credential);
            var mapped = await server.WaitUntilReadyAsync();
            if (mapped is not null)
            {
                return server;
            }

            failures.Append(CultureInfo.InvariantCulture, $"--- attempt {attempt} on port {port}, relay ports {relayMin}-{relayMin + RelayPortCount - 1}:\n");
            await server.DisposeAsync();
            failures.AppendLine(server.Log);
        }

        throw new InvalidOperationException(
            $"coturn ({executable}) did not answer a STUN binding request within {ReadyTime.TotalSeconds:0} s in {StartAttempts} attempts. Its output:\n{failures}");
    }

    /// <summary>
    /// Sends one STUN Binding request (RFC 5389) over UDP to <paramref name="server"/> and returns
    /// the XOR-MAPPED-ADDRESS of its success response; null when no matching response came in time.
    /// </summary>
    public static async Task<IPEndPoint?> StunBindingAsync(IPEndPoint server, TimeSpan wait)
    {
        using var socket = new UdpClient(new IPEndPoint(server.Address, 0));
        var request = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(0), 0x0001); // Binding request
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(2), 0); // no attributes
        BinaryPrimitives.WriteUInt32BigEndian(request.AsSpan(4), MagicCookie);
        var transaction = RandomNumberGenerator.GetBytes(12);
        transaction.CopyTo(request, 8);
        await socket.SendAsync(request, server);

        using var timeout = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(timeout.Token);
                if (ParseBindingSuccess(received.Buffer, transaction) is { } mapped)
                {
                    return mapped;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Stops coturn (SIGTERM, then SIGKILL after 5 s) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigTerm);
            using var wait = new CancellationTokenSource(StopTime);
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temp cleaning.
        }
    }

    private const uint MagicCookie = 0x2112A442;

    private static Process Launch(
        string executable, string folder, StringBuilder log, IPAddress address, int port, int? tlsPort, TurnTls? tls, int relayMin, string username, string credential)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "-n", // no configuration file: only these options
            "--listening-ip", address.ToString(),
            "--listening-port", port.ToString(CultureInfo.InvariantCulture),
            "--relay-ip", address.ToString(),
            "--min-port", relayMin.ToString(CultureInfo.InvariantCulture),
            "--max-port", (relayMin + RelayPortCount - 1).ToString(CultureInfo.InvariantCulture),
            "--lt-cred-mech",
            "--user", $"{username}:{credential}",
            "--realm", Realm,
            // Both ends of a test call are on this machine, so peers are loopback addresses.
            "--allow-loopback-peers",
            "--no-multicast-peers",
            .. tls is null
                ? (string[])["--no-tls"]
                : ["--tls-listening-port", tlsPort!.Value.ToString(CultureInfo.InvariantCulture), "--cert", tls.CertificateFile, "--pkey", tls.KeyFile],
            "--no-dtls",
            "--no-tcp-relay",
            "--no-cli",
            "--no-rfc5780",
            "--relay-threads", "1",
            "--pidfile", Path.Combine(folder, "turnserver.pid"),
            "--db", Path.Combine(folder, "turndb"),
            "--log-file", "stdout",
            "--simple-log",
            // Verbose: listeners, sessions ("session N: new") and permissions are logged.
            "--verbose",
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        DataReceivedEventHandler append = (_, line) =>
        {
            if (line.Data is not null)
            {
                lock (log)
                {
                    log.AppendLine(line.Data);
                }
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        if (!process.Start())
        {
            throw new InvalidOperationException($"{executable} did not start.");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<IPEndPoint?> WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + ReadyTime;
        var server = new IPEndPoint(Address, Port);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            if (await StunBindingAsync(server, TimeSpan.FromMilliseconds(200)) is { } mapped)
            {
                return mapped;
            }
        }

        return null;
    }

    private static IPEndPoint? ParseBindingSuccess(byte[] message, byte[] transaction)
    {
        if (message.Length < 20
            || BinaryPrimitives.ReadUInt16BigEndian(message) != 0x0101 // Binding success response
            || BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(4)) != MagicCookie
            || !message.AsSpan(8, 12).SequenceEqual(transaction))
        {
            return null;
        }

        var length = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(2)), message.Length - 20);
        var attributes = message.AsSpan(20, length);
        while (attributes.Length >= 4)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(attributes);
            var size = BinaryPrimitives.ReadUInt16BigEndian(attributes[2..]);
            if (attributes.Length < 4 + size)
            {
                return null;
            }

            var value = attributes.Slice(4, size);
            if (type == 0x0020 && size == 8 && value[1] == 0x01) // XOR-MAPPED-ADDRESS, IPv4
            {
                var port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (int)(MagicCookie >> 16);
                var address = BinaryPrimitives.ReadUInt32BigEndian(value[4..]) ^ MagicCookie;
                var bytes = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(bytes, address);
                return new IPEndPoint(new IPAddress(bytes), port);
            }

            // Attributes are padded to 4 bytes.
            attributes = attributes[Math.Min(attributes.Length, 4 + ((size + 3) & ~3))..];
        }

        return null;
    }

    // A port free on 127.0.0.1 for both UDP and TCP (coturn listens on both).
    private static int FreeListeningPort()
    {
        for (var tries = 0; tries < 20; tries++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            if (IsFree(port, SocketType.Stream, ProtocolType.Tcp))
            {
                return port;
            }
        }

        throw new InvalidOperationException("No port on 127.0.0.1 was free for both UDP and TCP in 20 tries.");
    }

    // The first port of RelayPortCount consecutive UDP ports free on 127.0.0.1, from a random base.
    private static int FreeRelayRange()
    {
        for (var tries = 0; tries < 20; tries++)
        {
            var first = RandomNumberGenerator.GetInt32(FirstRelayBase, LastRelayBase + 1);
            if (Enumerable.Range(first, RelayPortCount).All(port => IsFree(port, SocketType.Dgram, ProtocolType.Udp)))
            {
                return first;
            }
        }

        throw new InvalidOperationException(
            $"No {RelayPortCount} consecutive UDP ports between {FirstRelayBase} and {LastRelayBase + RelayPortCount - 1} were free on 127.0.0.1 in 20 tries.");
    }

    private static bool IsFree(int port, SocketType type, ProtocolType protocol)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private List<(string Session, string Username)> AllocatedSessions() =>
        [.. NewSessionLine().Matches(Log).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).Distinct()];

    [GeneratedRegex(@"session (\d+): new, realm=<[^>]*>, username=<([^>]*)>")]
    private static partial Regex NewSessionLine();

    [GeneratedRegex(@"incoming packet (?:CREATE_PERMISSION|CHANNEL_BIND) processed, success")]
    private static partial Regex PermissionLine();

    [GeneratedRegex(@"ERROR: check_stun_auth: user \S* credentials are incorrect")]
    private static partial Regex WrongCredentialsLine();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>A certificate (PEM, with its chain) and its private key (PEM) for coturn's TLS listener.</summary>
internal sealed record TurnTls(string CertificateFile, string KeyFile);
