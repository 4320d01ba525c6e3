using System.Text;

using Microsoft.AspNetCore.Http;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Engine;

namespace RemoteCam.Relay.Http;

/// <summary>
/// <c>GET</c> and <c>PUT /.settings/rules.json</c> (admin only): read the rules in force, or
/// replace them; <c>?dryRun=true</c> only checks. A refused file is a 400 naming the rule's
/// path, line and column, and the previous rules stay in force.
/// </summary>
internal sealed class RulesEndpoint(AccessControl access, Authentication authentication, string defaultNamespace)
{
    public const string Path = "/.settings/rules.json";

    /// <summary>Rules files are small; a larger body is refused rather than parsed.</summary>
    private const int MaxRulesBytes = 256 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        var who = authentication.Identify(context, out var authError);
        if (who is null)
        {
            await Responses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, authError);
            return;
        }

        if (!who.IsAdmin)
        {
            await Responses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, Errors.PermissionDenied);
            return;
        }

        var database = context.Request.Query["ns"].ToString();
        if (database.Length == 0)
        {
            database = defaultNamespace;
        }
        else if (!DatabaseRegistry.IsValidName(database))
        {
            await Responses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.BadNamespace(database));
            return;
        }

        if (HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.WriteAsync(access.SourceFor(database));
            return;
        }

        if (!HttpMethods.IsPut(context.Request.Method))
        {
            await Responses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.BadMethod(context.Request.Method));
            return;
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var buffer = new char[MaxRulesBytes + 1];
        var length = await reader.ReadBlockAsync(buffer, context.RequestAborted);
        if (length > MaxRulesBytes)
        {
            await Responses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.RulesTooBig(MaxRulesBytes));
            return;
        }

        var dryRun = context.Request.Query["dryRun"] == "true";
        if (!access.TrySet(database, new string(buffer, 0, length), dryRun, out var error))
        {
            await Responses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync("{\"status\":\"ok\"}");
    }
}
