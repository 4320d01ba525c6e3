using System.Text.Json.Nodes;

using RemoteCam.Relay.Data;
using RemoteCam.Relay.Engine;

namespace RemoteCam.Relay.Tests.ForeignClients.Sdk;

/// <summary>
/// The official web SDK (firebase 12, <c>connectDatabaseEmulator</c>) and Admin SDK (firebase-admin 13,
/// <c>FIREBASE_DATABASE_EMULATOR_HOST</c>) against the relay over its WebSocket protocol. The
/// scenarios run in <c>sdk-suite.mjs</c>; these tests check what they saw.
/// </summary>
public sealed class SdkClientTests(SdkSuite suite) : IClassFixture<SdkSuite>
{
    [Fact]
    public void Set_get_update_remove_push_and_priority_work_and_REST_sees_the_same()
    {
        var r = suite.Result("crud");
        AssertJson("""{"name":"first","n":1,"nested":{"deep":true}}""", r["afterSet"]);
        AssertJson("""{"a":{"name":"first","n":2,"nested":{"deep":true}},"b":{"name":"second"}}""", r["afterUpdate"]);
        var keys = r["pushedKeys"]!.AsArray().Select(k => k!.GetValue<string>()).ToList();
        Assert.Equal(keys, r["logKeys"]!.AsArray().Select(k => k!.GetValue<string>()).ToList());
        Assert.True(string.CompareOrdinal(keys[0], keys[1]) < 0, "push ids are chronological");
        AssertJson("""{"a":{"name":"first","n":2,"nested":{"deep":true}}}""", r["afterRemove"]);
        Assert.Equal(7, r["priority"]!.GetValue<double>());
        AssertJson("""{"a":{"name":"first","n":2,"nested":{"deep":true}}}""", r["overRest"]);
    }

    [Fact]
    public void Child_events_come_with_their_previous_sibling_in_query_order()
    {
        var r = suite.Result("events");
        var seen = r["seen"]!.AsArray().Select(e => string.Join(' ', e!.AsArray().Select(x => x?.ToString() ?? "null"))).ToList();
        Assert.Equal(
            [
                "added b null", "added a b", // initial: b (1) before a (3)
                "added c b", // c (2) between b and a
                "moved b a", "changed b a", // b becomes 5: after a
                "removed a",
                "moved c b", "changed c b", // c becomes 9: after b
            ],
            seen);
        AssertJson("[2,9]", r["values"]);
    }

