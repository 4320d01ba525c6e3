using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

using RemoteCam.Relay.Tls;

namespace RemoteCam.Relay.Tests.Tls;

/// <summary>
/// The local CA of <c>serve --lan</c> is name-constrained: a certificate signed with its key (a
/// leaked <c>ca.key</c>) chains only for private addresses and this machine's own names and
/// addresses. The chain is built by .NET's X509Chain, which on Linux is OpenSSL's verifier.
/// </summary>
public sealed class NameConstraintTests : IDisposable
{
    private static readonly IPAddress[] Addresses = [IPAddress.Parse("192.168.1.20"), IPAddress.Parse("fd00::20"), IPAddress.Parse("2001:db8::20")];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "remotecam-nc-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void The_ca_permits_private_ranges_this_machines_own_addresses_and_names_in_a_critical_extension()
    {
        var made = LanCertificates.LoadOrCreate(_folder, Addresses, "camera-host", DateTimeOffset.UtcNow);

        var extension = made.Authority.Extensions["2.5.29.30"];
        Assert.NotNull(extension);
        Assert.True(extension.Critical);
        var (permitted, excluded) = ReadSubtrees(extension.RawData);
        Assert.Empty(excluded);
        Assert.Equal(
            [
                "dns:camera-host.local", "dns:localhost",
                "ip:10.0.0.0/255.0.0.0", "ip:127.0.0.0/255.0.0.0", "ip:169.254.0.0/255.255.0.0", "ip:172.16.0.0/255.240.0.0",
                "ip:192.168.0.0/255.255.0.0", "ip:2001:db8::20/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                "ip:::1/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ip:fc00::/fe00::",
            ],
            permitted.Order(StringComparer.Ordinal));
        Assert.True(made.AuthorityConstrained);
        Assert.Empty(made.NotCovered);
        Assert.Contains(IPAddress.Parse("2001:db8::20"), LanCertificates.SubjectAlternativeNames(made.Server).Addresses);
        Assert.True(Chain(made.Server, made.Authority).Ok);
    }

    [Theory]
    [InlineData("camera-host.local", null, true)]
    [InlineData("localhost", "127.0.0.1", true)]
    [InlineData(null, "10.1.2.3", true)]
    [InlineData(null, "172.31.0.9", true)]
    [InlineData(null, "fd12:3456::1", true)]
    [InlineData(null, "2001:db8::20", true)]
    [InlineData("example.com", null, false)]
    [InlineData("camera-host", null, false)]
    [InlineData("localhost.example.com", null, false)]
    [InlineData("evil-localhost", null, false)]
    [InlineData(null, "8.8.8.8", false)]
    [InlineData(null, "172.32.0.1", false)]
    [InlineData(null, "2001:db8::21", false)]
    [InlineData(null, "2606:4700::1111", false)]
    [InlineData("camera-host.local,example.com", "192.168.1.20", false)]
    [InlineData("camera-host.local", "192.168.1.20,1.1.1.1", false)]
    public void A_certificate_signed_with_a_leaked_ca_key_chains_only_for_permitted_names(string? dnsNames, string? addresses, bool chains)
    {
        LanCertificates.LoadOrCreate(_folder, Addresses, "camera-host", DateTimeOffset.UtcNow);
        using var leaked = X509Certificate2.CreateFromPemFile(Path.Combine(_folder, "ca.crt"), Path.Combine(_folder, "ca.key"));
        using var authority = X509CertificateLoader.LoadCertificate(leaked.RawData);

        using var forged = Issue(leaked, dnsNames?.Split(',') ?? [], addresses?.Split(',').Select(IPAddress.Parse) ?? []);
        var (ok, status) = Chain(forged, authority);

        Assert.Equal(chains, ok);
        if (!chains)
        {
            Assert.Contains(X509ChainStatusFlags.HasNotPermittedNameConstraint, status);
        }
    }

