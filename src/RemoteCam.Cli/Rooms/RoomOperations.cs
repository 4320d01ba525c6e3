using System.Text.Json;
using System.Text.Json.Nodes;

using RemoteCam.Firebase;

namespace RemoteCam.Cli.Rooms;

/// <summary>
/// The writes that make and re-key a room (docs/pairing.md), shared by <c>rooms create</c>,
/// <c>rooms rotate</c> and <c>serve</c>'s default room. Each one keeps the local secrets and the
/// database's proofs consistent when it fails half-way.
/// </summary>
internal static class RoomOperations
{
    /// <summary>Makes a room: secrets saved locally first (removed again if the write fails), then meta and proofs in one update.</summary>
    public static async Task<(string Id, RoomSecrets Secrets)> CreateAsync(
        FirebaseDatabaseClient database, string name, Func<string, string> secretsFile, CancellationToken cancellationToken)
    {
        var id = Pairing.NewRoomId();
        var secrets = RoomSecrets.New();
        var file = secretsFile(id);
        new RoomSecretsFile { Current = secrets }.Save(file);
        var update = Proofs(id, secrets);
        update[$"rooms/{id}/meta"] = new JsonObject
        {
            ["name"] = name,
            ["created"] = ServerTimestamp(),
            ["owner"] = "cli",
        };
        try
        {
            await database.UpdateAsync("", update, cancellationToken);
        }
        catch
        {
            RoomSecretsFile.Delete(file);
            throw;
        }

        return (id, secrets);
    }

    /// <summary>
    /// New secrets for a room: saved locally as pending, then their proofs written (with
    /// <c>meta/rotated</c>, and the room's ICE servers sealed again with the new viewer secret), then promoted to current. A rotation interrupted anywhere is finished
    /// by the next call, with the same pending secrets; <c>Resumed</c> says so.
    /// </summary>
    public static async Task<(RoomSecrets Secrets, bool Resumed)> RotateAsync(
        FirebaseDatabaseClient database, string id, string file, CancellationToken cancellationToken)
    {
        var stored = RoomSecretsFile.Load(file);
        var resumed = stored.Pending is not null;
        var next = stored.Pending ?? RoomSecrets.New();
        if (!resumed)
        {
            (stored with { Pending = next }).Save(file);
        }

        var update = Proofs(id, next);
        update[$"rooms/{id}/meta/rotated"] = ServerTimestamp();
        // Invitations of their own go too: their devices pair again like everyone else's.
        update[$"pairing/{id}/invites"] = null;
        // Values sealed with the old viewer secret are sealed again with the new one, in the same update.
        var ice = await database.GetAsync($"rooms/{id}/meta/{RoomIce.SealName}", null, cancellationToken);
        if (ice.ValueKind == JsonValueKind.String)
        {
            var plaintext = new[] { stored.Current, next }
                .OfType<RoomSecrets>()
                .Select(s => RoomSeal.Open(s.SecretBytes(Pairing.Viewer), id, RoomIce.SealName, ice.GetString()!))
                .FirstOrDefault(p => p is not null);
            // One that opens with neither secret cannot be used by any page: it goes.
            update[$"rooms/{id}/meta/{RoomIce.SealName}"] = plaintext is null
                ? null
                : RoomSeal.Seal(next.SecretBytes(Pairing.Viewer), id, RoomIce.SealName, plaintext);
        }

        await database.UpdateAsync("", update, cancellationToken);
        new RoomSecretsFile { Current = next }.Save(file);
        return (next, resumed);
    }

    /// <summary>Whether the database's proofs are those of <paramref name="secrets"/> (false when the room was rotated elsewhere).</summary>
    public static async Task<bool> ProofsMatchAsync(FirebaseDatabaseClient database, string id, RoomSecrets secrets, CancellationToken cancellationToken)
    {
        var stored = await database.GetAsync($"pairing/{id}", null, cancellationToken);
        return stored.ValueKind == JsonValueKind.Object
            && Pairing.Roles.All(role => stored.TryGetProperty(role, out var proof) && proof.ValueKind == JsonValueKind.String
                && proof.GetString() == Pairing.Proof(secrets.SecretBytes(role), id, role));
    }

    private static JsonObject Proofs(string id, RoomSecrets secrets)
    {
        var update = new JsonObject();
        foreach (var role in Pairing.Roles)
        {
            update[$"pairing/{id}/{role}"] = Pairing.Proof(secrets.SecretBytes(role), id, role);
        }

        return update;
    }

    private static JsonObject ServerTimestamp() => new() { [".sv"] = "timestamp" };
}
