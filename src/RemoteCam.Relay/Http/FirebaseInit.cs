using System.Buffers;
using System.Text.Json;
using System.Text.RegularExpressions;

using Microsoft.AspNetCore.Http;

namespace RemoteCam.Relay.Http;

/// <summary>
/// <c>/__/firebase/init.json</c>, the page's backend discovery (docs/protocol.md): the relay's
/// own configuration, built from the scheme and <c>Host</c> the request used, so a phone that
/// reached the relay at <c>https://192.168.1.20:9443</c> is told that origin. The Host header is
/// checked first (a name, an IPv4 address or a bracketed IPv6 address, optionally with a port),
/// so nothing a client sends can change the JSON's shape.
/// </summary>
internal sealed partial class FirebaseInit(string projectId, string defaultNamespace, string storageBucket)
{
    public const string Path = "/__/firebase/init.json";

    /// <summary>The API key the pages send; the relay accepts any non-empty key.</summary>
    public const string ApiKey = "remotecam-relay";

    public async Task HandleAsync(HttpContext context)
    {
        if (await Responses.RejectUnlessReadAsync(context))
        {
            return;
        }

        var method = context.Request.Method;

        var host = context.Request.Headers.Host.ToString();
        if (!IsValidHost(host))
        {
            await Responses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.BadHost);
            return;
        }

        var origin = $"{(context.Request.IsHttps ? "https" : "http")}://{host}";
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("projectId", projectId);
            writer.WriteString("apiKey", ApiKey);
            writer.WriteString("databaseURL", $"{origin}/?ns={defaultNamespace}");
            writer.WriteString("authEmulatorUrl", origin);
            // Clips kept on the relay: the pages talk Firebase Storage's REST API to this origin.
            writer.WriteString("storageBucket", storageBucket);
            writer.WriteString("storageEmulatorUrl", origin);
            // The relay serves one machine or a LAN, where peers reach each other by host
            // candidates: no STUN server, so nothing is looked up outside the network.
            writer.WriteStartArray("iceServers");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.ContentLength = buffer.WrittenCount;
        if (!HttpMethods.IsHead(method))
        {
            await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
        }
    }

    /// <summary>A DNS name or IPv4 address, or a bracketed IPv6 address, then an optional port 1–65535.</summary>
    internal static bool IsValidHost(string host)
    {
        if (host.Length > 261)
        {
            return false;
        }

        var match = HostPattern().Match(host);
        if (!match.Success)
        {
            return false;
        }

        if (match.Groups["v6"].Success && !System.Net.IPAddress.TryParse(match.Groups["v6"].Value, out _))
        {
            return false;
        }

        return !match.Groups["port"].Success || int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 65535;
    }

    [GeneratedRegex(@"^(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[(?<v6>[0-9A-Fa-f:.]{2,45})\])(?::(?<port>[0-9]{1,5}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();
}
