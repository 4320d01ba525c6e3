using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

using RemoteCam.Relay.Tests.Pages;
using RemoteCam.Relay.Tests.Rules;
using RemoteCam.Relay.Tests.WebSocket;

namespace RemoteCam.Relay.Tests.Security;

/// <summary>
/// The attack table of docs/security.md: one row per attack, each naming who tries what and the
/// refusal expected, run over real HTTP (and WebSocket) against a relay enforcing the repository's
/// database.rules.json. A refused write must also leave the room and its /pairing exactly as they
/// were. Rows marked "opener" check the sealed envelope of docs/protocol.md (written out here from
/// the documentation): what a page opening a value refuses, since the database cannot see inside.
/// </summary>
public sealed class AttackTableTests(AttackScene scene) : IClassFixture<AttackScene>
{
    private const string Denied = "401 Permission denied, nothing changed";

    /// <summary>One attack: who, what they try, what must happen.</summary>
    public sealed record Attack(string Who, string What, string Expected, Func<AttackScene, Task> Run);

    private static readonly Attack[] Table =
    [
        // Strangers, with and without an account.
        new("stranger without an account", "reads a room's meta", Denied, s => s.Unreadable($"rooms/{s.Room.Id}/meta", null)),
        new("stranger without an account", "joins with a membership and no token", Denied,
            s => s.Refused("PUT", $"rooms/{s.Room.Id}/members/nobody", RoomRulesFixture.Membership("viewer", s.Room.ViewerProof), null)),
        new("stranger with an account", "reads a room's meta", Denied, s => s.Unreadable($"rooms/{s.Room.Id}/meta", s.Stranger)),
        new("stranger with an account", "reads the cameras' presence", Denied, s => s.Unreadable($"rooms/{s.Room.Id}/cameras", s.Stranger)),
        new("stranger with an account", "joins with a guessed proof", Denied,
            s => s.Refused("PUT", s.MemberPath(s.Stranger), RoomRulesFixture.Membership("viewer", Pairing.Proof(Pairing.NewSecret(), s.Room.Id, "viewer")), s.Stranger)),
        new("stranger with an account", "joins with another room's proof", Denied,
            s => s.Refused("PUT", s.MemberPath(s.Stranger), RoomRulesFixture.Membership("viewer", s.Rotated.ViewerProof), s.Stranger)),
        new("stranger with an account", "reads the room's proofs", Denied, s => s.Unreadable($"pairing/{s.Room.Id}", s.Stranger)),
        new("stranger with an account", "writes a still picture under its own uid", Denied,
            s => s.Refused("PUT", $"rooms/{s.Room.Id}/stills/{s.Stranger.Uid}", AttackScene.Still(1), s.Stranger)),
        new("stranger with an account", "streams a camera's call inbox", "401 on the event stream",
            async s => Assert.Equal(401, await s.Rules.StreamStatusAsync($"rooms/{s.Room.Id}/calls/{s.CameraA.Uid}", s.Stranger))),

        // Listing.
        new("member (viewer)", "lists the rooms", Denied, s => s.Unreadable("rooms", s.Viewer)),
        new("member (viewer)", "lists the rooms with shallow=true", Denied, s => s.Unreadable("rooms", s.Viewer, "shallow=true")),
        new("member (viewer)", "reads the whole database", Denied, s => s.Unreadable("", s.Viewer)),
        new("member (viewer)", "lists /pairing with shallow=true", Denied, s => s.Unreadable("pairing", s.Viewer, "shallow=true")),
        new("member (viewer)", "lists the members of its room", Denied, s => s.Unreadable($"rooms/{s.Room.Id}/members", s.Viewer)),

        // Revoked and rotated-out devices.
        new("revoked device", "reads the cameras' presence", Denied, s => s.Unreadable($"rooms/{s.Room.Id}/cameras", s.Revoked)),
        new("revoked device", "joins again with the invitation it still holds", Denied,
            s => s.Refused("PUT", s.MemberPath(s.Revoked), RoomRulesFixture.Membership("viewer", s.Room.ViewerProof), s.Revoked)),
        new("rotated-out device", "reads the rotated room's meta", Denied, s => s.Unreadable($"rooms/{s.Rotated.Id}/meta", s.RotatedOut)),
        new("rotated-out device", "asks a camera for still pictures", Denied,
            s => s.Refused("PUT", $"rooms/{s.Rotated.Id}/wants/{s.RotatedCamera.Uid}/{s.RotatedOut.Uid}", """{".sv":"timestamp"}""", s.RotatedOut, s.Rotated)),
        new("rotated-out device", "joins again with the old invitation", Denied,
            s => s.Refused("PUT", $"rooms/{s.Rotated.Id}/members/{s.RotatedOut.Uid}", RoomRulesFixture.Membership("viewer", s.RotatedOld.ViewerProof), s.RotatedOut, s.Rotated)),

        // A viewer acting as a camera.
        new("viewer", "writes camera presence for itself", Denied,
            s => s.Refused("PUT", $"rooms/{s.Room.Id}/cameras/{s.Viewer.Uid}", RoomRulesFixture.Presence(), s.Viewer)),
        new("viewer", "posts a still picture for itself", Denied,
            s => s.Refused("PUT", $"rooms/{s.Room.Id}/stills/{s.Viewer.Uid}", AttackScene.Still(1), s.Viewer)),
        new("viewer", "turns its membership into a camera's (keeping the viewer proof)", Denied,
            s => s.Refused("PUT", s.MemberPath(s.Viewer), RoomRulesFixture.Membership("camera", s.Room.ViewerProof), s.Viewer)),
        new("viewer", "writes the camera's side of its own call", Denied,
            s => s.Refused("PUT", $"{s.CallPath}/c/5", JsonSerializer.Serialize(AttackScene.SealedLooking(100)), s.Viewer)),
        new("viewer", "streams the camera's call inbox", Denied, s => s.Unreadable($"rooms/{s.Room.Id}/calls/{s.CameraA.Uid}", s.Viewer)),
        new("viewer", "makes an invitation (only cameras may)", Denied,
            s => s.Refused("PUT", $"pairing/{s.Room.Id}/invites/byviewer1", s.CameraInvitation(s.Viewer.Uid), s.Viewer)),

        // A camera and another camera's things.
        new("camera B", "streams camera A's call inbox", Denied, s => s.Unreadable($"rooms/{s.Room.Id}/calls/{s.CameraA.Uid}", s.CameraB)),
        new("camera B", "reads who wants camera A's stills", Denied, s => s.Unreadable($"rooms/{s.Room.Id}/wants/{s.CameraA.Uid}", s.CameraB)),
        new("camera B", "posts a still picture as camera A", Denied,
            s => s.Refused("PUT", $"rooms/{s.Room.Id}/stills/{s.CameraA.Uid}", AttackScene.Still(9), s.CameraB)),
        new("camera B", "answers in camera A's call", Denied,
            s => s.Refused("PUT", $"{s.CallPath}/c/7", JsonSerializer.Serialize(AttackScene.SealedLooking(100)), s.CameraB)),
        new("camera B", "overwrites camera A's presence", Denied,
            s => s.Refused("PUT", $"rooms/{s.Room.Id}/cameras/{s.CameraA.Uid}", RoomRulesFixture.Presence("Fake"), s.CameraB)),

        // Sealed messages and stills, as the database sees them.
        new("viewer", "replays a sealed message into a slot already written", Denied,
            s => s.Refused("PUT", $"{s.CallPath}/v/0", JsonSerializer.Serialize(s.SealedV0), s.Viewer)),
        new("viewer", "reorders messages into a non-canonical slot (\"01\")", Denied,
            s => s.Refused("PUT", $"{s.CallPath}/v/01", JsonSerializer.Serialize(AttackScene.SealedLooking(100)), s.Viewer)),
        new("viewer", "writes past the last slot (100)", Denied,
            s => s.Refused("PUT", $"{s.CallPath}/v/100", JsonSerializer.Serialize(AttackScene.SealedLooking(100)), s.Viewer)),
        new("viewer", "writes an unsealed (plaintext) message", Denied,
            s => s.Refused("PUT", $"{s.CallPath}/v/3", JsonSerializer.Serialize("""{"type":"offer","sdp":"v=0"}"""), s.Viewer)),
        new("viewer", "writes an oversize sealed message (16,385 characters)", Denied,
            s => s.Refused("PUT", $"{s.CallPath}/v/4", JsonSerializer.Serialize(AttackScene.SealedLooking(16385)), s.Viewer)),
        new("camera A", "replays an old still picture (its time is not the server's now)", Denied,
            s => s.Refused("PUT", $"rooms/{s.Room.Id}/stills/{s.CameraA.Uid}", AttackScene.Still(2, at: "1700000000000"), s.CameraA)),
        new("camera A", "posts an oversize still (120,001 characters)", Denied,
            s => s.Refused("PUT", $"rooms/{s.Room.Id}/stills/{s.CameraA.Uid}", AttackScene.Still(3, length: 120001), s.CameraA)),

        // Sealed values, as the opener sees them.
        new("opener", "a sealed message with one byte flipped", "refused by AES-GCM (tag mismatch)",
            s => AttackScene.AssertOpenFails(Flip(s.SealedV0), s, "v", 0)),
        new("opener", "a sealed message replayed into another slot (v/0 read as v/1)", "refused (slot in the associated data)",
            s => AttackScene.AssertOpenFails(s.SealedV0, s, "v", 1)),
        new("opener", "a viewer's message reflected as the camera's (v/0 read as c/0)", "refused (direction in the associated data)",
            s => AttackScene.AssertOpenFails(s.SealedV0, s, "c", 0)),
        new("opener", "a message moved to another room", "refused (room in key and associated data)",
            s => AttackScene.AssertOpenFails(s.SealedV0, s with { RoomIdForOpen = s.Rotated.Id }, "v", 0)),
        new("opener", "a still picture replayed as another number or camera", "refused (camera and n in the associated data)",
            s => AttackScene.AssertStillOpenFails(s)),

        // Oversize values and path tricks.
        new("member (viewer)", "writes a value over writeSizeLimit=tiny (64 KiB)", "400 WRITE_TOO_BIG, nothing changed",
            s => s.BadRequest("PUT", $"rooms/{s.Room.Id}/wants/{s.CameraA.Uid}/{s.Viewer.Uid}", JsonSerializer.Serialize(new string('x', 70_000)), s.Viewer, "writeSizeLimit=tiny", "WRITE_TOO_BIG")),
        new("stranger with an account", "climbs out of a room with '..' (raw request line)", "400 or 401, no data",
            s => s.RawRefused($"/rooms/{s.Room.Id}/../../pairing/{s.Room.Id}.json", s.Stranger)),
        new("stranger with an account", "hides a path in an encoded slash (rooms%2F…%2Fmeta)", "401, the slash is not a way around the rules",
            s => s.RawRefused($"/rooms%2F{s.Room.Id}%2Fmeta.json", s.Stranger)),
        new("member (viewer)", "writes a key with a control character", "400 invalid key, nothing changed",
            s => s.BadRequest("PUT", $"rooms/{s.Room.Id}/wants/{s.CameraA.Uid}/a%01b", "1", s.Viewer, "", "")),
        new("member (viewer)", "writes a key of 769 bytes", "400 key too long, nothing changed",
            s => s.BadRequest("PUT", $"rooms/{s.Room.Id}/wants/{s.CameraA.Uid}/{new string('k', 769)}", "1", s.Viewer, "", "")),
        new("member (viewer)", "writes a key with '#', '$' or '['", "400 invalid key, nothing changed",
            s => s.BadRequest("PATCH", $"rooms/{s.Room.Id}/wants/{s.CameraA.Uid}", """{"a#b":1,"$x":2,"c[d":3}""", s.Viewer, "", "")),

        // Tokens.
        new("member (viewer)", "forges its token to claim camera A's uid (signature kept)", "401 invalid token",
            s => s.TokenRefused(AttackScene.Forge(s.Viewer.IdToken, s.CameraA.Uid), $"rooms/{s.Room.Id}/calls/{s.CameraA.Uid}")),
        new("former user", "uses an expired token", "401 expired token",
            s => s.TokenRefused(s.SignedToken(s.Viewer, issuedSecondsAgo: 7200), $"rooms/{s.Room.Id}/meta", expired: true)),
        new("stranger", "sends an unsigned token (alg none) naming a member", "401 invalid token",
            s => s.TokenRefused(AttackScene.Unsigned(s.Viewer.Uid), $"rooms/{s.Room.Id}/meta")),
        new("stranger", "sends a token signed by another relay", "401 invalid token",
            s => s.TokenRefused(s.ForeignToken, $"rooms/{s.Room.Id}/meta")),
        new("stranger", "sends a garbage bearer token", "401 invalid token",
            s => s.TokenRefused("x.y", $"rooms/{s.Room.Id}/meta")),

        // Another namespace, the rules, admin credentials, CORS.
        new("member (viewer)", "reads its room in another namespace (ns=other)", Denied,
            s => s.Unreadable($"rooms/{s.Room.Id}/meta", s.Viewer, "ns=other")),
        new("member (viewer)", "uploads rules", "401, the rules in force unchanged",
            s => s.RulesUploadRefused(s.Viewer.Auth)),
        new("stranger without an account", "reads the rules", "401",
            async s => Assert.Equal(401, (await s.Rules.Relay.GetAsync(".settings/rules")).Status)),
        new("web page of another site", "claims the owner token over REST (Origin: https://evil.example)", "not admin: 401 on the whole database",
            async s => Assert.Equal(401, (await s.Rules.Relay.GetAsync("", RoomRulesFixture.Admin, ("Origin", "https://evil.example"))).Status)),
        new("web page of another site", "claims the owner token over WebSocket (gauth, Origin: https://evil.example)", "gauth refused",
            s => s.WebSocketOwnerRefused("https://evil.example")),
        new("another machine", "guesses an admin key", "401 invalid token",
            s => s.TokenRefused(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), "")),
        new("web page of another site", "reads a room with CORS (no token)", "CORS allows the request, the rules refuse it: 401",
            async s =>
            {
                var response = await s.Rules.Relay.GetAsync($"rooms/{s.Room.Id}/meta", "", ("Origin", "https://evil.example"));
                Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
                Assert.Equal(401, response.Status);
            }),