    [Fact]
    public void A_ca_made_before_name_constraints_is_kept_reported_and_renewed_on_request()
    {
        Directory.CreateDirectory(_folder);
        using (var old = OldAuthority())
        using (var key = old.GetECDsaPrivateKey()!)
        {
            File.WriteAllText(Path.Combine(_folder, "ca.crt"), old.ExportCertificatePem());
            File.WriteAllText(Path.Combine(_folder, "ca.key"), key.ExportPkcs8PrivateKeyPem());
        }

        var oldThumbprint = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_folder, "ca.crt"))).Thumbprint;
        var kept = LanCertificates.LoadOrCreate(_folder, Addresses, "camera-host", DateTimeOffset.UtcNow);
        Assert.False(kept.AuthorityCreated);
        Assert.False(kept.AuthorityConstrained);
        Assert.Equal(oldThumbprint, kept.Authority.Thumbprint);
        Assert.True(Chain(kept.Server, kept.Authority).Ok);

        var renewed = LanCertificates.LoadOrCreate(_folder, Addresses, "camera-host", DateTimeOffset.UtcNow, renewAuthority: true);
        Assert.True(renewed.AuthorityCreated);
        Assert.True(renewed.ServerIssued);
        Assert.True(renewed.AuthorityConstrained);
        Assert.NotEqual(oldThumbprint, renewed.Authority.Thumbprint);
        Assert.Equal(renewed.Authority.RawData, X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_folder, "ca.crt"))).RawData);
        Assert.Contains(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), renewed.Authority.Subject, StringComparison.Ordinal);
        Assert.True(Chain(renewed.Server, renewed.Authority).Ok);
        Assert.False(Chain(renewed.Server, kept.Authority).Ok);
    }

    [Fact]
    public void A_new_public_address_the_ca_does_not_cover_is_left_out_of_the_certificate_and_reported()
    {
        var now = DateTimeOffset.UtcNow;
        var first = LanCertificates.LoadOrCreate(_folder, Addresses, "camera-host", now);
        var moved = LanCertificates.LoadOrCreate(_folder, [IPAddress.Parse("192.168.1.21"), IPAddress.Parse("2001:db8::99")], "camera-host", now);

        Assert.False(moved.AuthorityCreated);
        Assert.True(moved.ServerIssued);
        Assert.Equal(["2001:db8::99"], moved.NotCovered);
        var addresses = LanCertificates.SubjectAlternativeNames(moved.Server).Addresses;
        Assert.Contains(IPAddress.Parse("192.168.1.21"), addresses);
        Assert.DoesNotContain(IPAddress.Parse("2001:db8::99"), addresses);
        Assert.Equal(first.Authority.Thumbprint, moved.Authority.Thumbprint);
        Assert.True(Chain(moved.Server, moved.Authority).Ok);
    }

    private static (bool Ok, X509ChainStatusFlags[] Status) Chain(X509Certificate2 leaf, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var ok = chain.Build(leaf);
        return (ok, [.. chain.ChainStatus.Select(s => s.Status)]);
    }

    /// <summary>What someone holding ca.key could sign: a server certificate for any names.</summary>
    private static X509Certificate2 Issue(X509Certificate2 authority, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var names = dnsNames.ToList();
        var request = new CertificateRequest($"CN={names.FirstOrDefault() ?? "forged"}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }

        foreach (var address in addresses)
        {
            san.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        return request.Create(authority, now.AddMinutes(-5), now.AddDays(30), RandomNumberGenerator.GetBytes(8));
    }

    /// <summary>A CA as the first versions of <c>serve --lan</c> made it: no name constraints.</summary>
    private static X509Certificate2 OldAuthority()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("O=RemoteCam, CN=RemoteCam local CA (camera-host)", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-400), now.AddDays(3000));
    }

    /// <summary>The subtrees as <c>dns:NAME</c> / <c>ip:ADDRESS/MASK</c>, read with the test's own ASN.1 reading (RFC 5280 §4.2.1.10).</summary>
    private static (List<string> Permitted, List<string> Excluded) ReadSubtrees(byte[] der)
    {
        var lists = (Permitted: new List<string>(), Excluded: new List<string>());
        var sequence = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        while (sequence.HasData)
        {
            var tag = sequence.PeekTag();
            var target = tag.TagValue == 0 ? lists.Permitted : lists.Excluded;
            var subtrees = sequence.ReadSequence(tag);
            while (subtrees.HasData)
            {
                var subtree = subtrees.ReadSequence();
                var nameTag = subtree.PeekTag();
                var value = subtree.ReadEncodedValue().ToArray();
                var content = new AsnReader(value, AsnEncodingRules.DER).ReadOctetString(nameTag);
                target.Add(nameTag.TagValue switch
                {
                    2 => "dns:" + System.Text.Encoding.ASCII.GetString(content),
                    7 => $"ip:{new IPAddress(content.AsSpan(0, content.Length / 2))}/{new IPAddress(content.AsSpan(content.Length / 2))}",
                    _ => $"other:{nameTag.TagValue}",
                });
                Assert.False(subtree.HasData, "a subtree with minimum or maximum");
            }
        }

        return lists;
    }
}
