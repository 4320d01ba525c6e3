using System.Net;
using System.Security.Cryptography.X509Certificates;

using RemoteCam.Relay.Tests.Tls;
using RemoteCam.Relay.Tls;

namespace RemoteCam.Relay.Tests.WebSocket;

/// <summary><c>wss://…/.ws</c> on the relay's HTTPS endpoint, as <c>remotecam serve --lan</c> runs it.</summary>
public sealed class WireTlsTests
{
    [Fact]
    public async Task The_realtime_protocol_runs_over_wss_on_the_HTTPS_endpoint()
    {
        var folder = Directory.CreateTempSubdirectory("remotecam-wss-").FullName;
        try
        {
            var made = LanCertificates.LoadOrCreate(folder, [IPAddress.Loopback], "camera-host", DateTimeOffset.UtcNow);
            await using var relay = await RelayServer.StartAsync(new RelayOptions { Port = 0, Certificate = made.Server, CertificateAuthority = made.Authority });
            Assert.Equal("https", relay.Url.Scheme);
            var (client, hello) = await WireClient.OpenAsync(relay.Url, "remotecam", trust: (_, certificate, _, errors) =>
                certificate is X509Certificate2 server && CaTrust.IsValid(server, made.Authority, errors));
            await using (client)
            {
                Assert.Equal($"127.0.0.1:{relay.Url.Port}", hello["h"]!.GetValue<string>());
                Assert.Equal("ok", (await client.CallAsync("p", """{"p":"/secure","d":"over wss"}"""))["s"]!.GetValue<string>());
                var read = await client.CallAsync("g", """{"p":"/secure","q":{}}""");
                Assert.Equal("over wss", read["d"]!.GetValue<string>());
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
