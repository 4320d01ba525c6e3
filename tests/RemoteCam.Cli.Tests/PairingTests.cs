using RemoteCam.Cli.Rooms;

namespace RemoteCam.Cli.Tests;

/// <summary>The derivations of docs/pairing.md.</summary>
public sealed class PairingTests
{
    private static readonly byte[] Secret = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    [Theory]
    [InlineData("camera", "tOX4YpWkbLH2RU9OaB-UqxazjRolL6J09tyEKj9cVWs")]
    [InlineData("viewer", "d9DbUF0ODVDVb8FSwv3Nl2DJLDndSUvpfB9xTFVybyg")]
    public void Proof_matches_the_documented_test_vector(string role, string proof)
    {
        Assert.Equal("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", Base64Url.Encode(Secret));
        Assert.Equal(proof, Pairing.Proof(Secret, "AAAAAAAAAAAAAAAAAAAA", role));
    }

    [Fact]
    public void Room_ids_are_20_base64url_characters_and_differ()
    {
        var ids = Enumerable.Range(0, 50).Select(_ => Pairing.NewRoomId()).ToList();
        Assert.All(ids, id => Assert.True(id.Length == 20 && Pairing.IsRoomId(id), id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.False(Pairing.IsRoomId("../etc"));
        Assert.False(Pairing.IsRoomId(""));
    }

    [Fact]
    public void An_invitation_url_round_trips()
    {
        var secret = Base64Url.Encode(Secret);
        var url = new Invitation("AAAAAAAAAAAAAAAAAAAA", "viewer", secret).ToUrl(new Uri("https://cams.example/app"));
        Assert.Equal($"https://cams.example/app/join.html#v=1&room=AAAAAAAAAAAAAAAAAAAA&role=viewer&s={secret}", url);
        Assert.True(Invitation.TryParse(url, out var invitation));
        Assert.Equal(new Invitation("AAAAAAAAAAAAAAAAAAAA", "viewer", secret), invitation);
        Assert.False(Invitation.TryParse(url.Replace("role=viewer", "role=admin", StringComparison.Ordinal), out _));
        Assert.False(Invitation.TryParse(url.Replace("v=1", "v=2", StringComparison.Ordinal), out _));
        Assert.False(Invitation.TryParse(url[..^4], out _));
        Assert.False(Invitation.TryParse(url + "&vs=" + secret, out _));
    }

    [Fact]
    public void A_camera_invitation_carries_the_viewer_secret()
    {
        var camera = Base64Url.Encode(Secret);
        var viewer = Base64Url.Encode([.. Secret.Reverse()]);
        var url = new Invitation("AAAAAAAAAAAAAAAAAAAA", "camera", camera, viewer).ToUrl(new Uri("https://cams.example/"));
        Assert.Equal($"https://cams.example/join.html#v=1&room=AAAAAAAAAAAAAAAAAAAA&role=camera&s={camera}&vs={viewer}", url);
        Assert.True(Invitation.TryParse(url, out var invitation));
        Assert.Equal(new Invitation("AAAAAAAAAAAAAAAAAAAA", "camera", camera, viewer), invitation);

        // Without vs, or with a vs that is not 32 bytes, a camera invitation is refused.
        Assert.False(Invitation.TryParse(url[..url.IndexOf("&vs=", StringComparison.Ordinal)], out _));
        Assert.False(Invitation.TryParse(url[..^2], out _));
    }
}
