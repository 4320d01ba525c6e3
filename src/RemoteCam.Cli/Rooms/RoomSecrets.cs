using System.Text.Json;

namespace RemoteCam.Cli.Rooms;

/// <summary>
/// The invitation secrets of one room, kept only on the owner's machine:
/// <c>&lt;config folder&gt;/rooms/&lt;profile&gt;/&lt;roomId&gt;.json</c>, folder 0700, file 0600.
/// </summary>
internal sealed record RoomSecrets
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The camera invitation secret, base64url.</summary>
    public required string Camera { get; init; }

    /// <summary>The viewer invitation secret, base64url.</summary>
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

    public static string FilePath(string configDirectory, string profile, string roomId) =>
        Path.Combine(configDirectory, "rooms", SafeName(profile), roomId + ".json");

    /// <summary>The stored secrets, or null when this machine has none for the room.</summary>
    public static RoomSecrets? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        return JsonSerializer.Deserialize<RoomSecrets>(File.ReadAllText(path), Options)
            ?? throw new InvalidDataException($"{path} is empty.");
    }

    /// <summary>Writes the file atomically, owner-only.</summary>
    public void Save(string path) => OwnerOnlyFile.WriteJson(path, this, Options);

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
}
