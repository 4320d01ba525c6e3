using System.Net;
using System.Text;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RemoteCam.Bench;

/// <summary>
/// A tiny static file server on 127.0.0.1 for the ttff benchmark: <c>/bench/…</c> from bench/web/dist, everything
/// else from web/dist, and <c>/__/firebase/init.json</c> with the given JSON (the pages' backend discovery).
/// </summary>
internal sealed class StaticSite : IAsyncDisposable
{
    private static readonly Dictionary<string, string> s_types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".json"] = "application/json",
        [".webmanifest"] = "application/manifest+json",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
    };

    private readonly WebApplication _app;

    private StaticSite(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The site's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; }

    /// <summary>The init.json served at <c>/__/firebase/init.json</c>; null answers 404.</summary>
    public string? InitJson { get; set; }

    public static async Task<StaticSite> StartAsync(string pagesRoot, string benchRoot)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0);
        });
        builder.Services.AddRoutingCore();
        WebApplication app = builder.Build();
        StaticSite? site = null;
        app.Run(context => Serve(context, site!, pagesRoot, benchRoot));
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        site = new StaticSite(app, new Uri(address.TrimEnd('/') + "/"));
        return site;
    }

    private static async Task Serve(HttpContext context, StaticSite site, string pagesRoot, string benchRoot)
    {
        string path = context.Request.Path.Value ?? "/";
        context.Response.Headers.CacheControl = "no-cache";
        if (path == "/__/firebase/init.json")
        {
            if (site.InitJson is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(site.InitJson, Encoding.UTF8);
            return;
        }

        (string root, string relative) = path.StartsWith("/bench/", StringComparison.Ordinal)
            ? (benchRoot, path["/bench/".Length..])
            : (pagesRoot, path.TrimStart('/'));
        if (relative.Length == 0)
        {
            relative = "index.html";
        }

        string full = Path.GetFullPath(Path.Combine(root, relative));
        if (!full.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = s_types.GetValueOrDefault(Path.GetExtension(full), "application/octet-stream");
        await context.Response.SendFileAsync(full);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
