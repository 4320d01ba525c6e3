using System.Globalization;
using System.Net;
using System.Security.Cryptography;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>
/// A home network whose links can be cut: a switch (a Linux bridge inside a network namespace of
/// its own) with three ports, one to this machine (where the relay listens, <see cref="ServerAddress"/>),
/// one to a camera namespace and one to a viewer namespace, all veth pairs the test makes
/// (<c>ip netns</c>, <c>ip link</c>; root needed). Camera and viewer reach each other directly
/// (host candidates, peer to peer) and the relay on this machine, and nothing else.
/// <see cref="CutAsync"/> sets the device's switch port to the bridge's "disabled" state: every
/// frame to or from that device is dropped silently, while its own interface stays up with its
/// address (like a Wi-Fi access point that lost its uplink: the phone sees nothing, packets
/// vanish). <see cref="RestoreAsync"/> sets the port forwarding again. Disposing deletes the
/// namespaces (and with them the veth pairs); namespaces left by a test process that died are
/// deleted by the next one.
/// </summary>
internal sealed class CuttableNetwork : INetworkNamespaces
{
    private const string Prefix = "rcnf-";
    private readonly string _folder;
    private readonly string _switch;
    private readonly Dictionary<string, string> _ports = [];

    private CuttableNetwork(string folder, string id, IPAddress server)
    {
        _folder = folder;
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        _switch = $"{Prefix}{pid}-{id}-lan";
        CameraNamespace = $"{Prefix}{pid}-{id}-cam";
        ViewerNamespace = $"{Prefix}{pid}-{id}-view";
        ServerAddress = server;
    }

    /// <summary>This machine's port on the switch: where the relay listens.</summary>
    public IPAddress ServerAddress { get; }

    public string CameraNamespace { get; }

    public string ViewerNamespace { get; }

    public static async Task<CuttableNetwork> CreateAsync()
    {
        var ip = Ip.Locate();
        if (!Ip.IsRoot())
        {
            throw new InvalidOperationException("The network fault tests make network namespaces and veth pairs: run them as root (sudo ./test.sh). See docs/testing.md.");
        }

        await Ip.RemoveStaleAsync(ip, Prefix);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var (a, b) = await Ip.FreeSubnetAsync(ip);
        string Address(int host) => string.Create(CultureInfo.InvariantCulture, $"10.{a}.{b}.{host}/29");
        var folder = Path.Combine(Path.GetTempPath(), "remotecam-netns-" + id);
        Directory.CreateDirectory(folder);
        var network = new CuttableNetwork(folder, id, IPAddress.Parse(Address(1).Split('/')[0]));
        try
        {
            await Ip.RunAsync(ip, "netns", "add", network._switch);
            await Ip.RunAsync(ip, "-n", network._switch, "link", "add", "switch", "type", "bridge");
            await Ip.RunAsync(ip, "-n", network._switch, "link", "set", "switch", "up");

            // This machine's port: its end stays here, with the server address.
            var host = $"rcn{id}h";
            await Ip.RunAsync(ip, "link", "add", host, "type", "veth", "peer", "name", "server", "netns", network._switch);
            await network.PlugAsync(ip, "server");
            await Ip.RunAsync(ip, "addr", "add", Address(1), "dev", host);
            await Ip.RunAsync(ip, "link", "set", host, "up");

            await network.JoinAsync(ip, network.CameraNamespace, "camera", Address(2));
            await network.JoinAsync(ip, network.ViewerNamespace, "viewer", Address(3));
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }

        return network;
    }

    public string ChromiumIn(string networkNamespace) => Ip.ChromiumScript(_folder, networkNamespace);

    /// <summary>From now on every packet to or from the device in <paramref name="networkNamespace"/> is lost.</summary>
    public Task CutAsync(string networkNamespace) => SetPortAsync(networkNamespace, "disabled");

    /// <summary>The device in <paramref name="networkNamespace"/> is connected again.</summary>
    public Task RestoreAsync(string networkNamespace) => SetPortAsync(networkNamespace, "forwarding");

    public async ValueTask DisposeAsync()
    {
        var ip = Ip.Locate();
        foreach (var name in new[] { CameraNamespace, ViewerNamespace, _switch })
        {
            // Deleting a namespace destroys the veth ends inside it, and with them the pairs.
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

    private async Task JoinAsync(string ip, string name, string port, string address)
    {
        await Ip.RunAsync(ip, "netns", "add", name);
        await Ip.RunAsync(ip, "-n", name, "link", "set", "lo", "up");
        await Ip.RunAsync(ip, "-n", name, "link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", _switch);
        await PlugAsync(ip, port);
        await Ip.RunAsync(ip, "-n", name, "addr", "add", address, "dev", "eth0");
        await Ip.RunAsync(ip, "-n", name, "link", "set", "eth0", "up");
        _ports[name] = port;
    }

    private async Task PlugAsync(string ip, string port)
    {
        await Ip.RunAsync(ip, "-n", _switch, "link", "set", port, "master", "switch");
        await Ip.RunAsync(ip, "-n", _switch, "link", "set", port, "up");
    }

    private async Task SetPortAsync(string networkNamespace, string state)
    {
        var bridge = Path.Combine(Path.GetDirectoryName(Ip.Locate())!, "bridge");
        var port = _ports[networkNamespace];
        bridge = File.Exists(bridge) ? bridge : "bridge";
        await Ip.RunAsync(bridge, "-n", _switch, "link", "set", "dev", port, "state", state == "disabled" ? "0" : "3");
        var shown = await Ip.RunAsync(bridge, "-n", _switch, "link", "show", "dev", port);
        if (!shown.Contains("state " + state, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the switch port {port} did not become {state}: {shown}");
        }
    }
}