    [Fact]
    public void Queries_by_child_key_and_value_with_ranges_limits_and_a_moving_window()
    {
        var r = suite.Result("queries");
        AssertJson("""["bob","dave"]""", r["childEqual"]);
        AssertJson("""["alice","carol"]""", r["childRange"]);
        AssertJson("""["bob","dave"]""", r["childFirst"]);
        AssertJson("""["carol","eve"]""", r["childLast"]);
        AssertJson("""["bob","carol"]""", r["keyRange"]); // "dave" sorts after "d"
        AssertJson("""["alice"]""", r["keyFirst"]);
        AssertJson("""["z","y"]""", r["valueLast"]);
        AssertJson("""["z","y"]""", r["valueRange"]);
        AssertJson("""["bob","carol"]""", r["cityEqual"]);
        var windows = r["windows"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        Assert.Equal("p2,p3", windows[0]);
        Assert.Contains("p3,p1", windows); // p1 rose to 10
        Assert.Equal(2, r["finalWindow"]!.AsArray().Count);
        Assert.Equal(r["finalWindow"]![1]!.GetValue<string>(), windows[^1].Split(',')[1]);
        Assert.DoesNotContain("p1", windows[^1], StringComparison.Ordinal); // p1 was removed: p3 and the pushed 5 remain
    }

    [Fact]
    public void Server_timestamp_and_increment_are_resolved_by_the_relay()
    {
        var r = suite.Result("serverValues");
        var at = r["at"]!.GetValue<double>();
        Assert.InRange(at, r["before"]!.GetValue<double>() - 5000, r["after"]!.GetValue<double>() + 5000);
        Assert.Equal(7, r["count"]!.GetValue<double>());
        Assert.Equal(2, r["fresh"]!.GetValue<double>());
    }

    [Fact]
    public void Transactions_from_two_clients_all_commit_once_each()
    {
        var r = suite.Result("transactions");
        Assert.Equal(40, r["committed"]!.GetValue<int>());
        Assert.Equal(40, r["final"]!.GetValue<double>());
        Assert.Equal(40, r["overRest"]!.GetValue<double>());
        Assert.True(r["attempts"]!.GetValue<int>() >= 40);
        Assert.False(r["abortedCommitted"]!.GetValue<bool>());
    }

    [Fact]
    public void OnDisconnect_set_update_remove_and_cancel_run_when_the_client_goes_offline()
    {
        var r = suite.Result("onDisconnectOffline");
        var value = r["value"]!;
        Assert.Equal("offline", value["set"]!["state"]!.GetValue<string>());
        Assert.True(r["stampIsRecent"]!.GetValue<bool>(), $"server timestamp resolved when run: {value}");
        AssertJson("""{"a":1,"b":2,"c":{"d":3}}""", value["update"]);
        Assert.Null(value["removed"]);
        Assert.Equal("stays", value["cancelled"]!.GetValue<string>());
        Assert.True(r["ms"]!.GetValue<double>() < 3000, $"ran {r["ms"]} ms after goOffline");
    }

    [Fact]
    public void OnDisconnect_runs_when_the_client_process_is_killed()
    {
        var r = suite.Result("onDisconnectKilled");
        Assert.Equal("online", r["online"]!["state"]!.GetValue<string>());
        Assert.Equal("offline", r["value"]!["state"]!.GetValue<string>());
        Assert.True(r["ms"]!.GetValue<double>() < 3000, $"ran {r["ms"]} ms after SIGKILL");
    }

    [Fact]
    public void Info_connected_follows_the_connection_and_the_server_time_offset_is_small()
    {
        var r = suite.Result("info");
        Assert.True(r["connected"]!.GetValue<bool>());
        Assert.False(r["afterOffline"]!.GetValue<bool>());
        Assert.True(r["again"]!.GetValue<bool>());
        Assert.InRange(r["offset"]!.GetValue<double>(), -5000, 5000);
    }

    [Fact]
    public void Rules_deny_writes_reads_and_listens_and_revoke_a_listen_when_the_data_they_read_changes()
    {
        var r = suite.Result("rules");
        Assert.Equal("allowed", r["ownWrite"]!.GetValue<string>());
        Assert.Equal("PERMISSION_DENIED", r["otherWrite"]!.GetValue<string>());
        Assert.Contains("ermission", r["anonymousRead"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Alice", r["ownRead"]!.GetValue<string>());
        Assert.Equal("PERMISSION_DENIED", r["validateFails"]!.GetValue<string>());
        Assert.Equal("PERMISSION_DENIED", r["listenDenied"]!.GetValue<string>());
        AssertJson("""{"open":true,"secret":1}""", r["beforeRevoke"]);
        Assert.Equal("PERMISSION_DENIED", r["revoked"]!.GetValue<string>());
    }

    [Fact]
    public void A_value_over_100_KB_goes_both_ways_in_split_frames()
    {
        var r = suite.Result("big");
        Assert.True(r["same"]!.GetValue<bool>(), $"length {r["length"]}");
        Assert.True(r["restSame"]!.GetValue<bool>());
    }

    [Fact]
    public void Two_hundred_listens_on_one_connection_each_hear_their_write()
    {
        Assert.Equal(200, suite.Result("manyListens")["correct"]!.GetValue<int>());
    }

    [Fact]
    public void A_REST_write_reaches_a_WebSocket_listener_and_a_WebSocket_write_reaches_an_SSE_stream()
    {
        var r = suite.Result("restInterplay");
        AssertJson("""{"n":1}""", r["overWs"]);
        Assert.True(r["sse"]!.GetValue<bool>());
    }

    [Fact]
    public void The_relays_hash_of_each_value_equals_the_SDKs()
    {
        var r = suite.Result("hashes");
        var exported = r["exported"]!.AsObject();
        foreach (var (key, sdkHash) in r["hashes"]!.AsObject())
        {
            var json = key == "(whole)" ? exported.ToJsonString() : exported[key]?.ToJsonString() ?? "null";
            Assert.True(sdkHash!.GetValue<string>() == FirebaseHash.Of(JsonTree.Parse(json)), $"{key}: {json} SDK {sdkHash} relay {FirebaseHash.Of(JsonTree.Parse(json))}");
        }
    }

    [Fact]
    public void Firebase_auth_signs_in_anonymously_refreshes_reads_its_rules_keeps_the_user_over_a_reload_and_deletes_it()
    {
        var r = suite.Result("auth");
        Assert.Equal(28, r["uid"]!.GetValue<string>().Length);
        Assert.True(r["isAnonymous"]!.GetValue<bool>());
        Assert.Equal(3, r["tokenParts"]!.GetValue<int>());
        Assert.Equal(3, r["refreshedParts"]!.GetValue<int>());
        Assert.Equal("anonymous me", r["mine"]!.GetValue<string>());
        Assert.Equal("PERMISSION_DENIED", r["other"]!.GetValue<string>());
        Assert.Equal(r["uid"]!.GetValue<string>(), r["afterReload"]!.GetValue<string>());
        Assert.True(r["anonymousAfterReload"]!.GetValue<bool>());
        Assert.Null(r["afterDelete"]);
        Assert.Equal(400, r["lookupAfterDelete"]!["status"]!.GetValue<int>());
        Assert.Equal("USER_NOT_FOUND", r["lookupAfterDelete"]!["body"]!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public void Firebase_admin_reads_writes_queries_and_transacts_as_admin_past_the_rules()
    {
        var r = suite.Result("admin");
        Assert.Equal("Bob by admin", r["bob"]!.GetValue<string>());
        AssertJson("""["b","a"]""", r["ordered"]);
        Assert.True(r["txCommitted"]!.GetValue<bool>());
        Assert.Equal(10, r["counter"]!.GetValue<double>());
        Assert.Equal("ping", r["heard"]!.GetValue<string>());
        Assert.Equal("number", r["stamp"]!.GetValue<string>());
        Assert.Equal(20, r["pushedKey"]!.GetValue<string>().Length);
    }

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"Expected {expected}\nActual   {actual?.ToJsonString() ?? "null"}");
}
