using System.Formats.Asn1;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace RemoteCam.Relay.Tls;

/// <summary>
/// The X.509 Name Constraints extension (RFC 5280 §4.2.1.10) of the local CA: the only DNS names
/// and IP addresses certificates under it may name. Phones that installed the CA then refuse a
/// certificate for any other site, even one signed with a leaked <c>ca.key</c>. Only permitted
/// subtrees of type dNSName and iPAddress are written; the extension is critical.
/// </summary>
internal sealed class NameConstraints
{
    public const string Oid = "2.5.29.30";

    /// <summary>
    /// Addresses no public site can have: private networks (RFC 1918), IPv4 link-local, loopback,
    /// IPv6 unique local (fc00::/7) and loopback. Covered whatever address DHCP gives later.
    /// </summary>
    public static readonly IReadOnlyList<IPNetwork> PrivateRanges =
    [
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("::1/128"),
    ];

    private const int DnsTag = 2;
    private const int IpTag = 7;
    private static readonly Asn1Tag Permitted = new(TagClass.ContextSpecific, 0, isConstructed: true);

    public NameConstraints(IEnumerable<string> dnsNames, IEnumerable<IPNetwork> subnets)
    {
        DnsNames = [.. dnsNames.Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal)];
        Subnets = [.. subnets.Distinct()];
    }

    /// <summary>Permitted DNS names: each one and its subdomains.</summary>
    public IReadOnlyList<string> DnsNames { get; }

    /// <summary>Permitted IP ranges.</summary>
    public IReadOnlyList<IPNetwork> Subnets { get; }

    /// <summary>
    /// The constraints for a CA that issues for <paramref name="dnsNames"/> and this machine's
    /// <paramref name="addresses"/>: those names, the private ranges, and each address outside them
    /// exactly (a global IPv6 or public IPv4 address of this machine; nothing around it).
    /// </summary>
    public static NameConstraints For(IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses) =>
        new(dnsNames, PrivateRanges.Concat(addresses
            .Where(a => !PrivateRanges.Any(r => r.Contains(a)))
            .Select(a => new IPNetwork(a, a.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))));

    /// <summary>The constraints of <paramref name="authority"/>, or null when it has none.</summary>
    public static NameConstraints? Of(X509Certificate2 authority)
    {
        var extension = authority.Extensions[Oid];
        return extension is null ? null : Decode(extension.RawData);
    }

    /// <summary>Whether a certificate naming <paramref name="dnsName"/> is allowed: the name itself or a subdomain of a permitted name.</summary>
    public bool Permits(string dnsName) => DnsNames.Any(permitted =>
        dnsName.Equals(permitted, StringComparison.OrdinalIgnoreCase)
        || dnsName.EndsWith("." + permitted, StringComparison.OrdinalIgnoreCase));

    public bool Permits(IPAddress address) => Subnets.Any(s => s.Contains(address));

    public X509Extension ToExtension()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence(Permitted))
        {
            foreach (var name in DnsNames)
            {
                using (writer.PushSequence())
                {
                    writer.WriteCharacterString(UniversalTagNumber.IA5String, name, new Asn1Tag(TagClass.ContextSpecific, DnsTag));
                }
            }

            foreach (var subnet in Subnets)
            {
                using (writer.PushSequence())
                {
                    writer.WriteOctetString(AddressAndMask(subnet), new Asn1Tag(TagClass.ContextSpecific, IpTag));
                }
            }
        }

        return new X509Extension(Oid, writer.Encode(), critical: true);
    }

    /// <summary>Reads the permitted dNSName and iPAddress subtrees; anything else in the extension is skipped.</summary>
    public static NameConstraints Decode(byte[] der)
    {
        var dns = new List<string>();
        var subnets = new List<IPNetwork>();
        var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        if (outer.HasData && outer.PeekTag() == Permitted)
        {
            var subtrees = outer.ReadSequence(Permitted);
            while (subtrees.HasData)
            {
                var subtree = subtrees.ReadSequence();
                var tag = subtree.PeekTag();
                if (tag == new Asn1Tag(TagClass.ContextSpecific, DnsTag))
                {
                    dns.Add(subtree.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                }
                else if (tag == new Asn1Tag(TagClass.ContextSpecific, IpTag) && FromAddressAndMask(subtree.ReadOctetString(tag)) is { } subnet)
                {
                    subnets.Add(subnet);
                }
            }
        }

        return new NameConstraints(dns, subnets);
    }

    /// <summary>RFC 5280's encoding of a range: the address, then the mask (8 bytes for IPv4, 32 for IPv6).</summary>
    private static byte[] AddressAndMask(IPNetwork subnet)
    {
        var address = subnet.BaseAddress.GetAddressBytes();
        var mask = new byte[address.Length];
        for (var bit = 0; bit < subnet.PrefixLength; bit++)
        {
            mask[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }

        return [.. address, .. mask];
    }

    private static IPNetwork? FromAddressAndMask(byte[] bytes)
    {
        if (bytes.Length is not (8 or 32))
        {
            return null;
        }

        var half = bytes.Length / 2;
        var prefix = 0;
        while (prefix < half * 8 && (bytes[half + (prefix / 8)] & (0x80 >> (prefix % 8))) != 0)
        {
            prefix++;
        }

        var address = new IPAddress(bytes.AsSpan(0, half));
        return IPNetwork.TryParse($"{address}/{prefix}", out var network) ? network : null;
    }
}