        // Invitations one by one.
        new("second device", "joins with an invitation already used", Denied, s => s.ClaimRefused(s.UsedInvite, "s0")),
        new("device", "joins with an expired invitation", Denied, s => s.ClaimRefused(s.ExpiredInvite, "s0")),
        new("device", "joins with a cancelled invitation", Denied, s => s.ClaimRefused(s.CancelledInvite, "s0")),
        new("device", "joins with a forged invitation proof", Denied, s => s.ClaimRefused(s.FreshInvite with { Secret = Pairing.NewSecret() }, "s0")),
        new("device", "joins with a slot that does not exist (s1 of a one-use invitation)", Denied, s => s.ClaimRefused(s.FreshInvite, "s1")),
        new("device", "claims a slot without writing a membership", Denied,
            s => s.Refused("PUT", $"pairing/{s.Room.Id}/invites/{s.FreshInvite.Id}/used/s0", JsonSerializer.Serialize(s.Stranger.Uid), s.Stranger)),
        new("device", "writes a membership naming a slot another device holds", Denied,
            s => s.Refused("PUT", s.MemberPath(s.Stranger), s.InviteMembership(s.UsedInvite, "s0"), s.Stranger)),
        new("member that used an invitation", "frees its slot again for a friend", Denied,
            s => s.Refused("PUT", $"pairing/{s.Room.Id}/invites/{s.UsedInvite.Id}/used/s0", "false", s.InvitedViewer)),
        new("member (viewer)", "reads an invitation's proof", Denied, s => s.Unreadable($"pairing/{s.Room.Id}/invites/{s.FreshInvite.Id}/proof", s.Viewer)),
        new("member (viewer)", "lists the room's invitations", Denied, s => s.Unreadable($"pairing/{s.Room.Id}/invites", s.Viewer)),
        new("camera A", "makes an invitation for a camera, or for 2 uses, or for 2 h", Denied,
            async s =>
            {
                await s.Refused("PUT", $"pairing/{s.Room.Id}/invites/camrole01", s.CameraInvitation(s.CameraA.Uid, role: "camera"), s.CameraA);
                await s.Refused("PUT", $"pairing/{s.Room.Id}/invites/camuses01", s.CameraInvitation(s.CameraA.Uid, slots: 2), s.CameraA);
                await s.Refused("PUT", $"pairing/{s.Room.Id}/invites/camttl001", s.CameraInvitation(s.CameraA.Uid, ttl: 7_200_000), s.CameraA);
            }),
        new("camera A", "un-cancels a cancelled invitation", Denied,
            s => s.Refused("DELETE", $"pairing/{s.Room.Id}/invites/{s.CancelledInvite.Id}/info/cancelled", null, s.CameraA)),
    ];

    public static TheoryData<int, string> Rows()
    {
        var rows = new TheoryData<int, string>();
        for (var i = 0; i < Table.Length; i++)
        {
            rows.Add(i + 1, $"{Table[i].Who}: {Table[i].What} → {Table[i].Expected}");
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Attack_is_refused(int row, string description)
    {
        Assert.False(string.IsNullOrEmpty(description));
        await Table[row - 1].Run(scene);
    }

    [Fact]
    public void The_table_has_at_least_40_rows() => Assert.True(Table.Length >= 40, $"{Table.Length} rows");

    /// <summary>The controls: what the attacks try works for the rightful party, so the refusals above are not blanket ones.</summary>
    [Fact]
    public async Task The_rightful_party_can_do_what_the_attackers_cannot()
    {
        await scene.Rules.AssertAllowedAsync("GET", $"rooms/{scene.Room.Id}/meta", null, scene.Viewer);
        await scene.Rules.AssertAllowedAsync("GET", $"rooms/{scene.Room.Id}/calls/{scene.CameraA.Uid}", null, scene.CameraA);
        await scene.Rules.AssertAllowedAsync("PUT", $"rooms/{scene.Room.Id}/stills/{scene.CameraA.Uid}", AttackScene.Still(5), scene.CameraA);
        await scene.Rules.AssertAllowedAsync("GET", $"rooms/{scene.Room.Id}/meta", null, scene.InvitedViewer);
        Assert.Equal(200, (await scene.Rules.Relay.GetAsync("", RoomRulesFixture.Admin)).Status);
        Assert.Equal(200, (await scene.Rules.Relay.GetAsync("", RoomRulesFixture.Admin, ("Origin", scene.Rules.Relay.Relay.Url.GetLeftPart(UriPartial.Authority)))).Status);
        await scene.WebSocketOwnerAccepted();
        await scene.ClaimAccepted(scene.SpareInvite, "s0");
        Assert.Equal("hello", AttackScene.Open(scene.SealedV0, scene, "v", 0));
    }

    private static string Flip(string sealedValue)
    {
        var chars = sealedValue.ToCharArray();
        var i = chars.Length - 5;
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        return new string(chars);
    }
}

/// <summary>
/// The room the attacks are made against: two cameras and a viewer that joined with the room-wide
/// invitations, a viewer that joined with an invitation of its own, a revoked device, a stranger
/// with an account, a rotated room with a device left behind, a call with a sealed message, and
/// invitations in each state (used, expired, cancelled, fresh).
/// </summary>
public sealed record AttackScene : IAsyncLifetime
{
    public RoomRulesFixture Rules { get; } = new();

    public Room Room { get; private set; } = null!;

    public User CameraA { get; private set; } = null!;

    public User CameraB { get; private set; } = null!;

    public User Viewer { get; private set; } = null!;

    public User InvitedViewer { get; private set; } = null!;

    public User Revoked { get; private set; } = null!;

    public User Stranger { get; private set; } = null!;

    public Room RotatedOld { get; private set; } = null!;

    public Room Rotated { get; private set; } = null!;

    public User RotatedOut { get; private set; } = null!;

    public User RotatedCamera { get; private set; } = null!;

    public string CallPath { get; private set; } = "";

    public string CallId { get; private set; } = "";

    public string SealedV0 { get; private set; } = "";

    public string SealedStill { get; private set; } = "";

    public string ForeignToken { get; private set; } = "";

    public Invite UsedInvite { get; private set; } = null!;

    public Invite ExpiredInvite { get; private set; } = null!;

    public Invite CancelledInvite { get; private set; } = null!;

    public Invite FreshInvite { get; private set; } = null!;

    public Invite SpareInvite { get; private set; } = null!;

    /// <summary>The room id the opener uses (another room's to test a moved value).</summary>
    public string? RoomIdForOpen { get; init; }

    public string MemberPath(User who) => $"rooms/{Room.Id}/members/{who.Uid}";

    public async Task InitializeAsync()
    {
        await Rules.InitializeAsync();
        Room = await Rules.CreateRoomAsync();
        CameraA = await Rules.NewOnlineCameraAsync(Room);
        CameraB = await Rules.NewOnlineCameraAsync(Room);
        Viewer = await Rules.NewMemberAsync(Room, "viewer");
        Stranger = await Rules.SignUpAsync();
        Revoked = await Rules.NewMemberAsync(Room, "viewer");
        await Rules.AdminDeleteAsync(MemberPath(Revoked));
        await Rules.AdminPutAsync($"rooms/{Room.Id}/revoked/{Revoked.Uid}", "true");

        RotatedOld = await Rules.CreateRoomAsync("Cabin");
        RotatedCamera = await Rules.NewOnlineCameraAsync(RotatedOld);
        RotatedOut = await Rules.NewMemberAsync(RotatedOld, "viewer");
        Rotated = await Rules.RotateAsync(RotatedOld);
        await Rules.JoinAsync(Rotated, RotatedCamera, "camera");

        CallId = Viewer.Uid + "-" + "abcdefgh12";
        CallPath = $"rooms/{Room.Id}/calls/{CameraA.Uid}/{CallId}";
        await Rules.AssertAllowedAsync("PUT", $"{CallPath}/created", """{".sv":"timestamp"}""", Viewer);
        SealedV0 = Seal(Room.ViewerSecret, Room.Id, $"{Room.Id}|{CameraA.Uid}|{CallId}|v|0", Encoding.UTF8.GetBytes("hello"));
        await Rules.AssertAllowedAsync("PUT", $"{CallPath}/v/0", JsonSerializer.Serialize(SealedV0), Viewer);
        SealedStill = Seal(Room.ViewerSecret, Room.Id, $"{Room.Id}|stills|{CameraA.Uid}|1", [0xFF, 0xD8, 0xFF, 0xD9]);

        UsedInvite = await NewInviteAsync("usedinv1");
        InvitedViewer = await Rules.SignUpAsync();
        await ClaimAccepted(UsedInvite, "s0", InvitedViewer);
        ExpiredInvite = await NewInviteAsync("expired1", createdAgoMs: 7_200_000);
        CancelledInvite = await NewInviteAsync("cancel01", cancelled: true);
        FreshInvite = await NewInviteAsync("freshinv");
        SpareInvite = await NewInviteAsync("spareinv");

        await using var other = await RelayFixture.StartAsync();
        using var response = await other.Http.PostAsync(
            new Uri(other.Relay.Url, "identitytoolkit.googleapis.com/v1/accounts:signUp?key=remotecam-relay"),
            new StringContent("""{"returnSecureToken":true}""", Encoding.UTF8, "application/json"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        ForeignToken = body.RootElement.GetProperty("idToken").GetString()!;
    }

    public Task DisposeAsync() => Rules.DisposeAsync();

    /// <summary>An invitation of its own as <c>remotecam rooms invite</c> writes it (as admin), one use, 1 h.</summary>
    private async Task<Invite> NewInviteAsync(string id, long createdAgoMs = 0, bool cancelled = false)
    {
        var invite = new Invite(id, "viewer", Pairing.NewSecret());
        var created = createdAgoMs == 0 ? """{".sv":"timestamp"}""" : (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - createdAgoMs).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var cancel = cancelled ? ""","cancelled":{".sv":"timestamp"}""" : "";
        await Rules.AdminPutAsync(
            $"pairing/{Room.Id}/invites/{id}",
            "{\"proof\":\"" + invite.ProofIn(Room.Id) + "\",\"info\":{\"role\":\"viewer\",\"created\":" + created + ",\"ttl\":3600000,\"by\":\"cli\"" + cancel + "},\"used\":{\"s0\":false}}");
        return invite;
    }

    /// <summary>The membership a page writes with an invitation of its own.</summary>
    public string InviteMembership(Invite invite, string slot) =>
        $$"""{"role":"{{invite.Role}}","name":"Phone","joined":{".sv":"timestamp"},"proof":"{{invite.ProofIn(Room.Id)}}","invite":"{{invite.Id}}","slot":"{{slot}}"}""";

    private string ClaimUpdate(Invite invite, string slot, User who) =>
        $$"""{"rooms/{{Room.Id}}/members/{{who.Uid}}":{{InviteMembership(invite, slot)}},"pairing/{{Room.Id}}/invites/{{invite.Id}}/used/{{slot}}":"{{who.Uid}}"}""";

    /// <summary>Joins with an invitation of its own as join.html does: one PATCH of the root.</summary>
    public async Task ClaimAccepted(Invite invite, string slot, User? who = null)
    {
        who ??= await Rules.SignUpAsync();
        await Rules.AssertAllowedAsync("PATCH", "", ClaimUpdate(invite, slot, who), who);
        await Rules.AssertAllowedAsync("GET", $"rooms/{Room.Id}/cameras", null, who);
    }

    public async Task ClaimRefused(Invite invite, string slot)
    {
        var who = await Rules.SignUpAsync();
        await Refused("PATCH", "", ClaimUpdate(invite, slot, who), who);
        await Rules.AssertUnreadableAsync($"rooms/{Room.Id}/cameras", who);
    }

    /// <summary>A viewer invitation as a camera page writes one (<c>by</c> the camera).</summary>
    public string CameraInvitation(string by, string role = "viewer", int slots = 1, long ttl = 3_600_000)
    {
        var used = string.Join(",", Enumerable.Range(0, slots).Select(i => $"\"s{i}\":false"));
        return $$"""{"proof":"{{Pairing.Proof(Pairing.NewSecret(), Room.Id, role)}}","info":{"role":"{{role}}","created":{".sv":"timestamp"},"ttl":{{ttl}},"by":"{{by}}"},"used":""" + "{" + used + "}}";
    }

    public Task Refused(string method, string path, string? body, User? who, Room? room = null) =>
        Rules.AssertRefusedAsync(room ?? Room, method, path, body, who);

    public Task Unreadable(string path, User? who, string query = "") => Rules.AssertUnreadableAsync(path, who, query);

    /// <summary>A 400 in Firebase's shape (<c>{"error": …}</c>, starting with <paramref name="error"/>), and the room unchanged.</summary>
    public async Task BadRequest(string method, string path, string body, User who, string query, string error)
    {
        var before = await Rules.AdminReadAsync($"rooms/{Room.Id}");
        var response = await Rules.Relay.SendAsync(method, path, body, string.Join('&', new[] { who.Auth, query }.Where(q => q.Length > 0)));
        Assert.True(response.Status == 400, $"{method} /{path} → {response}");
        Assert.StartsWith(error, response.Error, StringComparison.Ordinal);
        JsonAssert.Equal(before, await Rules.AdminReadAsync($"rooms/{Room.Id}"));
    }

    /// <summary>A raw request line (no client-side path normalising): refused, and no proof or meta in the answer.</summary>
    public async Task RawRefused(string target, User who)
    {
        var answer = await RawHttp.SendAsync(Rules.Relay.Relay.Url, "GET", target + "?" + who.Auth);
        Assert.True(answer.Status is 400 or 401 or 404, $"GET {target} → {answer.Status} {answer.Body}");
        Assert.DoesNotContain(Room.ViewerProof, answer.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"name\"", answer.Body, StringComparison.Ordinal);
        Assert.Contains("\"error\"", answer.Body, StringComparison.Ordinal);
    }

    public async Task TokenRefused(string token, string path, bool expired = false)
    {
        var response = await Rules.Relay.GetAsync(path, "auth=" + Uri.EscapeDataString(token));
        Assert.True(response.Status == 401, $"GET /{path} with a bad token → {response}");
        if (expired)
        {
            Assert.Contains("expired", response.Error, StringComparison.OrdinalIgnoreCase);
        }
        else
        {
            Assert.NotEqual("Permission denied", response.Error);
        }
    }

    public async Task RulesUploadRefused(string auth)
    {
        var before = (await Rules.Relay.GetAsync(".settings/rules", RoomRulesFixture.Admin)).Body;
        var response = await Rules.Relay.PutAsync(".settings/rules", """{"rules":{".read":true,".write":true}}""", auth);
        Assert.Equal(401, response.Status);
        Assert.Equal(before, (await Rules.Relay.GetAsync(".settings/rules", RoomRulesFixture.Admin)).Body);
        await Rules.AssertUnreadableAsync("", Viewer);
    }

    public async Task WebSocketOwnerRefused(string origin)
    {
        var (client, _) = await WireClient.OpenAsync(Rules.Relay.Relay.Url, "remotecam", origin: origin);
        await using (client)
        {
            var answer = await client.CallAsync("gauth", """{"cred":"owner"}""");
            Assert.NotEqual("ok", answer["s"]?.GetValue<string>());
        }
    }

    public async Task WebSocketOwnerAccepted()
    {
        var (client, _) = await WireClient.OpenAsync(Rules.Relay.Relay.Url, "remotecam");
        await using (client)
        {
            var answer = await client.CallAsync("gauth", """{"cred":"owner"}""");
            Assert.Equal("ok", answer["s"]?.GetValue<string>());
        }
    }

    /// <summary>
    /// <paramref name="who"/>'s own token re-dated to <paramref name="issuedSecondsAgo"/> ago (1 h lifetime) and
    /// signed again with this relay's own key: a token that was genuine, and has expired.
    /// </summary>
    public string SignedToken(User who, long issuedSecondsAgo)
    {
        var key = Convert.FromHexString(File.ReadAllText(Path.Combine(Rules.Relay.DataDirectory, ".auth", "signing.key")).Trim());
        var parts = who.IdToken.Split('.');
        var claims = System.Text.Json.Nodes.JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        var then = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - issuedSecondsAgo;
        claims["iat"] = then;
        claims["auth_time"] = then;
        claims["exp"] = then + 3600;
        var payload = B64(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return parts[0] + "." + payload + "." + B64(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(parts[0] + "." + payload)));
    }

    /// <summary>The token with its payload's uid replaced (signature unchanged).</summary>
    public static string Forge(string token, string uid)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1]));
        var original = JsonDocument.Parse(payload).RootElement.GetProperty("user_id").GetString()!;
        return parts[0] + "." + B64(Encoding.UTF8.GetBytes(payload.Replace(original, uid, StringComparison.Ordinal))) + "." + parts[2];
    }

    public static string Unsigned(string uid)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return B64("""{"alg":"none","typ":"JWT"}"""u8.ToArray()) + "."
            + B64(JsonSerializer.SerializeToUtf8Bytes(new { iss = "https://securetoken.google.com/remotecam-relay", aud = "remotecam-relay", sub = uid, user_id = uid, iat = now, exp = now + 3600, auth_time = now })) + ".";
    }

    public static string Still(int n, string at = """{".sv":"timestamp"}""", int length = 200) =>
        $$"""{"n":{{n}},"at":{{at}},"s":{{JsonSerializer.Serialize(SealedLooking(length))}}}""";

    /// <summary>A value shaped like a sealed one ("1." + base64url), of <paramref name="length"/> characters.</summary>
    public static string SealedLooking(int length) => "1." + new string('A', 16) + "." + new string('B', length - 19);

    /// <summary>Seals as docs/protocol.md: AES-256-GCM, key HKDF(viewer secret, "remotecam-seal-v1", "room|" + room), AAD "remotecam-seal-v1|" + bound.</summary>
    private static string Seal(byte[] viewerSecret, string roomId, string bound, byte[] plaintext)
    {
        var iv = RandomNumberGenerator.GetBytes(12);
        var sealedBytes = new byte[plaintext.Length + 16];
        using var aes = new AesGcm(Key(viewerSecret, roomId), 16);
        aes.Encrypt(iv, plaintext, sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length), Encoding.UTF8.GetBytes("remotecam-seal-v1|" + bound));
        return "1." + B64(iv) + "." + B64(sealedBytes);
    }

    private static byte[] OpenBytes(string value, byte[] viewerSecret, string roomId, string bound)
    {
        var parts = value.Split('.');
        Assert.Equal(3, parts.Length);
        var iv = Base64Url.DecodeFromChars(parts[1]);
        var sealedBytes = Base64Url.DecodeFromChars(parts[2]);
        var plaintext = new byte[sealedBytes.Length - 16];
        using var aes = new AesGcm(Key(viewerSecret, roomId), 16);
        aes.Decrypt(iv, sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length), plaintext, Encoding.UTF8.GetBytes("remotecam-seal-v1|" + bound));
        return plaintext;
    }

    public static string Open(string value, AttackScene s, string dir, int n)
    {
        var room = s.RoomIdForOpen ?? s.Room.Id;
        return Encoding.UTF8.GetString(OpenBytes(value, s.Room.ViewerSecret, room, $"{room}|{s.CameraA.Uid}|{s.CallId}|{dir}|{n}"));
    }

    public static Task AssertOpenFails(string value, AttackScene s, string dir, int n)
    {
        Assert.ThrowsAny<CryptographicException>(() => Open(value, s, dir, n));
        return Task.CompletedTask;
    }

    public static Task AssertStillOpenFails(AttackScene s)
    {
        Assert.Equal([0xFF, 0xD8, 0xFF, 0xD9], OpenBytes(s.SealedStill, s.Room.ViewerSecret, s.Room.Id, $"{s.Room.Id}|stills|{s.CameraA.Uid}|1"));
        Assert.ThrowsAny<CryptographicException>(() => OpenBytes(s.SealedStill, s.Room.ViewerSecret, s.Room.Id, $"{s.Room.Id}|stills|{s.CameraA.Uid}|2"));
        Assert.ThrowsAny<CryptographicException>(() => OpenBytes(s.SealedStill, s.Room.ViewerSecret, s.Room.Id, $"{s.Room.Id}|stills|{s.CameraB.Uid}|1"));
        return Task.CompletedTask;
    }

    private static byte[] Key(byte[] viewerSecret, string roomId) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, viewerSecret, 32, Encoding.UTF8.GetBytes("remotecam-seal-v1"), Encoding.UTF8.GetBytes("room|" + roomId));

    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);
}

/// <summary>An invitation of its own: its id, role and secret (docs/pairing.md).</summary>
public sealed record Invite(string Id, string Role, byte[] Secret)
{
    /// <summary><c>base64url(SHA-256(secret || "remotecam-invite-v2|" + room + "|" + id + "|" + role))</c>.</summary>
    public string ProofIn(string roomId) =>
        Base64Url.EncodeToString(SHA256.HashData([.. Secret, .. Encoding.UTF8.GetBytes($"remotecam-invite-v2|{roomId}|{Id}|{Role}")]));
}
