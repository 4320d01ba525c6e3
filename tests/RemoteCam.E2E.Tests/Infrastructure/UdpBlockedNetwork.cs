using System.Globalization;
using System.Net;
using System.Security.Cryptography;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>
/// Two networks that drop UDP: a camera network and a viewer network, each a network namespace
/// joined to this machine by a veth pair the test makes (<c>ip netns</c>, <c>ip link</c>; root
/// needed). This machine has no packet filter (no iptables, no nft), so UDP is dropped by policy
/// routing instead: in each namespace a rule ahead of every routing table sends every UDP packet
/// that leaves it to a blackhole (<c>ip rule add pref 100 ipproto udp blackhole</c>, IPv4 and
/// IPv6), while TCP is routed normally. The only address either namespace can reach is
/// <see cref="ServerAddress"/>, the machine's end of the camera pair (the viewer namespace has a
/// host route to it and nothing else), where the relay and coturn listen; the two namespaces
/// cannot reach each other at all, so a call between them must go through the TURN server, over
/// TCP or TLS. Addresses are picked in 10.0.0.0/8 where this machine has none. Disposing deletes
/// the namespaces (and with them the veth pairs) and the wrapper scripts; namespaces left by a
/// test process that died are deleted by the next one.
/// </summary>
internal sealed class UdpBlockedNetwork : INetworkNamespaces
{
    private const string Prefix = "rcub-";
    private readonly string _folder;
    private readonly List<string> _namespaces;

    private UdpBlockedNetwork(string folder, IPAddress server, string camera, string viewer)
    {
        _folder = folder;
        ServerAddress = server;
        CameraNamespace = camera;
        ViewerNamespace = viewer;
        _namespaces = [camera, viewer];
    }

    /// <summary>This machine's end of the camera network: where the relay and the TURN server listen.</summary>
    public IPAddress ServerAddress { get; }

    public string CameraNamespace { get; }

    public string ViewerNamespace { get; }

    public static async Task<UdpBlockedNetwork> CreateAsync()
    {
        var ip = Ip.Locate();
        if (!Ip.IsRoot())
        {
            throw new InvalidOperationException("The UDP-blocked network tests make network namespaces and veth pairs: run them as root (sudo ./test.sh). See docs/testing.md.");
        }

        await Ip.RemoveStaleAsync(ip, Prefix);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var (a, b) = await Ip.FreeSubnetAsync(ip);
        string Address(int host) => string.Create(CultureInfo.InvariantCulture, $"10.{a}.{b}.{host}");
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var camera = $"{Prefix}{pid}-{id}-cam";
        var viewer = $"{Prefix}{pid}-{id}-view";
        var folder = Path.Combine(Path.GetTempPath(), "remotecam-netns-" + id);
        Directory.CreateDirectory(folder);
        var network = new UdpBlockedNetwork(folder, IPAddress.Parse(Address(1)), camera, viewer);
        try
        {
            // Camera network 10.a.b.0/30: this machine .1, the namespace .2.
            await network.JoinAsync(ip, camera, $"rcu{id}c", $"rcu{id}C", Address(1), Address(2), route: null);
            // Viewer network 10.a.b.4/30: this machine .5, the namespace .6, and a route to the server address only.
            await network.JoinAsync(ip, viewer, $"rcu{id}v", $"rcu{id}V", Address(5), Address(6), route: (Address(1), Address(5)));
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }

        return network;
    }

    /// <summary>
    /// An executable that runs chromium inside <paramref name="networkNamespace"/>: a script
    /// <c>exec ip netns exec NS chromium "$@"</c>, for Playwright's ExecutablePath.
    /// </summary>
    public string ChromiumIn(string networkNamespace) => Ip.ChromiumScript(_folder, networkNamespace);

    /// <summary>The routing rules of a namespace, for failure messages.</summary>
    public Task<string> RulesAsync(string networkNamespace) => Ip.RunAsync(Ip.Locate(), "-n", networkNamespace, "rule", "list");

    public async ValueTask DisposeAsync()
    {
        var ip = Ip.Locate();
        foreach (var name in _namespaces)
        {
            // Deleting a namespace destroys the veth end inside it, and with it the pair.
            await Ip.TryAsync(ip, "netns", "delete", name);
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temp cleaning.
        }
    }

    private async Task JoinAsync(string ip, string name, string hostEnd, string namespaceEnd, string hostAddress, string namespaceAddress, (string To, string Via)? route)
    {
        await Ip.RunAsync(ip, "netns", "add", name);
        await Ip.RunAsync(ip, "-n", name, "link", "set", "lo", "up");
        await Ip.RunAsync(ip, "link", "add", hostEnd, "type", "veth", "peer", "name", namespaceEnd, "netns", name);
        await Ip.RunAsync(ip, "addr", "add", hostAddress + "/30", "dev", hostEnd);
        await Ip.RunAsync(ip, "link", "set", hostEnd, "up");
        await Ip.RunAsync(ip, "-n", name, "addr", "add", namespaceAddress + "/30", "dev", namespaceEnd);
        await Ip.RunAsync(ip, "-n", name, "link", "set", namespaceEnd, "up");
        if (route is { } r)
        {
            await Ip.RunAsync(ip, "-n", name, "route", "add", r.To + "/32", "via", r.Via);
        }

        // The "firewall": every UDP packet leaving the namespace goes nowhere; local delivery (rule 0) is untouched.
        await Ip.RunAsync(ip, "-n", name, "-4", "rule", "add", "pref", "100", "ipproto", "udp", "blackhole");
        await Ip.RunAsync(ip, "-n", name, "-6", "rule", "add", "pref", "100", "ipproto", "udp", "blackhole");
    }
}
