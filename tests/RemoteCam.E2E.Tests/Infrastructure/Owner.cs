using System.Text.Json;

using RemoteCam.Cli;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>
/// The owner at their machine: the real <c>remotecam</c> commands (through the CLI's entry point,
/// with a config folder of their own) against the test's relay.
/// </summary>
internal sealed class Owner : IDisposable
{
    private readonly string _config = Path.Combine(Path.GetTempPath(), "remotecam-e2e-owner-" + Guid.NewGuid().ToString("N"));

    private Owner()
    {
        Directory.CreateDirectory(_config);
    }

    /// <summary>A folder for files the owner writes (QR code images).</summary>
    public string Folder => _config;

    /// <summary>Runs <c>remotecam init --relay</c> for <paramref name="relay"/> with its admin key.</summary>
    public static async Task<Owner> ForRelayAsync(RelayHost relay)
    {
        var owner = new Owner();
        await owner.RunAsync("init", "--relay", relay.Url.ToString(), "--admin-key", relay.Server.AdminKey, "--profile", "e2e");
        return owner;
    }

    /// <summary>Runs <c>remotecam init --relay</c> for the relay at <paramref name="url"/> with its admin key (a relay in its own process).</summary>
    public static async Task<Owner> ForRelayAsync(Uri url, string adminKey)
    {
        var owner = new Owner();
        await owner.RunAsync("init", "--relay", url.ToString(), "--admin-key", adminKey, "--profile", "e2e");
        return owner;
    }

    /// <summary>Runs a command with <c>--json</c> and returns its output; fails the test if the command failed.</summary>
    public async Task<JsonElement> RunJsonAsync(params string[] args)
    {
        var output = await RunAsync([.. args, "--json"]);
        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }

    public async Task<string> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error, name => name == "REMOTECAM_CONFIG_DIR" ? _config : null);
        Assert.True(code == 0, $"remotecam {string.Join(' ', args)} exited {code}: {output}{error}");
        return output.ToString();
    }

    /// <summary><c>rooms create NAME</c>: the room and its camera and viewer invitation URLs.</summary>
    public async Task<Room> CreateRoomAsync(string name)
    {
        var created = await RunJsonAsync("rooms", "create", name);
        var invitations = created.GetProperty("invitations");
        return new Room(
            created.GetProperty("id").GetString()!,
            invitations.GetProperty("camera").GetString()!,
            invitations.GetProperty("viewer").GetString()!);
    }

    /// <summary><c>rooms invite ROOM --role ROLE --png FILE</c>: the QR code image file.</summary>
    public async Task<string> InvitationQrCodeAsync(Room room, string role)
    {
        var file = Path.Combine(_config, $"{room.Id}-{role}.png");
        var invited = await RunJsonAsync("rooms", "invite", room.Id, "--role", role, "--png", file);
        Assert.Equal(file, Assert.Single(invited.GetProperty("files").EnumerateArray()).GetString());
        return file;
    }

    /// <summary>The uids of the room's members in <paramref name="role"/>, from <c>rooms show</c>.</summary>
    public async Task<IReadOnlySet<string>> MembersAsync(Room room, string role)
    {
        var shown = await RunJsonAsync("rooms", "show", room.Id);
        return shown.GetProperty("members").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == role)
            .Select(m => m.GetProperty("uid").GetString()!)
            .ToHashSet();
    }

    public Task RevokeAsync(Room room, string uid) => RunJsonAsync("rooms", "revoke", room.Id, uid);

    /// <summary><c>rooms rotate ROOM</c>: the room with its new invitations.</summary>
    public async Task<Room> RotateAsync(Room room)
    {
        var rotated = await RunJsonAsync("rooms", "rotate", room.Id);
        var invitations = rotated.GetProperty("invitations");
        return room with
        {
            CameraInvitation = invitations.GetProperty("camera").GetString()!,
            ViewerInvitation = invitations.GetProperty("viewer").GetString()!,
        };
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_config, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temp cleaning.
        }
    }
}

/// <summary>A room as the owner's CLI made it.</summary>
internal sealed record Room(string Id, string CameraInvitation, string ViewerInvitation);
