using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;

namespace RemoteCam.Cli.Rooms;

/// <summary>
/// Finds a room's member by uid or by the name it chose (<c>rooms show ROOM DEVICE</c>, <c>rooms revoke ROOM DEVICE</c>):
/// a uid matches exactly; a name matches the members' device names ignoring case and surrounding spaces. Two
/// members with that name are ambiguous: the command refuses (exit 2) and lists them, so the owner names one by uid.
/// </summary>
internal static class DeviceLookup
{
    /// <summary>The member <paramref name="device"/> names among <paramref name="members"/> (objects from <c>RoomsCommand.Members</c>).</summary>
    public static DeviceMatch Find(IReadOnlyList<JsonObject> members, string device)
    {
        if (members.FirstOrDefault(m => (string?)m["uid"] == device) is { } byUid)
        {
            return new DeviceMatch.Found(byUid);
        }

        var wanted = device.Trim();
        var named = members.Where(m => string.Equals(((string?)m["deviceName"])?.Trim(), wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        return named.Count switch
        {
            0 => new DeviceMatch.None(),
            1 => new DeviceMatch.Found(named[0]),
            _ => new DeviceMatch.Ambiguous(named),
        };
    }

    /// <summary>The message for a device that is no member: neither a member's uid nor its name.</summary>
    public static string NotAMember(string room, string device) =>
        $"'{device}' is not a member of room {room} (neither the uid nor the name of one); see 'remotecam rooms show {room}'.";

    /// <summary>The refusal of an ambiguous name: exit 2, with one line per matching device.</summary>
    public static int RefuseAmbiguous(CliConsole console, string room, string device, IReadOnlyList<JsonObject> matches)
    {
        var lines = matches.Select(m => $"  {m["uid"]}  {m["role"] ?? "-",-6}  joined {m["joined"] ?? "-"}  '{m["deviceName"]}'");
        return console.Fail(
            $"{matches.Count} devices in room {room} are called '{device.Trim()}'; name one by its uid:\n{string.Join('\n', lines)}",
            ExitCodes.Usage);
    }
}

/// <summary>The outcome of <see cref="DeviceLookup.Find"/>.</summary>
internal abstract record DeviceMatch
{
    private DeviceMatch()
    {
    }

    /// <summary>Exactly one member: by uid, or the only one with that name.</summary>
    public sealed record Found(JsonObject Member) : DeviceMatch
    {
        public string Uid => (string)Member["uid"]!;
    }

    /// <summary>No member has that uid or name.</summary>
    public sealed record None : DeviceMatch;

    /// <summary>Several members have that name.</summary>
    public sealed record Ambiguous(IReadOnlyList<JsonObject> Matches) : DeviceMatch;
}
