using System.Net.Http.Json;
using System.Text.Json;

namespace RemoteCam.Cli.Tests;

/// <summary>
/// <c>rooms show ROOM DEVICE</c> and <c>rooms revoke ROOM DEVICE</c> take the name a device chose as well as its uid;
/// a name two devices share is refused with exit code 2 and the list of those devices.
/// </summary>
public sealed class DeviceNameTests
{
    private static async Task<(CliHarness Cli, string Room, HttpClient Admin)> RoomWithDevicesAsync()
    {
        var cli = await CliHarness.StartWithRelayProfileAsync();
        var id = await cli.CreateRoomAsync();
        var admin = cli.RelayClient(cli.Relay!.AdminKey);
        // As the pages write them: the name the person chose, in `name`.
        foreach (var (uid, role, name) in new[]
        {
            ("cam1", "camera", "Kitchen tablet"), ("view1", "viewer", "Kitchen tablet"), ("view2", "viewer", "Hall phone"), ("view3", "viewer", "Mum's phone."),
        })
        {
            (await admin.PutAsJsonAsync($"rooms/{id}/members/{uid}.json", new { role, name, joined = 1_700_000_000_000 })).EnsureSuccessStatusCode();
        }

        return (cli, id, admin);
    }

    [Fact]
    public async Task Revoke_takes_a_name_ignoring_case_and_spaces_and_a_uid_still_works()
    {
        var (cli, id, admin) = await RoomWithDevicesAsync();
        await using (cli)
        using (admin)
        {
            var byName = await cli.RunAsync("rooms", "revoke", id, "  hall PHONE ");
            Assert.True(byName.ExitCode == 0, byName.Err);
            Assert.Contains("Revoked device view2 ('Hall phone')", byName.Out);
            Assert.Equal("null", await admin.GetStringAsync($"rooms/{id}/members/view2.json"));
            Assert.Equal("true", await admin.GetStringAsync($"rooms/{id}/revoked/view2.json"));

            // A name with characters a uid cannot have.
            using (var document = JsonDocument.Parse((await cli.RunAsync("rooms", "revoke", id, "Mum's phone.", "--json")).Out))
            {
                Assert.Equal("view3", document.RootElement.GetProperty("revoked").GetString());
                Assert.Equal("Mum's phone.", document.RootElement.GetProperty("name").GetString());
            }

            var byUid = await cli.RunAsync("rooms", "revoke", id, "view1");
            Assert.True(byUid.ExitCode == 0, byUid.Err);
            Assert.Equal("null", await admin.GetStringAsync($"rooms/{id}/members/view1.json"));

            // Now only the camera is called "Kitchen tablet": the name is no longer ambiguous.
            var single = await cli.RunAsync("rooms", "revoke", id, "Kitchen tablet");
            Assert.True(single.ExitCode == 0, single.Err);
            Assert.Equal("null", await admin.GetStringAsync($"rooms/{id}/members/cam1.json"));

            var unknown = await cli.RunAsync("rooms", "revoke", id, "Garage");
            Assert.Equal(1, unknown.ExitCode);
            Assert.Contains($"'Garage' is not a member of room {id} (neither the uid nor the name of one)", unknown.Err);
        }
    }

    [Fact]
    public async Task An_ambiguous_name_is_refused_with_exit_code_2_and_the_matching_devices_and_nothing_changes()
    {
        var (cli, id, admin) = await RoomWithDevicesAsync();
        await using (cli)
        using (admin)
        {
            var before = await admin.GetStringAsync($"rooms/{id}.json");
            foreach (var command in new[] { "revoke", "show" })
            {
                var result = await cli.RunAsync("rooms", command, id, "kitchen tablet");
                Assert.Equal(2, result.ExitCode);
                Assert.Equal("", result.Out);
                Assert.Contains($"2 devices in room {id} are called 'kitchen tablet'; name one by its uid:", result.Err);
                var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                Assert.Contains(lines, l => l.StartsWith("cam1 ", StringComparison.Ordinal) && l.Contains("camera", StringComparison.Ordinal) && l.Contains("'Kitchen tablet'", StringComparison.Ordinal));
                Assert.Contains(lines, l => l.StartsWith("view1 ", StringComparison.Ordinal) && l.Contains("viewer", StringComparison.Ordinal));
                Assert.DoesNotContain(lines, l => l.StartsWith("view2", StringComparison.Ordinal));
            }

            Assert.Equal(before, await admin.GetStringAsync($"rooms/{id}.json"));
        }
    }

    [Fact]
    public async Task Show_with_a_device_shows_that_member_only()
    {
        var (cli, id, admin) = await RoomWithDevicesAsync();
        await using (cli)
        using (admin)
        {
            using var document = JsonDocument.Parse((await cli.RunAsync("rooms", "show", id, "Hall phone", "--json")).Out);
            var member = Assert.Single(document.RootElement.GetProperty("members").EnumerateArray());
            Assert.Equal("view2", member.GetProperty("uid").GetString());
            Assert.Equal("Hall phone", member.GetProperty("deviceName").GetString());

            var text = await cli.RunAsync("rooms", "show", id, "cam1");
            Assert.True(text.ExitCode == 0, text.Err);
            Assert.Contains("cam1", text.Out);
            Assert.DoesNotContain("view1", text.Out);

            var unknown = await cli.RunAsync("rooms", "show", id, "Garage");
            Assert.Equal(1, unknown.ExitCode);
            Assert.Contains("'Garage' is not a member", unknown.Err);
        }
    }
}
