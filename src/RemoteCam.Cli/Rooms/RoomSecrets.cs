using System.Text.Json;

namespace RemoteCam.Cli.Rooms;

/// <summary>The two invitation secrets of a room (base64url, 32 bytes each).</summary>
internal sealed record RoomSecrets
{
    /// <summary>The camera invitation secret, base64url.</summary>
    public required string Camera { get; init; }

    /// <summary>The viewer invitation secret (also the room's sealing secret), base64url.</summary>
    public required string Viewer { get; init; }

    public static RoomSecrets New() => new()
    {
        Camera = Base64Url.Encode(Pairing.NewSecret()),
        Viewer = Base64Url.Encode(Pairing.NewSecret()),
    };

    public string For(string role) => role == Pairing.Camera ? Camera : Viewer;

    public byte[] SecretBytes(string role) =>
        Base64Url.TryDecode(For(role), out var bytes) && bytes.Length == Pairing.SecretLength
            ? bytes
            : throw new InvalidDataException($"the stored {role} secret is not {Pairing.SecretLength} bytes of base64url.");

    /// <summary>The invitation of one role; a camera invitation also carries the viewer secret (docs/pairing.md).</summary>
    public Invitation Invitation(string roomId, string role) =>
        new(roomId, role, For(role), role == Pairing.Camera ? Viewer : null);
}

/// <summary>
/// The secrets file of one room, kept only on the owner's machine:
/// <c>&lt;config folder&gt;/rooms/&lt;profile&gt;/&lt;roomId&gt;.json</c>, folder 0700, file 0600, replaced atomically.
/// <see cref="Current"/> are the secrets whose proofs the database holds; <see cref="Pending"/> are
/// the secrets of a rotation that has not finished (saved before their proofs are written, so a
/// failure never leaves the database with proofs whose secrets exist nowhere).
/// </summary>
internal sealed record RoomSecretsFile
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public RoomSecrets? Current { get; init; }

    public RoomSecrets? Pending { get; init; }

    public static string PathFor(string configDirectory, string profile, string roomId) =>
        Path.Combine(configDirectory, "rooms", SafeName(profile), roomId + ".json");

    /// <summary>The stored secrets; both parts null when this machine has none for the room.</summary>
    public static RoomSecretsFile Load(string path)
    {
        if (!File.Exists(path))
        {
            return new RoomSecretsFile();
        }

        var stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(path), Options)
            ?? throw new InvalidDataException($"{path} is empty.");
        if ((stored.Camera is null) != (stored.Viewer is null))
        {
            throw new InvalidDataException($"{path} has only one of the camera and viewer secrets.");
        }

        return new RoomSecretsFile
        {
            Current = stored.Camera is null ? null : new RoomSecrets { Camera = stored.Camera, Viewer = stored.Viewer! },
            Pending = stored.Pending,
        };
    }

    /// <summary>Writes the file atomically, owner-only; the <c>rooms</c> folder above the profile's folder is owner-only too.</summary>
    public void Save(string path)
    {
        var rooms = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(path)))!;
        if (!OperatingSystem.IsWindows())
        {
            const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            Directory.CreateDirectory(rooms, owner);
            File.SetUnixFileMode(rooms, owner);
        }

        OwnerOnlyFile.WriteJson(path, new Stored { Camera = Current?.Camera, Viewer = Current?.Viewer, Pending = Pending }, Options);
    }

    public static void Delete(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    /// <summary>A profile name as a folder name: anything but letters, digits, '-', '_' and '.' becomes '_'.</summary>
    private static string SafeName(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && name.Trim('.').Length > 0) ? c : '_').ToArray();
        return chars.Length == 0 ? "_" : new string(chars);
    }

    /// <summary>The file's layout: <c>{"camera", "viewer", "pending": {"camera", "viewer"}}</c>.</summary>
    private sealed record Stored
    {
        public string? Camera { get; init; }

        public string? Viewer { get; init; }

        public RoomSecrets? Pending { get; init; }
    }
}
