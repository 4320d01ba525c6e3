using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

using RemoteCam.Firebase;

namespace RemoteCam.Cli.Rooms;

/// <summary>
/// Invitations one by one (docs/pairing.md): each has its own secret, whose proof, info and use
/// slots live at <c>/pairing/{room}/invites/{id}</c>. A joining device claims a free slot with its
/// uid in the same update that writes its membership; the rules refuse the claim once the
/// invitation expired or was cancelled. The secret is printed once and kept nowhere.
/// </summary>
internal static class RoomInvitations
{
    /// <summary>Defaults: a viewer invitation is used once within 24 h, a camera invitation once within 1 h.</summary>
    public static TimeSpan DefaultLifetime(string role) => role == Pairing.Camera ? TimeSpan.FromHours(1) : TimeSpan.FromHours(24);

    public const int DefaultUses = 1;

    public const int MaxUses = 100;

    public static readonly TimeSpan MinLifetime = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);

    /// <summary>Writes a new invitation; returns it (with the secret, to put in the URL) and its id.</summary>
    public static async Task<Invitation> CreateAsync(
        FirebaseDatabaseClient database, string roomId, RoomSecrets secrets, string role, TimeSpan lifetime, int uses, string? name, CancellationToken cancellationToken)
    {
        var inviteId = Pairing.NewInvitationId();
        var secret = Pairing.NewSecret();
        var info = new JsonObject
        {
            ["role"] = role,
            ["created"] = new JsonObject { [".sv"] = "timestamp" },
            ["ttl"] = (long)lifetime.TotalMilliseconds,
            ["by"] = "cli",
        };
        if (name is not null)
        {
            info["name"] = name;
        }

        var used = new JsonObject();
        for (var slot = 0; slot < uses; slot++)
        {
            used["s" + slot.ToString(CultureInfo.InvariantCulture)] = false;
        }

        await database.SetAsync(
            $"pairing/{roomId}/invites/{inviteId}",
            new JsonObject { ["proof"] = Pairing.InvitationProof(secret, roomId, inviteId, role), ["info"] = info, ["used"] = used },
            cancellationToken);
        return new Invitation(roomId, role, Base64Url.Encode(secret), null, inviteId, Base64Url.Encode(Pairing.SealKey(secrets.SecretBytes(Pairing.Viewer), roomId)));
    }

    /// <summary>Cancels an invitation: no device can join with it any more (devices that joined with it stay members).</summary>
    public static Task CancelAsync(FirebaseDatabaseClient database, string roomId, string inviteId, CancellationToken cancellationToken) =>
        database.SetAsync($"pairing/{roomId}/invites/{inviteId}/info/cancelled", new JsonObject { [".sv"] = "timestamp" }, cancellationToken);

    /// <summary>
    /// The room's invitations as objects: <c>id role name created expires uses usedBy[] state</c>,
    /// state being <c>unused</c>, <c>used</c> (every slot taken), <c>partly used</c>, <c>expired</c> or <c>cancelled</c>.
    /// </summary>
    public static List<JsonObject> Describe(JsonElement invites, JsonElement members, DateTimeOffset now)
    {
        var list = new List<JsonObject>();
        if (invites.ValueKind != JsonValueKind.Object)
        {
            return list;
        }

        foreach (var invite in invites.EnumerateObject())
        {
            var value = invite.Value;
            var info = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("info", out var i) ? i : default;
            var created = Number(info, "created");
            var ttl = Number(info, "ttl");
            var cancelled = Number(info, "cancelled");
            var slots = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("used", out var u) && u.ValueKind == JsonValueKind.Object
                ? u.EnumerateObject().ToList()
                : [];
            var usedBy = new JsonArray();
            foreach (var slot in slots.Where(s => s.Value.ValueKind == JsonValueKind.String))
            {
                var uid = slot.Value.GetString()!;
                var member = members.ValueKind == JsonValueKind.Object && members.TryGetProperty(uid, out var m) ? m : default;
                usedBy.Add(new JsonObject { ["uid"] = uid, ["deviceName"] = Commands.RoomsCommand.StringOf(member, "name"), ["member"] = member.ValueKind == JsonValueKind.Object });
            }

            var expires = created is { } c && ttl is { } t ? c + t : (long?)null;
            var expired = expires is { } e && now.ToUnixTimeMilliseconds() >= e;
            var state = cancelled is not null ? "cancelled"
                : slots.Count > 0 && usedBy.Count == slots.Count ? "used"
                : expired ? "expired"
                : usedBy.Count > 0 ? "partly used"
                : "unused";
            list.Add(new JsonObject
            {
                ["id"] = invite.Name,
                ["role"] = Commands.RoomsCommand.StringOf(info, "role"),
                ["name"] = Commands.RoomsCommand.StringOf(info, "name"),
                ["by"] = Commands.RoomsCommand.StringOf(info, "by"),
                ["created"] = Commands.RoomsCommand.TimeOf(info, "created"),
                ["expires"] = expires is { } x ? Time(x) : null,
                ["cancelled"] = Commands.RoomsCommand.TimeOf(info, "cancelled"),
                ["uses"] = slots.Count,
                ["usedBy"] = usedBy,
                ["state"] = state,
            });
        }

        return [.. list.OrderBy(o => (string?)o["created"], StringComparer.Ordinal).ThenBy(o => (string)o["id"]!, StringComparer.Ordinal)];
    }

    /// <summary>Parses <c>--expires</c>: a number and a unit, <c>s m h d</c> (e.g. <c>10m</c>, <c>24h</c>, <c>7d</c>).</summary>
    public static bool TryParseLifetime(string text, out TimeSpan lifetime)
    {
        lifetime = default;
        var t = text.Trim();
        if (t.Length < 2 || !long.TryParse(t[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 100_000_000)
        {
            return false;
        }

        lifetime = char.ToLowerInvariant(t[^1]) switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => TimeSpan.MinValue,
        };
        return lifetime != TimeSpan.MinValue;
    }

    /// <summary>A lifetime in words: <c>1 h</c>, <c>10 min</c>, <c>7 days</c>.</summary>
    public static string Words(TimeSpan lifetime) =>
        lifetime.TotalDays >= 1 && lifetime.TotalDays % 1 == 0 ? $"{lifetime.TotalDays:0} day{(lifetime.TotalDays == 1 ? "" : "s")}"
        : lifetime.TotalHours >= 1 && lifetime.TotalHours % 1 == 0 ? $"{lifetime.TotalHours:0} h"
        : lifetime.TotalMinutes % 1 == 0 ? $"{lifetime.TotalMinutes:0} min"
        : $"{lifetime.TotalSeconds:0} s";

    private static long? Number(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    private static string Time(long milliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
