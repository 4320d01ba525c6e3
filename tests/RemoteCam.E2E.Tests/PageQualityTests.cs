using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// Every page, in the states a person meets, at a phone's (360×740) and a desktop's (1280×800) size: no serious or
/// critical axe-core violation, labels beside their controls and nothing overlapping (element boxes); toggles say
/// whether their panel is open; a tile is operable by keyboard; the README's pictures are taken from these pages.
/// </summary>
public sealed class PageQualityTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Every_page_passes_axe_keeps_labels_by_their_controls_and_its_readme_picture_is_current()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        var problems = new List<string>();

        // Pages before joining anything: harmless waiting states are grey, not red.
        await using var visitor = await browser.NewDeviceAsync("visitor");
        await visitor.GotoAsync(new Uri(relay.Url, "index.html").ToString());
        await visitor.WaitForStatusAsync("online");
        problems.AddRange(await PageChecks.CheckAsync(visitor.Page, "index.html"));
        await visitor.GotoAsync(new Uri(relay.Url, "join.html").ToString());
        await visitor.WaitForStatusAsync("online");
        problems.AddRange(await PageChecks.CheckAsync(visitor.Page, "join.html without an invitation"));
        foreach (var page in new[] { "viewer.html", "camera.html" })
        {
            await visitor.GotoAsync(new Uri(relay.Url, page).ToString());
            var idle = await visitor.WaitForStatusAsync("idle");
            Assert.Contains("yet", idle, StringComparison.Ordinal);
            Assert.DoesNotContain("bad", await visitor.Page.Locator("#problem").GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
            problems.AddRange(await PageChecks.CheckAsync(visitor.Page, page + " before joining a room"));
        }

        // A camera, asked for its name, with its invitation panel open and closed.
        await using var garage = await browser.StartCameraAsync(room, "garage camera");
        problems.AddRange(await PageChecks.CheckAsync(garage.Page, "camera.html asking for a name"));
        var invite = garage.Page.Locator("#invite");
        Assert.Equal("false", await invite.GetAttributeAsync("aria-expanded"));
        await invite.ClickAsync();
        Assert.Equal("true", await invite.GetAttributeAsync("aria-expanded"));
        problems.AddRange(await PageChecks.CheckAsync(garage.Page, "camera.html with the invitation open"));
        await invite.ClickAsync();
        Assert.Equal("false", await invite.GetAttributeAsync("aria-expanded"));
        await NameAsync(garage, "Garage");
        await using var porch = await browser.StartCameraAsync(room, "porch camera");
        await NameAsync(porch, "Porch");

        // A viewer of both, with their controls, then named.
        await using var viewer = await browser.WatchFromLinkAsync(room.ViewerInvitation, "viewer");
        await Eventually.WaitAsync(
            () => viewer.Page.Locator("#cameras .camera .controls[data-ready=true]").CountAsync(),
            n => n == 2,
            Device.ConnectTime,
            async n => $"{n} of 2 tiles have their controls.\n{await viewer.DiagnosticsAsync()}");
        problems.AddRange(await PageChecks.CheckAsync(viewer.Page, "viewer.html with two cameras, asking for a name"));
        await NameAsync(viewer, "Kitchen tablet");

        // Keyboard: Tab reaches a tile, Enter enlarges it, Escape brings the grid back.
        var first = viewer.Page.Locator("#cameras .camera").First;
        await first.FocusAsync();
        await viewer.Page.Keyboard.PressAsync("Enter");
        Assert.Equal("true", await first.GetAttributeAsync("aria-expanded"));
        Assert.Equal(1, await viewer.Page.Locator("#cameras .camera:visible").CountAsync());
        problems.AddRange(await PageChecks.CheckAsync(viewer.Page, "viewer.html with one camera enlarged"));
        await viewer.Page.Keyboard.PressAsync("Escape");
        Assert.Equal("false", await first.GetAttributeAsync("aria-expanded"));
        Assert.Equal(2, await viewer.Page.Locator("#cameras .camera:visible").CountAsync());
        Assert.True(await first.EvaluateAsync<bool>("e => e === document.activeElement"), "the tile lost the focus after Escape");

        Assert.True(problems.Count == 0, "Problems a person would notice:\n" + string.Join('\n', problems));

        // The README's pictures: the camera phone, and the viewer's grid on a computer, once their details show.
        await Eventually.WaitAsync(
            () => viewer.Page.Locator("#cameras .camera .details[data-path=direct]").CountAsync(),
            n => n == 2,
            Device.ConnectTime,
            async n => $"{n} of 2 tiles show their connection details.\n{await viewer.DiagnosticsAsync()}");
        await garage.ExpectViewersAsync(1);
        await ReadmePictures.TakeAsync(garage.Page, "camera.png", 360, 740);
        await viewer.Page.EvaluateAsync("() => document.activeElement && document.activeElement.blur()");
        await ReadmePictures.TakeAsync(viewer.Page, "viewer.png", 1280, 800);
    }

    private static async Task NameAsync(Device device, string name)
    {
        await device.Page.Locator("#name-ask-input").FillAsync(name);
        await device.Page.Locator("#name-ask button[type=submit]").ClickAsync();
        Assert.False(await device.Page.Locator("#name-ask").IsVisibleAsync(), $"{device.Name} still asks for its name");
    }
}
