using System.Text.Json;

namespace RemoteCam.Cli.Tests;

/// <summary>The QR codes the CLI draws, read back by an independent decoder (jsQR) to exactly the invitation URL.</summary>
public sealed class QrRoundTripTests
{
    private static async Task<(CliHarness Cli, string Room)> StartWithRoomAsync()
    {
        var cli = await CliHarness.StartAsync();
        await cli.InitRelayAsync();
        var created = await cli.RunAsync("rooms", "create", "Home", "--json");
        Assert.True(created.ExitCode == 0, created.Err);
        using var document = JsonDocument.Parse(created.Out);
        return (cli, document.RootElement.GetProperty("id").GetString()!);
    }

    /// <summary>The QR code in the text output of <c>rooms invite</c>: the lines between the URL's blank line and the next blank line.</summary>
    private static (string Url, string Drawing) Printed(string output)
    {
        var lines = output.Split('\n');
        var urlLine = Array.FindIndex(lines, l => l.Contains("join.html#", StringComparison.Ordinal));
        Assert.Equal("", lines[urlLine + 1]);
        var drawing = lines.Skip(urlLine + 2).TakeWhile(l => l.Length > 0).ToList();
        Assert.True(drawing.Count > 10, output);
        return (lines[urlLine], string.Join('\n', drawing) + "\n");
    }

    [Theory]
    [InlineData("camera")]
    [InlineData("viewer")]
    public async Task The_png_decodes_to_the_invitation_url(string role)
    {
        var (cli, room) = await StartWithRoomAsync();
        await using (cli)
        {
            var png = Path.Combine(cli.RelayData, "..", role + ".png");
            var result = await cli.RunAsync("rooms", "invite", room, "--role", role, "--png", png, "--json");
            Assert.True(result.ExitCode == 0, result.Err);
            using var document = JsonDocument.Parse(result.Out);
            var url = document.RootElement.GetProperty("url").GetString()!;
            Assert.Equal(url, await QrDecoder.DecodePngAsync(png));
            if (!OperatingSystem.IsWindows())
            {
                // The image is a key to the room: readable by its owner only.
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(png));
            }
        }
    }

    [Fact]
    public async Task The_terminal_qr_code_decodes_for_the_theme_it_was_drawn_for()
    {
        var (cli, room) = await StartWithRoomAsync();
        await using (cli)
        {
            var dark = await cli.RunAsync("rooms", "invite", room, "--role", "camera", "--room-wide");
            Assert.True(dark.ExitCode == 0, dark.Err);
            var (url, drawing) = Printed(dark.Out);
            Assert.Equal(url, await QrDecoder.DecodeTerminalAsync(drawing, light: false));
            Assert.False(await QrDecoder.TerminalDecodesAsync(drawing, light: true));

            var light = await cli.RunAsync("rooms", "invite", room, "--role", "camera", "--room-wide", "--light");
            var (lightUrl, lightDrawing) = Printed(light.Out);
            Assert.Equal(url, lightUrl);
            Assert.Equal(url, await QrDecoder.DecodeTerminalAsync(lightDrawing, light: true));
            Assert.False(await QrDecoder.TerminalDecodesAsync(lightDrawing, light: false));

            // A terminal that says its background is white (COLORFGBG "fg;bg" = "0;15") gets the light drawing without --light.
            var auto = await cli.RunWithEnvironmentAsync(new Dictionary<string, string> { ["COLORFGBG"] = "0;15" }, "rooms", "invite", room, "--role", "camera", "--room-wide");
            Assert.Equal(lightDrawing, Printed(auto.Out).Drawing);
            var autoDark = await cli.RunWithEnvironmentAsync(new Dictionary<string, string> { ["COLORFGBG"] = "15;0" }, "rooms", "invite", room, "--role", "camera", "--room-wide");
            Assert.Equal(drawing, Printed(autoDark.Out).Drawing);
        }
    }
}
