using System.Text.Json;

using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>The set-up every other test relies on: chromium, the relay serving the pages, backend discovery.</summary>
public sealed class SmokeTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_relay_serves_the_landing_page_and_tells_pages_where_the_backend_is()
    {
        await using var relay = await RelayHost.StartAsync();
        await using var device = await browser.NewDeviceAsync("browser");

        var response = await device.Page.GotoAsync(relay.Url.ToString());
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        Assert.StartsWith("text/html", response.Headers["content-type"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(await device.Page.TitleAsync()), "the landing page has no title");

        // What every page reads first (docs/protocol.md, "Backend discovery"), fetched by the page itself.
        var text = await device.Page.EvaluateAsync<string>("async () => (await fetch('/__/firebase/init.json')).text()");
        using var init = JsonDocument.Parse(text);
        var origin = relay.Url.ToString().TrimEnd('/');
        Assert.Equal("demo-remotecam", init.RootElement.GetProperty("projectId").GetString());
        Assert.False(string.IsNullOrEmpty(init.RootElement.GetProperty("apiKey").GetString()));
        Assert.Equal(origin + "/?ns=remotecam", init.RootElement.GetProperty("databaseURL").GetString());
        Assert.Equal(origin, init.RootElement.GetProperty("authEmulatorUrl").GetString()?.TrimEnd('/'));
    }
}
