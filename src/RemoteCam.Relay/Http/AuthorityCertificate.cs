using System.Security.Cryptography.X509Certificates;
using System.Text;

using Microsoft.AspNetCore.Http;

namespace RemoteCam.Relay.Http;

/// <summary>
/// The local certificate authority (<see cref="RelayOptions.CertificateAuthority"/>) for devices to
/// install: <c>/remotecam-ca.crt</c> as DER with <c>application/x-x509-ca-cert</c> (what Android's
/// and iOS's installers expect) and <c>/remotecam-ca.pem</c> as PEM. Without a CA both are 404.
/// </summary>
internal sealed class AuthorityCertificate(X509Certificate2? authority)
{
    public const string DerPath = "/remotecam-ca.crt";
    public const string PemPath = "/remotecam-ca.pem";

    private readonly byte[]? _der = authority?.RawData;
    private readonly byte[]? _pem = authority is null ? null : Encoding.ASCII.GetBytes(authority.ExportCertificatePem() + "\n");

    public async Task HandleAsync(HttpContext context)
    {
        if (_der is null || _pem is null)
        {
            await Responses.WriteErrorAsync(context, StatusCodes.Status404NotFound, Errors.NotFound);
            return;
        }

        if (await Responses.RejectUnlessReadAsync(context))
        {
            return;
        }

        var method = context.Request.Method;

        var der = context.Request.Path == DerPath;
        var body = der ? _der : _pem;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = der ? "application/x-x509-ca-cert" : "application/x-pem-file";
        response.Headers.ContentDisposition = der ? "attachment; filename=\"remotecam-ca.crt\"" : "attachment; filename=\"remotecam-ca.pem\"";
        response.Headers.CacheControl = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }
}
