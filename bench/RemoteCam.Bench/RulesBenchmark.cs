using System.Diagnostics;
using System.Text.Json;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;
using RemoteCam.Relay.Rules;

namespace RemoteCam.Bench;

/// <summary>
/// Cost of one access decision with a realistic rules file (RemoteCam-shaped rooms: membership
/// looked up with root.child, validated messages), in process. Goal: rules add at most 10 µs to a
/// typical request. Reference in the same run: the same decision with open access.
/// </summary>
internal static class RulesBenchmark
{
    private const string Rules = """
        {
          "rules": {
            "rooms": {
              "$room": {
                ".read": "auth != null && root.child('rooms/' + $room + '/members/' + auth.uid).exists()",
                "members": {
                  "$uid": {
                    ".write": "auth != null && auth.uid == $uid && !data.exists()",
                    ".validate": "newData.hasChildren(['role', 'joined']) && (newData.child('role').val() == 'viewer' || newData.child('role').val() == 'camera')"
                  }
                },
                "calls": {
                  "$camera": {
                    "$call": {
                      ".write": "auth != null && root.child('rooms/' + $room + '/members/' + auth.uid).exists() && (auth.uid == $camera || !data.exists() || data.child('viewer').val() == auth.uid)",
                      ".validate": "newData.hasChildren(['viewer', 'sealed']) && newData.child('sealed').isString() && newData.child('sealed').val().length < 12000"
                    }
                  }
                }
              }
            }
          }
        }
        """;

    public static void Run()
    {
        var policy = new RulesPolicy(RuleSet.Load(Rules));
        var root = BuildRoom(rooms: 200, membersPerRoom: 8);
        var who = new Identity(false, "member-3", "anonymous", JsonDocument.Parse("""{"sub":"member-3"}""").RootElement.Clone());
        var readPath = DataPath.Parse("rooms/room-42/calls/member-0");
        var writePath = DataPath.Parse("rooms/room-42/calls/member-0/call-1");
        var newRoot = Tree.Set(root, writePath, JsonTree.Parse("""{"viewer":"member-3","sealed":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"""));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        if (!policy.CanRead(who, readPath, root, now) || !policy.CanWrite(who, writePath, root, newRoot, now))
        {
            throw new InvalidOperationException("The benchmark's member is not allowed: the rules or the data are wrong.");
        }

        var read = Measure(() => policy.CanRead(who, readPath, root, now));
        var write = Measure(() => policy.CanWrite(who, writePath, root, newRoot, now));
        var openRead = Measure(() => OpenAccess.Instance.CanRead(who, readPath, root, now));
        Console.Out.WriteLine();
        Console.Out.WriteLine("rules: cost of one access decision (RemoteCam-shaped rules, 200 rooms × 8 members), median of 15 runs");
        Console.Out.WriteLine($"  read decision   {read,8:F2} µs   (open access: {openRead:F3} µs)   goal ≤ 10 µs: {(read <= 10 ? "PASS" : "FAIL")} ({read / 10:F2}× goal)");
        Console.Out.WriteLine($"  write decision  {write,8:F2} µs   (.write + .validate)                goal ≤ 10 µs: {(write <= 10 ? "PASS" : "FAIL")} ({write / 10:F2}× goal)");
    }

    /// <summary>Median microseconds per call over 15 timed runs, after warming up.</summary>
    private static double Measure(Func<bool> decide)
    {
        const int calls = 20_000;
        for (var i = 0; i < calls; i++)
        {
            decide();
        }

        var runs = new double[15];
        for (var r = 0; r < runs.Length; r++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                decide();
            }

            runs[r] = watch.Elapsed.TotalMicroseconds / calls;
        }

        Array.Sort(runs);
        return runs[runs.Length / 2];
    }

    private static Node? BuildRoom(int rooms, int membersPerRoom)
    {
        Node? root = null;
        for (var r = 0; r < rooms; r++)
        {
            for (var m = 0; m < membersPerRoom; m++)
            {
                root = Tree.Set(root, DataPath.Parse($"rooms/room-{r}/members/member-{m}"), JsonTree.Parse("""{"role":"viewer","joined":1}"""));
            }
        }

        return root;
    }
}
