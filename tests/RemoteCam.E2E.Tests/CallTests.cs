using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// A camera page and viewer pages, each its own browser context, paired through a room the
/// owner's CLI created on the relay (started in process with the repository's rules).
/// </summary>
public sealed partial class CallTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    /// <summary>What plaintext SDP or ICE candidates would contain.</summary>
    private static readonly string[] SdpMarkers = ["v=0", "a=fingerprint", "candidate:", "m=video"];

    [Fact]
    public async Task Two_viewers_watch_one_camera_over_sealed_signaling_and_a_revoked_viewer_is_cut_off()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");

        await using var camera = await browser.StartCameraAsync(room);

        // Viewer A opens its invitation link; the secret leaves the address bar.
        await using var viewerA = await browser.WatchFromLinkAsync(room.ViewerInvitation, "viewer A");
        Assert.DoesNotContain("s=", new Uri(viewerA.Page.Url).Fragment, StringComparison.Ordinal);
        var viewerAUid = await owner.NewMemberAsync(room, "viewer", new HashSet<string>());

        // Viewer B decodes the QR code image the CLI wrote.
        var qrCode = await owner.InvitationQrCodeAsync(room, "viewer");
        await using var viewerB = await browser.WatchFromQrCodeAsync(relay, qrCode, "viewer B");
        var viewerBUid = await owner.NewMemberAsync(room, "viewer", new HashSet<string> { viewerAUid });

        await camera.ExpectViewersAsync(2);
        await viewerA.ExpectFramesGrowAsync(Device.ViewerVideo);
        await viewerB.ExpectFramesGrowAsync(Device.ViewerVideo);

        // Both ends of each call show the same verification code; the two calls have different ones.
        var codeA = await SingleCodeAsync(viewerA);
        var codeB = await SingleCodeAsync(viewerB);
        var cameraCodes = await Eventually.WaitAsync(
            camera.VerificationCodesAsync,
            codes => codes.Count == 2,
            Device.ConnectTime,
            async codes => $"camera shows codes [{string.Join(", ", codes)}], expected two.\n{await camera.DiagnosticsAsync()}");
        Assert.Equal(new[] { codeA, codeB }.Order(), cameraCodes.Order());
        Assert.NotEqual(codeA, codeB);

        // The database holds only sealed messages, which open with the room's viewer secret as documented.
        var sealedValues = await CheckCallsAreSealedAsync(relay, room, viewerAUid, viewerBUid);
        var stored = relay.StoredFiles();
        Assert.True(stored.Count > 0, "the relay wrote no journal or snapshot files");
        AssertNoPlaintextSdp(stored);
        Assert.True(
            sealedValues.Any(value => stored.Any(file => Contains(file.Bytes, value))),
            "no sealed call message was found in the journal or snapshots, so the search for plaintext proves nothing");

        // The owner revokes viewer A: its page says so and its video stops, while viewer B keeps watching.
        await owner.RevokeAsync(room, viewerAUid);
        await viewerA.WaitForStatusAsync("revoked");
        var framesAtRevocation = await viewerA.FramesAsync(Device.ViewerVideo);
        await viewerB.ExpectFramesGrowAsync(Device.ViewerVideo, gain: 60);
        var framesAfter = await viewerA.FramesAsync(Device.ViewerVideo);
        Assert.True(
            framesAfter <= framesAtRevocation + 3,
            $"the revoked viewer still decodes video: {framesAtRevocation} → {framesAfter} frames while viewer B decoded 60.\n{await viewerA.DiagnosticsAsync()}");
        await camera.ExpectViewersAsync(1);

        AssertNoPlaintextSdp(relay.StoredFiles());
    }

    [Fact]
    public async Task A_relay_restart_during_a_call_keeps_the_video_and_the_next_viewer_connects()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        await using var camera = await browser.StartCameraAsync(room);
        await using var viewer = await browser.WatchFromLinkAsync(room.ViewerInvitation, "viewer");

        await relay.RestartAsync();

        // Media flows peer to peer: the relay going away and back does not interrupt it.
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo, gain: 60);

        // The camera still answers new calls through the new relay.
        await using var next = await browser.WatchFromLinkAsync(room.ViewerInvitation, "next viewer");
        await camera.ExpectViewersAsync(2);
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);
        AssertNoPlaintextSdp(relay.StoredFiles());
    }

    [Fact]
    public async Task The_camera_pages_invite_a_viewer_code_admits_a_new_viewer()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        await using var camera = await browser.StartCameraAsync(room);

        // The link is a viewer invitation of its own (format 2): neither the camera's secret nor the room-wide viewer secret.
        var link = await InviteLinkAsync(camera);
        Assert.StartsWith(new Uri(relay.Url, "join.html#v=2&").ToString(), link, StringComparison.Ordinal);
        Assert.Equal("viewer", SealedEnvelope.FragmentField(link, "role"));
        Assert.Equal(room.Id, SealedEnvelope.FragmentField(link, "room"));
        Assert.DoesNotContain(SealedEnvelope.FragmentField(room.ViewerInvitation, "s"), link, StringComparison.Ordinal);
        Assert.DoesNotContain(SealedEnvelope.FragmentField(room.CameraInvitation, "s"), link, StringComparison.Ordinal);

        // A person scans the QR code on the camera's screen with a new viewer.
        var qrCode = Path.Combine(owner.Folder, "camera-screen.png");
        await ScreenshotWithMarginAsync(camera, "#invite-qr", qrCode);
        await using var viewer = await browser.WatchFromQrCodeAsync(relay, qrCode, "invited viewer");
        await camera.ExpectViewersAsync(1);
    }

    [Fact]
    public async Task A_viewers_first_picture_already_has_the_cameras_full_size()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        await using var camera = await browser.StartCameraAsync(room);
        var captured = await camera.Page.EvaluateAsync<int[]>(
            "s => { const v = document.querySelector(s); return [v.videoWidth, v.videoHeight]; }", Device.CameraPreview);
        Assert.True(captured[0] >= 640, $"the fake camera captures {captured[0]}x{captured[1]}: too small to tell a shrunken first picture apart");

        // The size of the first frame the viewer decodes, noted before the page's own scripts run.
        await using var viewer = await browser.NewDeviceAsync("viewer");
        await viewer.Context.AddInitScriptAsync(FirstFrameSizeScript);
        await viewer.GotoAsync(room.ViewerInvitation);
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);
        var first = await viewer.Page.EvaluateAsync<int[]?>("() => window.__firstFrameSize || null");

        // A camera that starts at the browser's default 300 kbit/s drops its first frames and shrinks them
        // (to 320x180 for a 720p camera) before it sends anything; the start bitrate avoids both.
        Assert.NotNull(first);
        Assert.True(
            first.SequenceEqual(captured),
            $"the first picture was {first[0]}x{first[1]}, the camera captures {captured[0]}x{captured[1]}.\n{await viewer.DiagnosticsAsync()}");
    }

    private const string FirstFrameSizeScript = """
        (() => {
          const d = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
          Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
            configurable: true,
            get() { return d.get.call(this); },
            set(v) {
              d.set.call(this, v);
              if (v && this instanceof HTMLVideoElement) {
                this.requestVideoFrameCallback((now, meta) => { window.__firstFrameSize = window.__firstFrameSize || [meta.width, meta.height]; });
              }
            },
          });
        })();
        """;

    private static async Task<string> SingleCodeAsync(Device viewer)
    {
        var codes = await Eventually.WaitAsync(
            viewer.VerificationCodesAsync,
            codes => codes.Count == 1,
            Device.ConnectTime,
            async codes => $"{viewer.Name} shows codes [{string.Join(", ", codes)}], expected one.\n{await viewer.DiagnosticsAsync()}");
        Assert.Matches(CodeShape(), codes[0]);
        return codes[0];
    }

    /// <summary>
    /// Reads <c>/rooms/{room}/calls</c> with the admin key: every message is a sealed string that
    /// opens for its own slot, and v/0 holds the offer, c/0 the answer. Returns the sealed strings.
    /// </summary>
    private static async Task<List<string>> CheckCallsAreSealedAsync(RelayHost relay, Room room, params string[] viewerUids)
    {
        var secret = Base64Url.DecodeFromChars(SealedEnvelope.FragmentField(room.ViewerInvitation, "s"));
        var calls = await relay.AdminReadAsync($"rooms/{room.Id}/calls");
        Assert.Equal(JsonValueKind.Object, calls.ValueKind);
        var sealedValues = new List<string>();
        var callers = new List<string>();
        foreach (var inbox in calls.EnumerateObject())
        {
            foreach (var call in inbox.Value.EnumerateObject())
            {
                // callId = <viewer uid>-<random>, and the random part may itself hold '-'.
                callers.Add(viewerUids.FirstOrDefault(uid => call.Name.StartsWith(uid + "-", StringComparison.Ordinal)) ?? call.Name);
                foreach (var field in call.Value.EnumerateObject())
                {
                    if (field.Name == "created")
                    {
                        Assert.Equal(JsonValueKind.Number, field.Value.ValueKind);
                        continue;
                    }

                    Assert.True(field.Name is "v" or "c", $"unexpected field '{field.Name}' in call {call.Name}");
                    var slots = Slots(field.Value);
                    Assert.True(slots.ContainsKey(0), $"call {call.Name} has no {field.Name}/0");
                    foreach (var (n, slot) in slots)
                    {
                        Assert.True(slot.ValueKind == JsonValueKind.String, $"{field.Name}/{n} of call {call.Name} is not a string: {slot}");
                        var value = slot.GetString()!;
                        Assert.True(SealedEnvelope.IsSealed(value), $"{field.Name}/{n} of call {call.Name} is not sealed: {value}");
                        var plaintext = SealedEnvelope.Open(value, secret, room.Id, inbox.Name, call.Name, field.Name, n);
                        using var message = JsonDocument.Parse(plaintext);
                        var type = message.RootElement.GetProperty("t").GetString();
                        if (n == 0)
                        {
                            Assert.Equal(field.Name == "v" ? "offer" : "answer", type);
                            Assert.StartsWith("v=0", message.RootElement.GetProperty("sdp").GetString(), StringComparison.Ordinal);
                        }

                        sealedValues.Add(value);
                    }
                }

                Assert.True(call.Value.TryGetProperty("v", out _) && call.Value.TryGetProperty("c", out _), $"call {call.Name} lacks messages in one direction: {call.Value}");
            }
        }

        Assert.True(
            callers.ToHashSet().SetEquals(viewerUids),
            $"calls by [{string.Join(", ", callers)}], expected calls by exactly [{string.Join(", ", viewerUids)}]");
        return sealedValues;
    }

    /// <summary>Message slots by number: the database returns keys 0, 1, 2… as a JSON array (with nulls for gaps).</summary>
    private static SortedDictionary<int, JsonElement> Slots(JsonElement slots) =>
        slots.ValueKind == JsonValueKind.Array
            ? new(slots.EnumerateArray().Select((value, n) => (value, n)).Where(s => s.value.ValueKind != JsonValueKind.Null).ToDictionary(s => s.n, s => s.value))
            : new(slots.EnumerateObject().ToDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => p.Value));

    private static void AssertNoPlaintextSdp(IReadOnlyList<(string Path, byte[] Bytes)> files)
    {
        foreach (var (path, bytes) in files)
        {
            foreach (var marker in SdpMarkers)
            {
                Assert.False(Contains(bytes, marker), $"{Path.GetFileName(path)} holds '{marker}': plaintext SDP or candidates reached the database");
            }
        }
    }

    private static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;

    private static async Task<string> InviteLinkAsync(Device camera)
    {
        // "Invite a viewer" shows the invitation; it may already be on screen.
        var link = camera.Page.Locator("#invite-link");
        if (!await link.IsVisibleAsync())
        {
            await camera.Page.Locator("#invite").ClickAsync();
        }

        await link.WaitForAsync();
        // An <a href>, or a field or text holding the URL.
        return await Eventually.WaitAsync(
            () => link.EvaluateAsync<string>("e => (e.href || e.value || e.textContent || '').trim()"),
            url => url.Contains("join.html#", StringComparison.Ordinal),
            Device.ConnectTime,
            async url => $"#invite-link holds '{url}', not an invitation.\n{await camera.DiagnosticsAsync()}");
    }

    /// <summary>A screenshot of an element with a white margin around it (a QR code's quiet zone, as a phone camera would see it).</summary>
    private static async Task ScreenshotWithMarginAsync(Device device, string selector, string file)
    {
        var element = device.Page.Locator(selector);
        await element.ScrollIntoViewIfNeededAsync();
        var box = await element.BoundingBoxAsync() ?? throw new InvalidOperationException($"{selector} is not visible");
        const float margin = 24;
        await device.Page.ScreenshotAsync(new()
        {
            Path = file,
            Clip = new() { X = Math.Max(0, box.X - margin), Y = Math.Max(0, box.Y - margin), Width = box.Width + (2 * margin), Height = box.Height + (2 * margin) },
        });
    }

    [GeneratedRegex("^[0-9]{3} [0-9]{3}$")]
    private static partial Regex CodeShape();
}
