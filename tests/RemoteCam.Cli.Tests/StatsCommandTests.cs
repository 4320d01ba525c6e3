using System.Net;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Cli.Tests;

/// <summary>
/// <c>remotecam stats</c> against a real relay: what clients wrote and read shows up per path
/// prefix with room ids folded, the wire totals cover it, only admins may read the counters, and
/// <c>--reset</c> starts a new measurement.
/// </summary>
public sealed class StatsCommandTests
{
    [Fact]
    public async Task Writes_and_reads_are_counted_per_path_prefix_with_room_ids_folded()
    {
        await using var cli = await CliHarness.StartWithRelayProfileAsync();
        var reset = await cli.RunAsync("stats", "--reset", "--json");
        Assert.Equal(0, reset.ExitCode);

        using var admin = cli.RelayClient(cli.Relay!.AdminKey);
        const string Body = "{\"sdp\":\"0123456789\"}";
        foreach (var room in new[] { "roomA", "roomB" })
        {
            for (var i = 0; i < 3; i++)
            {
                using var put = await admin.PutAsync($"rooms/{room}/calls/cam/call{i}.json", new StringContent(Body, Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            }
        }

        var read = await admin.GetStringAsync("rooms/roomA/calls.json");

        var result = await cli.RunAsync("stats", "--json");
        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse(result.Out);
        var calls = document.RootElement.GetProperty("paths").EnumerateArray()
            .Single(p => p.GetProperty("path").GetString() == "/rooms/{room}/calls");
        Assert.Equal(6, calls.GetProperty("writes").GetInt64());
        Assert.Equal(1, calls.GetProperty("reads").GetInt64());
        Assert.Equal(6 * Body.Length, calls.GetProperty("bytesIn").GetInt64());
        // Each PUT answers its body; the GET answers the 3 calls of roomA.
        Assert.Equal((6 * Body.Length) + Encoding.UTF8.GetByteCount(read), calls.GetProperty("bytesOut").GetInt64());
        var wire = document.RootElement.GetProperty("wire");
        Assert.True(wire.GetProperty("bytesOut").GetInt64() > calls.GetProperty("bytesOut").GetInt64(), "the wire counts headers too");
        Assert.True(wire.GetProperty("bytesIn").GetInt64() > calls.GetProperty("bytesIn").GetInt64());
        Assert.True(wire.GetProperty("peakConnections").GetInt64() >= 1);

        var table = await cli.RunAsync("stats");
        Assert.Equal(0, table.ExitCode);
        var row = Assert.Single(table.Out.Split('\n'), line => line.StartsWith("/rooms/{room}/calls ", StringComparison.Ordinal));
        Assert.Equal(["/rooms/{room}/calls", "6", "1"], row.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3));

        var again = await cli.RunAsync("stats", "--reset", "--json");
        using var empty = JsonDocument.Parse(again.Out);
        Assert.DoesNotContain(empty.RootElement.GetProperty("paths").EnumerateArray(), p => p.GetProperty("path").GetString() == "/rooms/{room}/calls");
    }

    [Fact]
    public async Task Only_admins_read_or_reset_the_counters()
    {
        await using var cli = await CliHarness.StartAsync();
        using var anonymous = cli.RelayClient(null);
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete })
        {
            using var response = await anonymous.SendAsync(new HttpRequestMessage(method, ".settings/stats.json"));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("Permission denied", error.RootElement.GetProperty("error").GetString());
        }
    }
}
