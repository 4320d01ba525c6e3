using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace RemoteCam.Relay.Tls;

/// <summary>
/// The certificates for serving HTTPS on the home network, kept in one folder (<c>DATA/.tls</c>):
/// a local certificate authority (ECDSA P-256, ten years; <c>ca.crt</c>, key <c>ca.key</c> 0600)
/// that a phone can trust once, and a server certificate it signs (<c>server.crt</c>,
/// <c>server.key</c> 0600) for this machine's names and addresses. The CA is name-constrained
/// (<see cref="NameConstraints"/>) to private addresses, this machine's own addresses and names,
/// so its key cannot vouch for any other site. The server certificate lasts 820 days (Apple
/// accepts at most 825 from a CA a person installed) and is issued again when the set of names
/// and addresses changes, when it has under 30 days left, or when it was not signed by the CA in
/// the folder. Phones that trust the CA accept every such certificate.
/// </summary>
public static class LanCertificates
{
    internal const string AuthorityFile = "ca.crt";
    internal const string AuthorityKeyFile = "ca.key";
    internal const string ServerFile = "server.crt";
    internal const string ServerKeyFile = "server.key";

    internal static readonly TimeSpan AuthorityLifetime = TimeSpan.FromDays(3652);
    internal static readonly TimeSpan ServerLifetime = TimeSpan.FromDays(820);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);
    private static readonly TimeSpan Backdate = TimeSpan.FromHours(1);

    /// <summary>What <see cref="LoadOrCreate"/> found or made.</summary>
    /// <param name="Authority">The CA's certificate (public part only).</param>
    /// <param name="Server">The server certificate with its private key, ready for Kestrel.</param>
    /// <param name="AuthorityCreated">A new CA was made: devices that trusted an earlier one must trust this one.</param>
    /// <param name="ServerIssued">A new server certificate was issued on this start.</param>
    /// <param name="AuthorityConstrained">
    /// The CA carries name constraints. False for a CA made before they existed: its key could
    /// vouch for any site, and it should be renewed (<c>renewAuthority</c>).
    /// </param>
    /// <param name="NotCovered">
    /// This machine's names and addresses that the CA's constraints leave out (it was made before
    /// the machine had them): the server certificate does not name them; renewing the CA covers them.
    /// </param>
    public sealed record Result(
        X509Certificate2 Authority, X509Certificate2 Server, bool AuthorityCreated, bool ServerIssued, bool AuthorityConstrained, IReadOnlyList<string> NotCovered);

    /// <summary>
    /// The names a server certificate covers: the addresses given, loopback, <c>localhost</c>,
    /// <c>host.local</c> and the host name when it has a dot. A one-label host name is left out: a
    /// name constraint permits a name and everything below it, and a machine called <c>dev</c> or
    /// <c>app</c> would otherwise make the CA good for a whole top-level domain.
    /// </summary>
    internal static (SortedSet<string> DnsNames, SortedSet<IPAddress> Addresses) NamesFor(IEnumerable<IPAddress> lanAddresses, string? hostName)
    {
        var dns = new SortedSet<string>(StringComparer.Ordinal) { "localhost" };
        if (hostName is not null)
        {
            if (hostName.Contains('.', StringComparison.Ordinal))
            {
                dns.Add(hostName);
            }

            dns.Add(hostName.Split('.')[0] + ".local");
        }

        var addresses = new SortedSet<IPAddress>(Comparer<IPAddress>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString())))
        {
            IPAddress.Loopback,
            IPAddress.IPv6Loopback,
        };
        addresses.UnionWith(lanAddresses);
        return (dns, addresses);
    }

    /// <summary>Loads or makes the CA and the server certificate in <paramref name="directory"/> for this machine's current names and addresses.</summary>
    /// <param name="directory">The certificate folder, <c>DATA/.tls</c>.</param>
    /// <param name="renewAuthority">Make a new CA even though the folder has a usable one (phones must then install the new one).</param>
    public static Result ForThisMachine(string directory, bool renewAuthority = false) =>
        LoadOrCreate(directory, MachineAddresses.Lan(), MachineAddresses.HostName(), DateTimeOffset.UtcNow, renewAuthority);

    internal static Result LoadOrCreate(string directory, IEnumerable<IPAddress> lanAddresses, string? hostName, DateTimeOffset now, bool renewAuthority = false)
    {
        CreateOwnerOnlyDirectory(directory);
        var (dnsNames, addresses) = NamesFor(lanAddresses, hostName);

        var authorityCreated = false;
        var authority = renewAuthority ? null : TryLoad(directory, AuthorityFile, AuthorityKeyFile);
        if (authority is null || authority.NotAfter.ToUniversalTime() - now.UtcDateTime < RenewBefore)
        {
            authority?.Dispose();
            authority = CreateAuthority(hostName, now, NameConstraints.For(dnsNames, addresses));
            Save(directory, AuthorityFile, AuthorityKeyFile, authority);
            authorityCreated = true;
        }

        // Names the CA may not vouch for stay out of the certificate: one of them would make
        // every client refuse the whole certificate.
        var constraints = NameConstraints.Of(authority);
        var notCovered = new List<string>();
        if (constraints is not null)
        {
            notCovered.AddRange(dnsNames.Where(n => !constraints.Permits(n)));
            notCovered.AddRange(addresses.Where(a => !constraints.Permits(a)).Select(a => a.ToString()));
            dnsNames.RemoveWhere(n => !constraints.Permits(n));
            addresses.RemoveWhere(a => !constraints.Permits(a));
        }

        var serverIssued = false;
        var server = TryLoad(directory, ServerFile, ServerKeyFile);
        if (authorityCreated || server is null || !IsCurrent(server, authority, dnsNames, addresses, now))
        {
            server?.Dispose();
            server = IssueServer(authority, dnsNames, addresses, now);
            Save(directory, ServerFile, ServerKeyFile, server);
            serverIssued = true;
        }

        var publicAuthority = X509CertificateLoader.LoadCertificate(authority.RawData);
        authority.Dispose();
        // Kestrel on every platform takes a certificate whose key came from a PKCS#12 import.
        var usable = X509CertificateLoader.LoadPkcs12(server.Export(X509ContentType.Pkcs12), null);
        server.Dispose();
        return new Result(publicAuthority, usable, authorityCreated, serverIssued, constraints is not null, notCovered);
    }

    /// <summary>The SHA-256 fingerprint as browsers and phones show it: <c>AB:CD:…</c>.</summary>
    public static string Fingerprint(X509Certificate2 certificate) =>
        string.Join(':', SHA256.HashData(certificate.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The DNS names and IP addresses a certificate's subject alternative name lists.</summary>
    internal static (IReadOnlyList<string> DnsNames, IReadOnlyList<IPAddress> Addresses) SubjectAlternativeNames(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions[Oids.SubjectAlternativeName];
        if (extension is null)
        {
            return ([], []);
        }

        var san = extension as X509SubjectAlternativeNameExtension ?? new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical);
        return (san.EnumerateDnsNames().ToList(), san.EnumerateIPAddresses().ToList());
    }

    private static bool IsCurrent(X509Certificate2 server, X509Certificate2 authority, SortedSet<string> dnsNames, SortedSet<IPAddress> addresses, DateTimeOffset now)
    {
        if (server.NotAfter.ToUniversalTime() - now.UtcDateTime < RenewBefore || server.NotBefore.ToUniversalTime() > now.UtcDateTime)
        {
            return false;
        }

        var (dns, ips) = SubjectAlternativeNames(server);
        if (!dnsNames.SetEquals(dns) || !addresses.SetEquals(ips))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        return chain.Build(server);
    }

    /// <summary>The CA; its name carries the day it was made, so a person can tell a renewed one from the one it replaces on a phone.</summary>
    private static X509Certificate2 CreateAuthority(string? hostName, DateTimeOffset now, NameConstraints constraints)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("RemoteCam");
        var made = now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        subject.AddCommonName(hostName is null ? $"RemoteCam local CA ({made})" : $"RemoteCam local CA ({hostName}, {made})");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(constraints.ToExtension());
        var notBefore = now - Backdate;
        return request.CreateSelfSigned(notBefore, notBefore + AuthorityLifetime);
    }

    private static X509Certificate2 IssueServer(X509Certificate2 authority, SortedSet<string> dnsNames, SortedSet<IPAddress> addresses, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("RemoteCam");
        subject.AddCommonName(dnsNames.FirstOrDefault(n => n != "localhost" && !n.EndsWith(".local", StringComparison.Ordinal)) ?? "localhost");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(Oids.ServerAuthentication)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        foreach (var address in addresses)
        {
            san.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(san.Build());
        var notBefore = now - Backdate;
        var notAfter = notBefore + ServerLifetime;
        if (notAfter > authority.NotAfter)
        {
            notAfter = authority.NotAfter;
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = request.Create(authority, notBefore, notAfter, serial);
        return signed.CopyWithPrivateKey(key);
    }

    private static X509Certificate2? TryLoad(string directory, string certificateFile, string keyFile)
    {
        var certificatePath = Path.Combine(directory, certificateFile);
        var keyPath = Path.Combine(directory, keyFile);
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            return null;
        }

        try
        {
            return X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath), File.ReadAllText(keyPath));
        }
        catch (CryptographicException)
        {
            // Damaged or mismatched: a new one is made (and the old files replaced).
            return null;
        }
    }

    private static void Save(string directory, string certificateFile, string keyFile, X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The certificate has no ECDSA private key.");
        WriteAtomically(Path.Combine(directory, keyFile), key.ExportPkcs8PrivateKeyPem(), ownerOnly: true);
        WriteAtomically(Path.Combine(directory, certificateFile), certificate.ExportCertificatePem() + "\n", ownerOnly: false);
    }

    private static void WriteAtomically(string path, string text, bool ownerOnly)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = ownerOnly
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        File.Delete(temporary);
        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(Encoding.ASCII.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static void CreateOwnerOnlyDirectory(string directory)
    {
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static class Oids
    {
        public const string SubjectAlternativeName = "2.5.29.17";
        public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    }
}
