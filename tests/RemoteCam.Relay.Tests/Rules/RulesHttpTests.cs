using System.Net.Http.Json;
using System.Text.Json;

namespace RemoteCam.Relay.Tests.Rules;

/// <summary>
/// Security rules end to end over HTTP: a rules file like RemoteCam's (rooms readable only by
/// members) with real anonymous users, streams cancelled when access is lost, the settings
/// endpoint, index errors and reloading the file.
/// </summary>
public sealed class RulesHttpTests : IAsyncLifetime
{
    private const string Owner = "auth=owner";

    private const string RulesText = """
        {
          // Rooms: only members read; a member posts bounded messages to the room's inbox.
          "rules": {
            "rooms": {
              "$room": {
                ".read": "auth != null && root.child('rooms/' + $room + '/members/' + auth.uid).exists()",
                "inbox": {
                  "$message": {
                    ".write": "auth != null && root.child('rooms/' + $room + '/members/' + auth.uid).exists()",
                    ".validate": "newData.isString() && newData.val().length <= 20"
                  }
                }
              }
            },
            /* Public dinosaur facts, queried by height. */
            "dinosaurs": { ".read": true, ".indexOn": ["height"] }
          }
        }
        """;

    private readonly string _rulesFile = Path.Combine(Path.GetTempPath(), "remotecam-rules-" + Guid.NewGuid().ToString("N") + ".json");
    private RelayFixture _relay = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_rulesFile, RulesText);
        _relay = await RelayFixture.StartAsync(new RelayOptions { RulesFile = _rulesFile });
        Assert.Equal(200, (await _relay.PutAsync("rooms/r1/members", """{"placeholder":true}""", Owner)).Status);
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        File.Delete(_rulesFile);
    }

    [Fact]
    public async Task Strangers_and_signed_out_clients_cannot_read_a_room_members_can()
    {
        var (member, memberToken) = await SignUpAsync();
        var (_, strangerToken) = await SignUpAsync();
        await AdminSetAsync($"rooms/r1/members/{member}", "\"viewer\"");

        Assert.Equal(401, (await _relay.GetAsync("rooms/r1")).Status);
        var stranger = await _relay.GetAsync("rooms/r1", "auth=" + strangerToken);
        Assert.Equal(401, stranger.Status);
        Assert.Equal("Permission denied", stranger.Error);
        Assert.Equal(200, (await _relay.GetAsync("rooms/r1", "auth=" + memberToken)).Status);
        // Rules are not filters: the list of rooms is not readable, even for a member.
        Assert.Equal(401, (await _relay.GetAsync("rooms", "auth=" + memberToken)).Status);
    }

    [Fact]
    public async Task Writes_must_pass_write_and_validate_rules()
    {
        var (member, token) = await SignUpAsync();
        var (_, strangerToken) = await SignUpAsync();
        await AdminSetAsync($"rooms/r1/members/{member}", "\"viewer\"");

        Assert.Equal(200, (await _relay.PutAsync("rooms/r1/inbox/m1", "\"hello\"", "auth=" + token)).Status);
        Assert.Equal(401, (await _relay.PutAsync("rooms/r1/inbox/m2", "\"this message is far too long\"", "auth=" + token)).Status);
        Assert.Equal(401, (await _relay.PutAsync("rooms/r1/inbox/m3", "\"hi\"", "auth=" + strangerToken)).Status);
        // A multi-path update is all or nothing.
        Assert.Equal(401, (await _relay.PatchAsync("rooms/r1/inbox", """{"m4":"ok","m5":"this one is too long!!"}""", "auth=" + token)).Status);
        Assert.Equal("""{"m1":"hello"}""", await _relay.ReadAsync("rooms/r1/inbox", Owner));
    }

    [Fact]
    public async Task A_revoked_member_s_open_stream_is_cancelled()
    {
        var (member, token) = await SignUpAsync();
        await AdminSetAsync($"rooms/r1/members/{member}", "\"viewer\"");
        await using var stream = await _relay.ListenAsync("rooms/r1", "auth=" + token);
        Assert.Equal("put", (await stream.NextDataEventAsync()).Event);

        Assert.Equal(200, (await _relay.DeleteAsync($"rooms/r1/members/{member}", Owner)).Status);
        SseEvent next;
        do
        {
            next = await stream.NextAsync();
        }
        while (next.Event is "put" or "patch" or "keep-alive");
        Assert.Equal("cancel", next.Event);
        Assert.Equal("\"Permission denied\"", next.Data);
        Assert.True(await stream.EndsWithinAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Queries_ordered_by_an_unindexed_child_are_refused_with_Firebase_s_message()
    {
        await AdminSetAsync("dinosaurs", """{"a":{"height":3,"weight":1},"b":{"height":5,"weight":2}}""");
        var indexed = await _relay.GetAsync("dinosaurs", "orderBy=%22height%22&startAt=4");
        Assert.Equal(200, indexed.Status);
        JsonAssert.Equal("""{"b":{"height":5,"weight":2}}""", indexed.Body);

        var unindexed = await _relay.GetAsync("dinosaurs", "orderBy=%22weight%22&limitToFirst=1");
        Assert.Equal(400, unindexed.Status);
        Assert.Equal("Index not defined, add \".indexOn\": \"weight\", for path \"/dinosaurs\", to the rules", unindexed.Error);
        Assert.Equal(200, (await _relay.GetAsync("dinosaurs", "orderBy=%22$key%22&limitToFirst=1")).Status);
    }

    [Fact]
    public async Task Rules_can_be_read_and_replaced_by_the_admin_only()
    {
        var get = await _relay.GetAsync(".settings/rules", Owner);
        Assert.Equal(200, get.Status);
        Assert.Equal(RulesText, get.Body);
        var (_, token) = await SignUpAsync();
        Assert.Equal(401, (await _relay.GetAsync(".settings/rules", "auth=" + token)).Status);
        Assert.Equal(401, (await _relay.PutAsync(".settings/rules", """{"rules":{".read":true}}""", "auth=" + token)).Status);

        // A dry run checks without applying.
        var dry = await _relay.PutAsync(".settings/rules", """{"rules":{"public":{".read":true}}}""", Owner + "&dryRun=true");
        Assert.Equal(200, dry.Status);
        Assert.Equal(401, (await _relay.GetAsync("public")).Status);

        var applied = await _relay.PutAsync(".settings/rules", """{"rules":{"public":{".read":true}}}""", Owner);
        Assert.Equal("""{"status":"ok"}""", applied.Body);
        Assert.Equal(200, (await _relay.GetAsync("public")).Status);
    }

    [Fact]
    public async Task A_rules_error_names_the_rule_line_and_column_and_the_old_rules_stay()
    {
        const string broken = "{\n  \"rules\": {\n    \"a\": {\n      \".read\": \"auth.uid == nosuch\"\n    }\n  }\n}";
        var refused = await _relay.PutAsync(".settings/rules", broken, Owner);
        Assert.Equal(400, refused.Status);
        Assert.StartsWith("Error saving rules - Line 4:", refused.Error, StringComparison.Ordinal);
        Assert.Contains("nosuch", refused.Error, StringComparison.Ordinal);
        Assert.Contains("/rules/a/.read", refused.Error, StringComparison.Ordinal);
        Assert.Contains("column", refused.Error, StringComparison.Ordinal);
        Assert.Equal(RulesText, (await _relay.GetAsync(".settings/rules", Owner)).Body);
    }

    [Fact]
    public async Task The_rules_file_is_reloaded_when_it_changes_and_a_broken_edit_is_ignored()
    {
        await File.WriteAllTextAsync(_rulesFile, "{ \"rules\": { \"open\": { \".read\": true } } }");
        await EventuallyAsync(async () => (await _relay.GetAsync("open")).Status == 200);

        await File.WriteAllTextAsync(_rulesFile, "{ \"rules\": { \"open\": { \".read\": \"nonsense(\" } } }");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await _relay.GetAsync("open")).Status);
    }

    private async Task AdminSetAsync(string path, string json)
    {
        var response = await _relay.PutAsync(path, json, Owner);
        Assert.True(response.Status == 200, $"PUT /{path}.json {json} → {response}");
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true within 10 s.");
            await Task.Delay(50);
        }
    }

    private async Task<(string Uid, string IdToken)> SignUpAsync()
    {
        using var response = await _relay.Http.PostAsJsonAsync(
            new Uri(_relay.Relay.Url, "identitytoolkit.googleapis.com/v1/accounts:signUp?key=k"), new { returnSecureToken = true });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("localId").GetString()!, body.RootElement.GetProperty("idToken").GetString()!);
    }
}
