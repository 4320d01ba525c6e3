using System.Text.Json;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Storage;
using RemoteCam.Relay.Storage.Rules;

namespace RemoteCam.Relay.Tests.Storage;

/// <summary>
/// The storage.rules subset as tables: (allow statement, request) → decision, and rules text →
/// the load error with its line and column. Requests are on <c>/b/bkt/o/clips/K/cam1/c1/0</c>
/// unless a row says otherwise.
/// </summary>
public sealed class StorageRulesLanguageTests
{
    private const string ClipPath = "clips/K/cam1/c1/0";

    private static string File(string allow, string path = "/clips/{key}/{camera}/{clip}/{n}") => $$"""
        rules_version = '2';
        service firebase.storage {
          match /b/{bucket}/o {
            match {{path}} {
              {{allow}}
            }
          }
        }
        """;

    private static ObjectMetadata Object(string name, long size = 100, string type = "application/octet-stream", string? mode = null) => new()
    {
        Bucket = "bkt",
        Name = name,
        ContentType = type,
        Size = size,
        Crc32c = 0,
        Md5Hash = "",
        Generation = 1,
        TimeCreated = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
        Updated = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
        Metadata = mode is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["mode"] = mode },
    };

    private static Identity User(string? uid, string claims = "{}") =>
        uid is null ? Identity.Anonymous : new Identity(false, uid, "anonymous", JsonDocument.Parse(claims).RootElement.Clone());

    public enum Req
    {
        CreateByCamera,
        CreateByViewer,
        CreateByNobody,
        CreateBig,
        CreateWrongType,
        Overwrite,
        GetByViewer,
        GetByNobody,
        ListByViewer,
        DeleteByCamera,
        DeleteByViewer,
        CreateWithMode,
        CreateAdminClaim,
    }

    private static StorageRequest Build(Req req) => req switch
    {
        Req.CreateByCamera => new(StorageMethod.Create, "bkt", ClipPath, User("cam1"), null, Object(ClipPath), Now),
        Req.CreateByViewer => new(StorageMethod.Create, "bkt", ClipPath, User("viewer"), null, Object(ClipPath), Now),
        Req.CreateByNobody => new(StorageMethod.Create, "bkt", ClipPath, User(null), null, Object(ClipPath), Now),
        Req.CreateBig => new(StorageMethod.Create, "bkt", ClipPath, User("cam1"), null, Object(ClipPath, size: 262_209), Now),
        Req.CreateWrongType => new(StorageMethod.Create, "bkt", ClipPath, User("cam1"), null, Object(ClipPath, type: "video/webm"), Now),
        Req.Overwrite => new(StorageMethod.Update, "bkt", ClipPath, User("cam1"), Object(ClipPath), Object(ClipPath), Now),
        Req.GetByViewer => new(StorageMethod.Get, "bkt", ClipPath, User("viewer"), Object(ClipPath), null, Now),
        Req.GetByNobody => new(StorageMethod.Get, "bkt", ClipPath, User(null), Object(ClipPath), null, Now),
        Req.ListByViewer => new(StorageMethod.List, "bkt", "clips/K/cam1/c1", User("viewer"), null, null, Now),
        Req.DeleteByCamera => new(StorageMethod.Delete, "bkt", ClipPath, User("cam1"), Object(ClipPath), null, Now),
        Req.DeleteByViewer => new(StorageMethod.Delete, "bkt", ClipPath, User("viewer"), Object(ClipPath), null, Now),
        Req.CreateWithMode => new(StorageMethod.Create, "bkt", ClipPath, User("cam1"), null, Object(ClipPath, mode: "sealed"), Now),
        Req.CreateAdminClaim => new(StorageMethod.Create, "bkt", ClipPath, User("x", """{"admin":true,"roles":["a","b"]}"""), null, Object(ClipPath), Now),
        _ => throw new ArgumentOutOfRangeException(nameof(req)),
    };

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    public static TheoryData<string, Req, bool> Decisions => new()
    {
        // The clip contract's own statements.
        { "allow create: if request.auth != null && request.auth.uid == camera;", Req.CreateByCamera, true },
        { "allow create: if request.auth != null && request.auth.uid == camera;", Req.CreateByViewer, false },
        { "allow create: if request.auth != null && request.auth.uid == camera;", Req.CreateByNobody, false },
        { "allow create: if request.resource.size <= 262208;", Req.CreateByCamera, true },
        { "allow create: if request.resource.size <= 262208;", Req.CreateBig, false },
        { "allow create: if request.resource.contentType == 'application/octet-stream';", Req.CreateWrongType, false },
        { "allow create: if request.resource.contentType.matches('video/.*');", Req.CreateWrongType, true },
        { "allow create: if request.resource.contentType.matches('video/.*');", Req.CreateByCamera, false },
        { "allow create: if resource == null;", Req.CreateByCamera, true },
        { "allow create;", Req.Overwrite, false },
        { "allow write: if resource == null;", Req.Overwrite, false },
        { "allow update: if resource.size == request.resource.size;", Req.Overwrite, true },
        { "allow get: if request.auth != null;", Req.GetByViewer, true },
        { "allow get: if request.auth != null;", Req.GetByNobody, false },
        { "allow get: if request.auth != null;", Req.ListByViewer, false },
        { "allow read: if request.auth != null;", Req.ListByViewer, false }, // list is on the folder, which this match does not cover
        { "allow delete: if request.auth.uid == camera;", Req.DeleteByCamera, true },
        { "allow delete: if request.auth.uid == camera;", Req.DeleteByViewer, false },
        { "allow write: if request.auth.uid == camera;", Req.DeleteByCamera, true },
        { "allow read, write;", Req.GetByNobody, true },

        // Operators and values.
        { "allow create: if 5 * 1024 * 1024 > request.resource.size && 7 % 4 == 3 && 7 / 2 == 3 && 1 - 2 == -1;", Req.CreateByCamera, true },
        { "allow create: if 'a' + 'b' == \"ab\" && 'a' < 'b' && 1.5 > 1;", Req.CreateByCamera, true },
        { "allow create: if !(request.auth == null) || false;", Req.CreateByCamera, true },
        { "allow create: if camera in ['cam1', 'cam2'];", Req.CreateByCamera, true },
        { "allow create: if camera in ['cam2'];", Req.CreateByCamera, false },
        { "allow create: if 'mode' in request.resource.metadata && request.resource.metadata.mode == 'sealed';", Req.CreateWithMode, true },
        { "allow create: if 'mode' in request.resource.metadata;", Req.CreateByCamera, false },
        { "allow create: if request.auth.token.admin == true && request.auth.token.roles.hasAll(['a']);", Req.CreateAdminClaim, true },
        { "allow create: if request.time > resource.timeCreated || true;", Req.CreateByCamera, true }, // error || true is true
        { "allow create: if request.time > resource.timeCreated;", Req.CreateByCamera, false }, // resource is null: an error denies
        { "allow update: if request.time > resource.timeCreated;", Req.Overwrite, true },
        { "allow create: if request.auth.token.missing == 1 || request.auth.uid == 'cam1';", Req.CreateByCamera, true },
        { "allow create: if request.auth.token.missing == 1;", Req.CreateByCamera, false },
        { "allow create: if 1 == '1';", Req.CreateByCamera, false },
        { "allow create: if n == '0' && clip.size() == 2 && key.lower() == 'k';", Req.CreateByCamera, true },
        { "allow create: if camera.matches('cam[0-9]+') ? true : false;", Req.CreateByCamera, true },
        { "allow create: if request.path == '/b/bkt/o/clips/K/cam1/c1/0';", Req.CreateByCamera, true },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void Decides(string allow, Req req, bool expected)
    {
        Assert.True(StorageRuleSet.TryLoad(File(allow), out var rules, out var error), error);
        Assert.Equal(expected, rules!.Allows(Build(req)));
    }

    public static TheoryData<string, string, bool> Paths => new()
    {
        { "/clips/{rest=**}", "clips/a/b/c", true },
        { "/clips/{rest=**}", "clips", true }, // v2: ** matches zero segments too
        { "/clips/{rest=**}", "other/a", false },
        { "/clips/{one}", "clips/a/b", false },
        { "/clips/{one}", "clips/a", true },
        { "/{all=**}", "anything/at/all", true },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Matches_paths_segment_by_segment(string match, string objectPath, bool expected)
    {
        Assert.True(StorageRuleSet.TryLoad(File("allow get;", match), out var rules, out var error), error);
        Assert.Equal(expected, rules!.Allows(new StorageRequest(StorageMethod.Get, "bkt", objectPath, User(null), null, null, Now)));
    }

    [Fact]
    public void A_rest_wildcard_holds_the_rest_of_the_path()
    {
        Assert.True(StorageRuleSet.TryLoad(File("allow get: if rest == 'a/b';", "/clips/{rest=**}"), out var rules, out _));
        Assert.True(rules!.Allows(new StorageRequest(StorageMethod.Get, "bkt", "clips/a/b", User(null), null, null, Now)));
        Assert.False(rules.Allows(new StorageRequest(StorageMethod.Get, "bkt", "clips/a/c", User(null), null, null, Now)));
    }

    [Fact]
    public void Nothing_is_allowed_without_an_allow()
    {
        Assert.True(StorageRuleSet.TryLoad(File("match /inner { allow get; }"), out var rules, out _));
        foreach (var req in Enum.GetValues<Req>())
        {
            Assert.False(rules!.Allows(Build(req)), req.ToString());
        }
    }

    public static TheoryData<string, string> LoadErrors => new()
    {
        { "rules_version = '1';\nservice firebase.storage { }", "Line 1, column 17: Only rules_version = '2' is supported." },
        { "service firebase.storage { }", "Line 1, column 1: The file must start with rules_version = '2';" },
        { "rules_version = '2';\nservice cloud.firestore { }", "Line 2, column 9: Expected 'firebase' but found 'cloud'." },
        { "rules_version = '2';\nservice firebase.storage {\n  match /x/{y} { }\n}", "Line 3, column 3: The top-level match must be 'match /b/{bucket}/o'." },
        { File("allow get: if exists(/databases/x);"), "Line 5, column 21: Function 'exists' is not supported" },
        { File("allow get: if firestore.get(x);"), "Line 5, column 21: Unknown variable 'firestore'." },
        { File("allow get: if request.auth.uid == uid;"), "Line 5, column 41: Unknown variable 'uid'." },
        { File("allow get: if request.query.limit < 10;"), "Line 5, column 29: Unknown property 'request.query'" },
        { File("allow get: if request.auth.uid.split('/') == 1;"), "Line 5, column 38: Function 'split' is not supported" },
        { File("allow get: if request.auth is map;"), "Line 5, column 34: The 'is' operator is not supported" },
        { File("allow read: if camera.matches('(');"), "Line 5, column 37: Invalid regular expression '('." },
        { File("allow watch: if true;"), "Line 5, column 13: Unknown method 'watch'" },
        { File("allow get: if true"), "Line 6, column 5: Expected ';' but found '}'." },
        { File("function isCamera() { return true; }"), "Line 5, column 7: Functions are not supported" },
        { File("allow get: if 'unterminated;"), "Line 5, column 21: Unterminated string literal." },
        { File("allow get;", "/clips/{rest=**}/more"), "Line 4, column 18: A {name=**} wildcard must be the last segment." },
        { File("allow get;", "/clips/{bucket}"), "Line 4, column 11: The wildcard name 'bucket' is already in use." },
        { File("allow get: if true = false;"), "Line 5, column 26: Expected ';' but found '='." },
    };

    [Theory]
    [MemberData(nameof(LoadErrors))]
    public void Refuses_at_load_with_the_position(string text, string expected)
    {
        Assert.False(StorageRuleSet.TryLoad(text, out var rules, out var error));
        Assert.Null(rules);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_repository_storage_rules_load()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !System.IO.File.Exists(Path.Combine(directory.FullName, "storage.rules")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var text = System.IO.File.ReadAllText(Path.Combine(directory.FullName, "storage.rules"));
        Assert.True(StorageRuleSet.TryLoad(text, out _, out var error), error);
    }
}
