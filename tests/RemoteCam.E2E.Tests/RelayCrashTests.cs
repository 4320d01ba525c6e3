using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

using RemoteCam.E2E.Tests.Infrastructure;
using RemoteCam.Firebase;

using Xunit.Abstractions;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// The relay (<c>remotecam serve</c>, its own process) is killed with SIGKILL in the middle of a
/// call while a C# client writes, and started again on the same port and data directory: the
/// call's video keeps flowing the whole time (it is peer to peer), both pages come back online by
/// themselves and keep working through the new relay, and every write the relay acknowledged
/// before the kill is there after the restart.
/// </summary>
public sealed class RelayCrashTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_relay_killed_and_restarted_during_a_call_and_writes_keeps_the_video_and_every_acknowledged_write()
    {
        await using var relay = await RelayProcess.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay.Url, relay.AdminKey);
        var room = await owner.CreateRoomAsync("Home");
        await using var camera = await browser.StartCameraAsync(room);
        await using var viewer = await browser.WatchFromLinkAsync(room.ViewerInvitation, "viewer");
        await camera.ExpectViewersAsync(1);

        // A C# client writes as fast as the relay acknowledges, until the kill.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var client = new FirebaseDatabaseClient(relay.Url, http, FirebaseAuth.Bearer(relay.AdminKey));
        var acknowledged = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = $"w{i:D6}";
                try
                {
                    await client.SetAsync($"crash/{key}", new { i, at = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture) });
                    acknowledged[key] = i;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FirebaseException)
                {
                    // Not acknowledged: the relay is gone.
                }
            }
        });
        await Eventually.WaitAsync(() => Task.FromResult(acknowledged.Count), n => n >= 200, TimeSpan.FromSeconds(30), n => Task.FromResult($"only {n} writes acknowledged"));

        await relay.KillAsync();
        var killed = Stopwatch.StartNew();
        await stop.CancelAsync();
        await writer;
        var before = acknowledged.Count;

        // The relay is gone: the video still plays (peer to peer), for several seconds.
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo, gain: 60, within: TimeSpan.FromSeconds(10));
        var framesWhileDead = killed.Elapsed;
        await relay.StartAgainAsync();
        var restartedAfter = killed.Elapsed;

        // Every acknowledged write survived the kill.
        var stored = await client.GetAsync("crash");
        var missing = acknowledged.Keys.Where(k => !stored.TryGetProperty(k, out _)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {before} acknowledged writes are missing after the restart: {string.Join(", ", missing.Take(10))}");

        // Both pages come back by themselves, and work through the new relay: the camera's
        // presence is written again, and the viewer's call still shows video.
        var restarted = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var cameraUid = Assert.Single(await owner.MembersAsync(room, "camera"));
        await Eventually.WaitAsync(
            () => client.GetAsync($"rooms/{room.Id}/cameras/{cameraUid}/lastSeen"),
            seen => seen.ValueKind == System.Text.Json.JsonValueKind.Number && seen.GetInt64() >= restarted - 2000,
            TimeSpan.FromSeconds(40),
            async seen => $"the camera's presence was not written after the restart (lastSeen {seen}).\n{await camera.DiagnosticsAsync()}");
        var cameraBack = killed.Elapsed;
        await camera.WaitForStatusAsync("online");
        await viewer.WaitForStatusAsync("online");
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);
        await camera.ExpectViewersAsync(1);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"relay killed: video kept playing ({framesWhileDead.TotalSeconds:0.0} s checked), restarted after {restartedAfter.TotalSeconds:0.0} s, camera presence written again {cameraBack.TotalSeconds - restartedAfter.TotalSeconds:0.0} s after the restart; {before} acknowledged writes, 0 lost"));
    }
}
