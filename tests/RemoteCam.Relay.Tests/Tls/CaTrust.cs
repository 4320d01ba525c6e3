using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace RemoteCam.Relay.Tests.Tls;

/// <summary>An HttpClient that trusts one certificate authority and nothing else, checking names as browsers do.</summary>
internal static class CaTrust
{
    public static HttpClient ClientTrusting(X509Certificate2 authority) =>
        new(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    certificate is X509Certificate2 server && IsValid(server, authority, errors),
            },
        })
        { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The name matched (no <c>RemoteCertificateNameMismatch</c>) and the chain ends at <paramref name="authority"/>.</summary>
    public static bool IsValid(X509Certificate2 server, X509Certificate2 authority, SslPolicyErrors errors)
    {
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server) && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(authority.RawData);
    }
}
