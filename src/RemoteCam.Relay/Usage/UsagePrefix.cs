namespace RemoteCam.Relay.Usage;

/// <summary>
/// The group a path's usage is counted in, like Firebase's profiler: the top two levels, with a
/// room id folded to <c>{room}</c> and then one level more, so that one home's rooms add up and
/// their parts stay apart: <c>rooms/abc/calls/cam/call1/v</c> → <c>/rooms/{room}/calls</c>,
/// <c>pairing/abc/…</c> → <c>/pairing/{room}</c>, <c>other/x/y</c> → <c>/other/x</c>.
/// </summary>
internal static class UsagePrefix
{
    public const string Room = "{room}";

    /// <summary>Top-level keys whose children are room ids (database.rules.json).</summary>
    private static readonly HashSet<string> RoomCollections = new(StringComparer.Ordinal) { "rooms", "pairing" };

    public static string Of(IReadOnlyList<string> keys)
    {
        if (keys.Count == 0)
        {
            return "/";
        }

        if (RoomCollections.Contains(keys[0]))
        {
            return keys.Count switch
            {
                1 => "/" + keys[0],
                2 => $"/{keys[0]}/{Room}",
                _ => $"/{keys[0]}/{Room}/{keys[2]}",
            };
        }

        return keys.Count == 1 ? "/" + keys[0] : $"/{keys[0]}/{keys[1]}";
    }
}
