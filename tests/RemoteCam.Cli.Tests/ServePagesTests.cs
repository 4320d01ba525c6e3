using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RemoteCam.Cli.Tests;

/// <summary><c>remotecam serve</c> serving the pages, and <c>--lan</c>'s HTTPS for phones, as a user runs them.</summary>
public sealed class ServePagesTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "remotecam-serve-pages-" + Guid.NewGuid().ToString("N"));

    public ServePagesTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Serve_prints_where_the_pages_are_and_serves_the_installed_ones()
    {
        await using var relay = await RelayProcess.StartAsync(Path.Combine(_folder, "data"));

        var pages = new Uri(Regex.Match(relay.FirstLines, @"Pages: (\S+)").Groups[1].Value);
        Assert.Equal(relay.Url, pages);
        using var http = new HttpClient();
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "wwwroot", "index.html")),
            await http.GetStringAsync(pages));
    }

    [Fact]
    public async Task Web_serves_another_folder_and_a_missing_one_is_an_error()
    {
        var custom = Path.Combine(_folder, "custom");
        Directory.CreateDirectory(custom);
        await File.WriteAllTextAsync(Path.Combine(custom, "index.html"), "<!doctype html><title>custom pages</title>");
        await using (var relay = await RelayProcess.StartAsync(Path.Combine(_folder, "data"), "--web", custom))
        {
            using var http = new HttpClient();
            Assert.Equal("<!doctype html><title>custom pages</title>", await http.GetStringAsync(relay.Url));
        }

        await using var cli = await CliHarness.StartAsync(withRelay: false);
        var missing = await cli.RunAsync("serve", "--port", "0", "--data", Path.Combine(_folder, "data2"), "--web", Path.Combine(_folder, "nowhere"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("does not exist", missing.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--lan", "--host", "0.0.0.0")]
    [InlineData("--local-port", "9100")]
    [InlineData("--lan", "--port", "9100", "--local-port", "9100")]
    [InlineData("--renew-ca")]
    public async Task Contradictory_network_options_are_a_usage_error(params string[] options)
    {
        await using var cli = await CliHarness.StartAsync(withRelay: false);

        var result = await cli.RunAsync(["serve", "--data", Path.Combine(_folder, "data"), .. options]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("remotecam:", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lan_serves_https_that_its_own_ca_vouches_for_and_keeps_the_certificate_across_restarts()
    {
        var data = Path.Combine(_folder, "data");
        string serverThumbprint;
        string caFingerprint;
        await using (var relay = await RelayProcess.StartAsync(data, "--lan", "--local-port", "0"))
        {
            var (https, http) = (relay.Urls[0], relay.Urls[1]);
            Assert.Equal("https", https.Scheme);
            Assert.Equal("http://127.0.0.1:" + http.Port + "/", http.ToString());
            using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(data, ".tls", "ca.crt")));
            caFingerprint = string.Join(':', SHA256.HashData(ca.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Contains("CA certificate SHA-256: " + caFingerprint, relay.FirstLines, StringComparison.Ordinal);
            Assert.Contains("Created a local certificate authority", relay.FirstLines, StringComparison.Ordinal);
            Assert.Contains("Pages: " + http, relay.FirstLines, StringComparison.Ordinal);

            var local = new Uri($"https://127.0.0.1:{https.Port}/");
            X509Certificate2? presented = null;
            using var client = ClientTrusting(ca, seen => presented = seen);

            using var init = JsonDocument.Parse(await client.GetStringAsync(new Uri(local, "__/firebase/init.json")));
            Assert.Equal($"https://127.0.0.1:{https.Port}/?ns=remotecam", init.RootElement.GetProperty("databaseURL").GetString());
            Assert.NotNull(presented);
            var san = presented.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
            Assert.Contains(IPAddress.Loopback, san.EnumerateIPAddresses());
            Assert.Contains("localhost", san.EnumerateDnsNames());
            Assert.True(presented.NotAfter - presented.NotBefore <= TimeSpan.FromDays(825));
            serverThumbprint = presented.Thumbprint;

            using var page = await client.GetAsync(local);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

            var served = await client.GetByteArrayAsync(new Uri(local, "remotecam-ca.crt"));
            using var download = X509CertificateLoader.LoadCertificate(served);
            Assert.Equal(ca.RawData, download.RawData);
            Assert.True(download.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);

            using var plain = new HttpClient();
            using var loopbackInit = JsonDocument.Parse(await plain.GetStringAsync(new Uri(http, "__/firebase/init.json")));
            Assert.Equal($"http://127.0.0.1:{http.Port}/?ns=remotecam", loopbackInit.RootElement.GetProperty("databaseURL").GetString());

            using var untrusting = new HttpClient();
            await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync(local));
            Assert.Equal(0, (await relay.TerminateAsync()).ExitCode);
        }

        await using (var again = await RelayProcess.StartAsync(data, "--lan", "--local-port", "0"))
        {
            Assert.DoesNotContain("Created a local certificate authority", again.FirstLines, StringComparison.Ordinal);
            Assert.Contains("CA certificate SHA-256: " + caFingerprint, again.FirstLines, StringComparison.Ordinal);
            using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(data, ".tls", "ca.crt")));
            X509Certificate2? presented = null;
            using var client = ClientTrusting(ca, seen => presented = seen);
            using var response = await client.GetAsync($"https://127.0.0.1:{again.Urls[0].Port}/__/firebase/init.json");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(serverThumbprint, presented?.Thumbprint);
        }
    }

    [Fact]
    public async Task A_ca_made_without_name_constraints_is_reported_at_start_and_renew_ca_replaces_it_with_a_constrained_one()
    {
        var data = Path.Combine(_folder, "data");
        var tls = Path.Combine(data, ".tls");
        Directory.CreateDirectory(tls);
        string oldFingerprint;
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            // What earlier versions made: a CA with basic constraints, key usage and key identifier, and nothing limiting its names.
            var request = new CertificateRequest("O=RemoteCam, CN=RemoteCam local CA", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            using var old = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(3000));
            await File.WriteAllTextAsync(Path.Combine(tls, "ca.crt"), old.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(tls, "ca.key"), key.ExportPkcs8PrivateKeyPem());
            oldFingerprint = Fingerprint(old);
        }

        await using (var relay = await RelayProcess.StartAsync(data, "--lan", "--local-port", "0"))
        {
            Assert.Contains("CA certificate SHA-256: " + oldFingerprint, relay.FirstLines, StringComparison.Ordinal);
            Assert.Contains("without name constraints", relay.FirstLines, StringComparison.Ordinal);
            Assert.Contains("remotecam serve --lan --renew-ca", relay.FirstLines, StringComparison.Ordinal);
            Assert.Contains("remove the old", relay.FirstLines, StringComparison.Ordinal);
            Assert.Equal(0, (await relay.TerminateAsync()).ExitCode);
        }

        await using (var renewed = await RelayProcess.StartAsync(data, "--lan", "--local-port", "0", "--renew-ca"))
        {
            using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(tls, "ca.crt")));
            Assert.NotEqual(oldFingerprint, Fingerprint(ca));
            Assert.Contains("CA certificate SHA-256: " + Fingerprint(ca), renewed.FirstLines, StringComparison.Ordinal);
            Assert.Contains("Created a local certificate authority", renewed.FirstLines, StringComparison.Ordinal);
            Assert.DoesNotContain("without name constraints", renewed.FirstLines, StringComparison.Ordinal);
            Assert.True(ca.Extensions["2.5.29.30"]?.Critical, "the new CA has a critical Name Constraints extension");

            X509Certificate2? presented = null;
            using var client = ClientTrusting(ca, seen => presented = seen);
            using var response = await client.GetAsync($"https://127.0.0.1:{renewed.Urls[0].Port}/__/firebase/init.json");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotNull(presented);
        }
    }

    private static string Fingerprint(X509Certificate2 certificate) =>
        string.Join(':', SHA256.HashData(certificate.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Trusts <paramref name="authority"/> only: the chain must end there and the name must match, as a browser checks.</summary>
    private static HttpClient ClientTrusting(X509Certificate2 authority, Action<X509Certificate2> seen) =>
        new(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is not X509Certificate2 server || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                    {
                        return false;
                    }

                    seen(X509CertificateLoader.LoadCertificate(server.RawData));
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(server) && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(authority.RawData);
                },
            },
        })
        { Timeout = TimeSpan.FromSeconds(30) };
}
