using System.Buffers.Text;
using System.Text;

using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// A room where no live path can exist (relay only, and its TURN server refuses the room's credentials): the
/// viewer never sees a black tile for good but a sealed still picture of the camera every 3 s, through the
/// database (docs/protocol.md "Still pictures").
/// </summary>
public sealed class StillTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    // The tile's still picture: its number, object URL, decoded width, and the tile's call line.
    private const string StillState = """
        () => {
          const tile = document.querySelector('#cameras .camera');
          const img = tile && tile.querySelector('img.still');
          const call = tile ? tile.querySelector('.call').textContent : '(no tile)';
          return img ? [img.getAttribute('data-n') || '', img.src, String(img.complete ? img.naturalWidth : 0), call]
                     : ['', '', '0', call];
        }
        """;

    [Fact]
    public async Task Without_a_path_the_viewer_sees_sealed_still_pictures_that_stop_when_the_camera_leaves()
    {
        await using var relay = await RelayHost.StartAsync();
        await using var turn = await TurnServer.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        await owner.RunJsonAsync("rooms", "ice", room.Id, "--url", turn.Url, "--username", "u", "--credential", "wrong", "--relay-only");

        await using var camera = await browser.StartCameraAsync(room);
        await using var viewer = await browser.NewDeviceAsync("viewer");
        await viewer.GotoAsync(room.ViewerInvitation);

        // The call finds no path and gives up; the tile then shows still pictures, and a new one replaces it at least twice.
        var seen = new List<string[]>();
        await Eventually.WaitAsync(
            async () =>
            {
                var state = await StillStateAsync(viewer);
                if (state[0].Length > 0 && int.Parse(state[2], System.Globalization.CultureInfo.InvariantCulture) > 0 && (seen.Count == 0 || seen[^1][0] != state[0]))
                {
                    seen.Add(state);
                }

                return seen.Count;
            },
            count => count >= 3,
            TimeSpan.FromSeconds(90),
            async count => $"the tile showed {count} distinct still pictures [{string.Join(", ", seen.Select(s => s[0]))}], expected 3; it says "
                + $"\"{(await StillStateAsync(viewer))[3]}\".\n{await viewer.DiagnosticsAsync()}\n{await camera.DiagnosticsAsync()}");
        var numbers = seen.Select(s => long.Parse(s[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(numbers.Zip(numbers.Skip(1)).All(p => p.Second > p.First), $"still numbers do not increase: {string.Join(", ", numbers)}");
        Assert.Equal(seen.Count, seen.Select(s => s[1]).Distinct().Count());
        Assert.All(seen, s => Assert.StartsWith("blob:", s[1], StringComparison.Ordinal));
        var line = seen[^1][3];
        Assert.Contains("No live path: a still picture every 3 s, last one", line, StringComparison.Ordinal);
        // Why there is no live path stays on the tile (the TURN server's refusal, or the last call's reason naming it).
        Assert.True(line.Contains("refused the username or password", StringComparison.Ordinal), $"the tile says \"{line}\"");
        Assert.True(await viewer.FramesAsync(Device.ViewerVideo) <= 0, "live video plays although no path exists");

        // The camera's owner sees that it is sending still pictures, and to how many viewers.
        Assert.Contains("No live path to one viewer: sending a still picture every 3 s", await camera.Page.Locator("#stills:visible").InnerTextAsync(), StringComparison.Ordinal);

        // The database holds the still only sealed: it opens, with the room's viewer secret as documented, to a JPEG whose
        // bytes, plain or in base64, appear nowhere in the relay's journal or snapshots.
        var cameraUid = (await relay.AdminReadAsync($"rooms/{room.Id}/cameras")).EnumerateObject().Single().Name;
        var stored = await relay.AdminReadAsync($"rooms/{room.Id}/stills/{cameraUid}");
        var value = stored.GetProperty("s").GetString()!;
        var secret = Base64Url.DecodeFromChars(SealedEnvelope.FragmentField(room.ViewerInvitation, "s"));
        var picture = SealedEnvelope.OpenStill(value, secret, room.Id, cameraUid, stored.GetProperty("n").GetInt64());
        Assert.True(picture is [0xFF, 0xD8, 0xFF, ..], "the sealed still is not a JPEG");
        Assert.True(picture.AsSpan().IndexOf("JFIF\0"u8) >= 0, "the still has no JFIF header, so the search for one below proves nothing");
        Assert.Throws<System.Security.Cryptography.AuthenticationTagMismatchException>(() => SealedEnvelope.OpenStill(value, secret, room.Id, cameraUid, stored.GetProperty("n").GetInt64() + 1));
        var files = relay.StoredFiles();
        Assert.True(files.Any(f => Contains(f.Bytes, Encoding.ASCII.GetBytes(value))), "no sealed still was found in the journal or snapshots, so the search for plaintext proves nothing");
        var plainBase64 = Convert.ToBase64String(picture.AsSpan(0, 48));
        foreach (var needle in new[] { "/9j/"u8.ToArray(), "JFIF\0"u8.ToArray(), picture[..48], Encoding.ASCII.GetBytes(plainBase64) })
        {
            Assert.DoesNotContain(files, f => Contains(f.Bytes, needle));
        }

        // The camera page closes: no more stills are posted.
        await camera.Page.CloseAsync();
        var last = await StillNumberAsync(relay, room, cameraUid);
        await Task.Delay(TimeSpan.FromSeconds(10));
        Assert.Equal(last, await StillNumberAsync(relay, room, cameraUid));
    }

    /// <summary>The tile's still state; empty while the page navigates (join.html goes on to viewer.html).</summary>
    private static async Task<string[]> StillStateAsync(Device viewer)
    {
        try
        {
            return await viewer.Page.EvaluateAsync<string[]>(StillState);
        }
        catch (Microsoft.Playwright.PlaywrightException e) when (e.Message.Contains("navigation", StringComparison.OrdinalIgnoreCase))
        {
            return ["", "", "0", "(navigating)"];
        }
    }

    private static async Task<long> StillNumberAsync(RelayHost relay, Room room, string cameraUid) =>
        (await relay.AdminReadAsync($"rooms/{room.Id}/stills/{cameraUid}")).GetProperty("n").GetInt64();

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
