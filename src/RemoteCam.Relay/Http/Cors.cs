using Microsoft.AspNetCore.Http;

namespace RemoteCam.Relay.Http;

/// <summary>
/// CORS for browsers on any origin, as Firebase answers: simple requests get
/// <c>Access-Control-Allow-Origin: *</c>; preflights for PUT/PATCH/DELETE with Authorization and
/// Content-Type are answered here.
/// </summary>
internal static class Cors
{
    private const string Methods = "GET, PUT, POST, PATCH, DELETE, OPTIONS";
    private const string Headers = "Authorization, Content-Type, X-Firebase-ETag, If-Match, X-HTTP-Method-Override";

    /// <summary>Adds the CORS headers; returns true when the request was a preflight and has been answered.</summary>
    public static bool Apply(HttpContext context)
    {
        var response = context.Response.Headers;
        response.AccessControlAllowOrigin = "*";
        response.AccessControlExposeHeaders = "ETag";
        if (!HttpMethods.IsOptions(context.Request.Method))
        {
            return false;
        }

        var requested = context.Request.Headers.AccessControlRequestHeaders.ToString();
        response.AccessControlAllowMethods = Methods;
        response.AccessControlAllowHeaders = requested.Length > 0 ? requested : Headers;
        response.AccessControlMaxAge = "3600";
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return true;
    }
}
