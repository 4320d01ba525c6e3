using Microsoft.AspNetCore.Http;

using RemoteCam.Relay.Usage;

namespace RemoteCam.Relay.Http;

/// <summary>
/// <c>GET /.settings/stats.json</c> (admin only): the usage statistics since the relay started or
/// since the last <c>DELETE /.settings/stats.json</c>, which starts a new measurement
/// (docs/relay.md "Usage statistics"). A relay extension: Firebase has its profiler instead.
/// </summary>
internal sealed class StatsEndpoint(UsageMeter usage, Authentication authentication)
{
    public const string Path = "/.settings/stats.json";

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

        if (HttpMethods.IsDelete(context.Request.Method))
        {
            usage.Reset();
            await Responses.WriteJsonAsync(context, StatusCodes.Status200OK, w =>
            {
                w.WriteStartObject();
                w.WriteString("status", "ok");
                w.WriteEndObject();
            });
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await Responses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.BadMethod(context.Request.Method));
            return;
        }

        await Responses.WriteJsonAsync(context, StatusCodes.Status200OK, usage.Write, pretty: context.Request.Query["print"] == "pretty");
    }
}
