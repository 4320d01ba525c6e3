using System.Net;
using System.Security.Cryptography.X509Certificates;

using RemoteCam.Relay.Tls;

namespace RemoteCam.Relay.Tests.Tls;

/// <summary>The local CA and server certificate behind <c>remotecam serve --lan</c>, and the relay serving HTTPS with them.</summary>
public sealed class LanCertificatesTests : IDisposable
{
    private static readonly IPAddress[] HomeAddresses = [IPAddress.Parse("192.168.1.20"), IPAddress.Parse("fd00::20")];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "remotecam-tls-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void The_server_certificate_names_this_machine_chains_to_the_ca_and_lasts_at_most_825_days()
    {
        var now = DateTimeOffset.UtcNow;
        var made = LanCertificates.LoadOrCreate(_folder, HomeAddresses, "camera-host", now);

        Assert.True(made.AuthorityCreated);
        Assert.True(made.ServerIssued);
        var (dns, addresses) = LanCertificates.SubjectAlternativeNames(made.Server);
        Assert.Equal(["camera-host.local", "localhost"], dns.Order(StringComparer.Ordinal));
        Assert.Equal(
            ["127.0.0.1", "192.168.1.20", "::1", "fd00::20"],
            addresses.Select(a => a.ToString()).Order(StringComparer.Ordinal));
        Assert.True(made.Server.NotAfter - made.Server.NotBefore <= TimeSpan.FromDays(825));
        Assert.True(made.Server.HasPrivateKey);
        Assert.Contains(made.Server.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>(),
            oid => oid.Value == "1.3.6.1.5.5.7.3.1");
        Assert.False(made.Server.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(CaTrust.IsValid(made.Server, made.Authority, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));

        var ca = made.Authority;
        Assert.False(ca.HasPrivateKey);
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal("ECC", ca.PublicKey.Oid.FriendlyName);
        Assert.True(ca.NotAfter - ca.NotBefore >= TimeSpan.FromDays(3650));
    }

    [Fact]
    public void The_keys_are_owner_only()
    {
        LanCertificates.LoadOrCreate(_folder, HomeAddresses, "camera-host", DateTimeOffset.UtcNow);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder, "ca.key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder, "server.key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_folder));
        }

        Assert.StartsWith("-----BEGIN CERTIFICATE-----", File.ReadAllText(Path.Combine(_folder, "ca.crt")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_certificates_are_kept_and_the_server_one_is_issued_again_when_the_addresses_change()
    {
        var now = DateTimeOffset.UtcNow;
        var first = LanCertificates.LoadOrCreate(_folder, HomeAddresses, "camera-host", now);
        var same = LanCertificates.LoadOrCreate(_folder, HomeAddresses.Reverse(), "camera-host", now.AddDays(1));
        var moved = LanCertificates.LoadOrCreate(_folder, [IPAddress.Parse("10.0.0.7")], "camera-host", now.AddDays(2));

        Assert.False(same.AuthorityCreated);
        Assert.False(same.ServerIssued);
        Assert.Equal(first.Server.Thumbprint, same.Server.Thumbprint);
        Assert.False(moved.AuthorityCreated);
        Assert.True(moved.ServerIssued);
        Assert.Equal(first.Authority.Thumbprint, moved.Authority.Thumbprint);
        Assert.Contains(IPAddress.Parse("10.0.0.7"), LanCertificates.SubjectAlternativeNames(moved.Server).Addresses);
        Assert.DoesNotContain(IPAddress.Parse("192.168.1.20"), LanCertificates.SubjectAlternativeNames(moved.Server).Addresses);
    }

    [Fact]
    public void A_server_certificate_near_its_end_is_issued_again_by_the_same_ca()
    {
        var now = DateTimeOffset.UtcNow;
        var first = LanCertificates.LoadOrCreate(_folder, HomeAddresses, "camera-host", now);
        var later = LanCertificates.LoadOrCreate(_folder, HomeAddresses, "camera-host", now.AddDays(800));

        Assert.True(later.ServerIssued);
        Assert.Equal(first.Authority.Thumbprint, later.Authority.Thumbprint);
        Assert.True(later.Server.NotAfter > first.Server.NotAfter);
    }

    [Fact]
    public void A_damaged_key_file_is_replaced_by_a_new_certificate()
    {
        var first = LanCertificates.LoadOrCreate(_folder, HomeAddresses, "camera-host", DateTimeOffset.UtcNow);
        File.WriteAllText(Path.Combine(_folder, "server.key"), "not a key");

        var again = LanCertificates.LoadOrCreate(_folder, HomeAddresses, "camera-host", DateTimeOffset.UtcNow);

        Assert.True(again.ServerIssued);
        Assert.NotEqual(first.Server.Thumbprint, again.Server.Thumbprint);
        Assert.Equal(first.Authority.Thumbprint, again.Authority.Thumbprint);
    }

    [Fact]
    public async Task The_relay_serves_https_with_the_certificate_and_offers_the_ca_over_loopback_http()
    {
        var tls = LanCertificates.LoadOrCreate(_folder, HomeAddresses, "camera-host", DateTimeOffset.UtcNow);
        await using var relay = await RelayServer.StartAsync(new RelayOptions
        {
            Port = 0,
            Certificate = tls.Server,
            CertificateAuthority = tls.Authority,
            LoopbackHttpPort = 0,
        });

        Assert.Equal("https", relay.Url.Scheme);
        Assert.Equal(2, relay.Urls.Count);
        Assert.Equal("http", relay.LocalUrl.Scheme);
        Assert.Equal("127.0.0.1", relay.LocalUrl.Host);
        Assert.Equal(relay.Url, relay.PublicUrl);

        using var https = CaTrust.ClientTrusting(tls.Authority);
        var init = await https.GetStringAsync(new Uri(relay.Url, "/__/firebase/init.json"));
        Assert.Contains($"\"databaseURL\":\"https://127.0.0.1:{relay.Url.Port}/?ns=remotecam\"", init, StringComparison.Ordinal);

        using var untrusting = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync(new Uri(relay.Url, "/__/firebase/init.json")));

        using var http = new HttpClient();
        using var der = await http.GetAsync(new Uri(relay.LocalUrl, "/remotecam-ca.crt"));
        Assert.Equal("application/x-x509-ca-cert", der.Content.Headers.ContentType?.MediaType);
        using var served = X509CertificateLoader.LoadCertificate(await der.Content.ReadAsByteArrayAsync());
        Assert.Equal(tls.Authority.RawData, served.RawData);
        Assert.True(served.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);

        var pem = await http.GetStringAsync(new Uri(relay.LocalUrl, "/remotecam-ca.pem"));
        using var fromPem = X509Certificate2.CreateFromPem(pem);
        Assert.Equal(tls.Authority.RawData, fromPem.RawData);
        Assert.Equal(File.ReadAllText(Path.Combine(_folder, "ca.crt")).Trim(), pem.Trim());
    }

    [Fact]
    public async Task A_stream_over_https_with_http2_delivers_events()
    {
        var tls = LanCertificates.LoadOrCreate(_folder, HomeAddresses, "camera-host", DateTimeOffset.UtcNow);
        await using var relay = await RelayServer.StartAsync(new RelayOptions { Port = 0, Certificate = tls.Server, CertificateAuthority = tls.Authority });
        using var https = CaTrust.ClientTrusting(tls.Authority);
        https.Timeout = Timeout.InfiniteTimeSpan;
        var path = RelayFixture.NewPath();

        using var listen = new HttpRequestMessage(HttpMethod.Get, new Uri(relay.Url, path + ".json?auth=owner"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        listen.Headers.Accept.ParseAdd("text/event-stream");
        using var timeout = new CancellationTokenSource(SseStream.EventTimeout);
        using var stream = await https.SendAsync(listen, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpVersion.Version20, stream.Version);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Equal("event: put", await reader.ReadLineAsync(timeout.Token));
        Assert.Equal("data: {\"path\":\"/\",\"data\":null}", await reader.ReadLineAsync(timeout.Token));

        using var write = new HttpRequestMessage(HttpMethod.Put, new Uri(relay.Url, path + ".json?auth=owner"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent("\"live\""),
        };
        using (var written = await https.SendAsync(write, timeout.Token))
        {
            Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        }

        string? line;
        do
        {
            line = await reader.ReadLineAsync(timeout.Token);
        }
        while (line is not null && !line.StartsWith("data: {", StringComparison.Ordinal));
        Assert.Equal("data: {\"path\":\"/\",\"data\":\"live\"}", line);
    }

    [Fact]
    public async Task On_every_interface_the_public_urls_are_this_machines_network_addresses()
    {
        await using var relay = await RelayServer.StartAsync(new RelayOptions { Host = "0.0.0.0", Port = 0 });
        var expected = MachineAddresses.Lan().Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            .Select(a => $"http://{a}:{relay.Url.Port}/").ToList();

        Assert.Equal(expected, relay.PublicUrls.Select(u => u.ToString()));
        Assert.Equal($"http://127.0.0.1:{relay.Url.Port}/", relay.LocalUrl.ToString());
        Assert.Equal(expected.Count > 0 ? expected[0] : relay.LocalUrl.ToString(), relay.PublicUrl.ToString());
        using var http = new HttpClient();
        foreach (var url in relay.PublicUrls.Append(relay.LocalUrl))
        {
            using var init = await http.GetAsync(new Uri(url, "/__/firebase/init.json"));
            Assert.Equal(HttpStatusCode.OK, init.StatusCode);
            Assert.Contains($"\"authEmulatorUrl\":\"{url.GetLeftPart(UriPartial.Authority)}\"", await init.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Without_a_ca_the_certificate_urls_are_404()
    {
        await using var relay = await RelayFixture.StartAsync();

        var response = await relay.SendAsync("GET", new Uri(relay.Relay.Url, "/remotecam-ca.crt"), null);

        Assert.Equal(404, response.Status);
        JsonAssert.IsErrorBody(response);
    }
}
