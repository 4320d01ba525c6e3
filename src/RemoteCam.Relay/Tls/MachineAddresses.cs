using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace RemoteCam.Relay.Tls;

/// <summary>The addresses other devices on the network can reach this machine at.</summary>
internal static class MachineAddresses
{
    /// <summary>
    /// Every unicast address of the interfaces that are up, except loopback and IPv6 link-local
    /// ones (browsers cannot open <c>fe80::…%eth0</c> URLs). Interfaces with a default gateway
    /// (the home network rather than a container bridge) come first, and IPv4 before IPv6.
    /// </summary>
    public static IReadOnlyList<IPAddress> Lan()
    {
        var found = new List<(IPAddress Address, bool Gateway)>();
        NetworkInterface[] interfaces;
        try
        {
            interfaces = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            return [];
        }

        foreach (var nic in interfaces)
        {
            if (nic.OperationalStatus != OperationalStatus.Up && nic.OperationalStatus != OperationalStatus.Unknown)
            {
                continue;
            }

            if (nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            var properties = nic.GetIPProperties();
            var gateway = properties.GatewayAddresses.Any(g => !g.Address.Equals(IPAddress.Any) && !g.Address.Equals(IPAddress.IPv6Any));
            foreach (var unicast in properties.UnicastAddresses)
            {
                var address = unicast.Address;
                if (IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || address.IsIPv6Multicast
                    || (address.AddressFamily != AddressFamily.InterNetwork && address.AddressFamily != AddressFamily.InterNetworkV6))
                {
                    continue;
                }

                if (address.IsIPv4MappedToIPv6)
                {
                    address = address.MapToIPv4();
                }

                found.Add((new IPAddress(address.GetAddressBytes()), gateway));
            }
        }

        return found
            .OrderByDescending(a => a.Gateway)
            .ThenBy(a => a.Address.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
            .Select(a => a.Address)
            .Distinct()
            .ToList();
    }

    /// <summary>This machine's name when it is a usable DNS name (labels of letters, digits, dashes), else null.</summary>
    public static string? HostName()
    {
        string name;
        try
        {
            name = Dns.GetHostName();
        }
        catch (SocketException)
        {
            return null;
        }

        return name.Length is > 0 and <= 253 && name.Split('.').All(IsLabel) ? name.ToLowerInvariant() : null;
    }

    private static bool IsLabel(string label) =>
        label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-' && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>An address as a URL host: IPv6 in brackets.</summary>
    public static string UrlHost(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
