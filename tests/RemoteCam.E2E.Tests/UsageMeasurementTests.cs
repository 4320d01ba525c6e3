using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

using RemoteCam.E2E.Tests.Infrastructure;

using Xunit.Abstractions;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// What a camera and a viewer cost, measured with the real pages against the relay's usage
/// statistics (<c>/.settings/stats.json</c>): a camera alone (presence), a viewer watching, and
/// one call set up again. Each window is short in CI (<c>REMOTECAM_COST_SECONDS</c>, default 5 s)
/// and the figures are extrapolated to a day, a minute and a call and printed; docs/cost.md has a
/// long run's. The test checks what the figures rest on: the call's signalling is counted under
/// <c>/rooms/{room}/calls</c>, presence under <c>/rooms/{room}/cameras</c> (in windows longer than the 30 s heartbeat), and the wire (what
/// Firebase bills) carries at least what the paths add up to.
/// </summary>
public sealed class UsageMeasurementTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_camera_and_a_viewer_are_measured_per_day_per_viewing_minute_and_per_call()
    {
        var seconds = double.Parse(Environment.GetEnvironmentVariable("REMOTECAM_COST_SECONDS") ?? "5", CultureInfo.InvariantCulture);
        var window = TimeSpan.FromSeconds(seconds);
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        using var admin = new HttpClient { BaseAddress = relay.Url };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", relay.Server.AdminKey);
        var room = await owner.CreateRoomAsync("Home");

        // 1. A camera alone: presence (heartbeats, its inbox's stream and keep-alives).
        await using var camera = await browser.StartCameraAsync(room);
        await ResetAsync(admin);
        await Task.Delay(window);
        var idle = await StatsAsync(admin);
        var idlePerSecond = idle.WireOut / idle.Seconds;

        // 2. A viewer watching (after its call is set up): both pages' streams and presence.
        await using var viewer = await browser.WatchFromLinkAsync(room.ViewerInvitation, "viewer");
        await camera.ExpectViewersAsync(1);
        await ResetAsync(admin);
        await Task.Delay(window);
        var watching = await StatsAsync(admin);
        var viewingPerMinute = Math.Max(0, (watching.WireOut / watching.Seconds) - idlePerSecond) * 60;

        // 3. One call set up again: the call is deleted (as a camera's clean-up does) and the viewer calls again.
        var cameraUid = Assert.Single(await owner.MembersAsync(room, "camera"));
        await ResetAsync(admin);
        var framesBefore = await viewer.FramesAsync(Device.ViewerVideo);
        await admin.DeleteAsync($"rooms/{room.Id}/calls/{cameraUid}.json");
        // The new call's video is a new stream: its decoded frames count from 0 again.
        await Eventually.WaitAsync(
            () => viewer.FramesAsync(Device.ViewerVideo),
            frames => frames >= 0 && frames < framesBefore,
            Device.ConnectTime,
            async frames => $"the viewer did not call again after its call was deleted ({frames} frames, {framesBefore} before).\n{await viewer.DiagnosticsAsync()}");
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);
        await camera.ExpectViewersAsync(1);
        var call = await StatsAsync(admin);
        var perCall = Math.Max(0, call.WireOut - (idlePerSecond * call.Seconds) - (viewingPerMinute / 60 * call.Seconds));

        Assert.True(call.Path("/rooms/{room}/calls") is { Writes: > 0, BytesOut: > 0 }, $"the call's signalling is not counted under /rooms/{{room}}/calls: {call.Json}");
        if (seconds > 30)
        {
            // Windows longer than the camera's heartbeat (30 s) hold at least one: written by the camera, streamed to the viewer.
            Assert.True(idle.Path("/rooms/{room}/cameras") is { Writes: > 0 }, $"the camera's heartbeat is not counted under /rooms/{{room}}/cameras: {idle.Json}");
            Assert.True(watching.Path("/rooms/{room}/cameras") is { Writes: > 0 } cameras && cameras.BytesOut > idle.Path("/rooms/{room}/cameras")!.BytesOut, $"the viewer's presence stream is not counted under /rooms/{{room}}/cameras: {watching.Json}");
        }
        foreach (var measured in new[] { idle, watching, call })
        {
            Assert.True(measured.WireOut >= measured.PathsOut, $"the wire ({measured.WireOut} B) carries less than the paths add up to ({measured.PathsOut} B): {measured.Json}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"windows of {seconds:0} s (REMOTECAM_COST_SECONDS), bytes the relay sent on the wire:"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"camera alone: {idle.WireOut} B in {idle.Seconds:0.0} s = {idlePerSecond * 86_400:0} B per camera-day"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"viewer watching: {watching.WireOut} B in {watching.Seconds:0.0} s, less the camera alone = {viewingPerMinute:0} B per viewing minute"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one call set up again: {call.WireOut} B in {call.Seconds:0.0} s, less the two above = {perCall:0} B per call"));
        foreach (var measured in new[] { ("alone", idle), ("watching", watching), ("call", call) })
        {
            output.WriteLine($"{measured.Item1}: {measured.Item2.Json}");
        }
    }

    private static async Task ResetAsync(HttpClient admin)
    {
        using var response = await admin.DeleteAsync(".settings/stats.json");
        response.EnsureSuccessStatusCode();
    }

    private static async Task<Measured> StatsAsync(HttpClient admin)
    {
        var text = await admin.GetStringAsync(".settings/stats.json");
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var paths = root.GetProperty("paths").EnumerateArray()
            .Select(p => (p.GetProperty("path").GetString()!, new PathUse(p.GetProperty("writes").GetInt64(), p.GetProperty("reads").GetInt64(), p.GetProperty("bytesOut").GetInt64())))
            .GroupBy(p => p.Item1)
            .ToDictionary(g => g.Key, g => g.Aggregate(new PathUse(0, 0, 0), (a, b) => new PathUse(a.Writes + b.Item2.Writes, a.Reads + b.Item2.Reads, a.BytesOut + b.Item2.BytesOut)));
        return new Measured(root.GetProperty("seconds").GetDouble(), root.GetProperty("wire").GetProperty("bytesOut").GetInt64(), paths, text);
    }

    private sealed record PathUse(long Writes, long Reads, long BytesOut);

    private sealed record Measured(double Seconds, long WireOut, IReadOnlyDictionary<string, PathUse> Paths, string Json)
    {
        public long PathsOut => Paths.Values.Sum(p => p.BytesOut);

        public PathUse? Path(string prefix) => Paths.GetValueOrDefault(prefix);
    }
}
