using System.Text.Json.Nodes;

namespace RemoteCam.Relay.Tests.ForeignClients.Sdk;

/// <summary>One run of <c>storage-suite.mjs</c> against a relay enforcing the repository's storage.rules.</summary>
public sealed class StorageSdkRun : IAsyncLifetime
{
    private RelayFixture? _relay;

    public JsonNode? Result { get; private set; }

    public string Output { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _relay = await RelayFixture.StartAsync(new RelayOptions { StorageRulesFile = StorageRules.RepositoryFile() });
        var (exit, stdout, stderr) = await NodeScript.RunAsync("storage-suite.mjs", [_relay.Relay.Url.Authority], TimeSpan.FromSeconds(90));
        Output = $"exit code {exit}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}";
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith('{'));
        var report = line is null ? null : JsonNode.Parse(line);
        Result = report?["result"];
        if (report?["error"] is { } error)
        {
            Output = error.GetValue<string>() + "\n" + Output;
        }
    }

    public async Task DisposeAsync()
    {
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }
    }
}

/// <summary>
/// The official Firebase JS SDK (<c>firebase/storage</c> 12.19.0, in Node, through
/// <c>connectStorageEmulator</c>) against the relay, signed in with the relay's own anonymous
/// ID tokens: what a camera and a viewer page do with clips, and what storage.rules refuses.
/// </summary>
public sealed class StorageSdkTests(StorageSdkRun run) : IClassFixture<StorageSdkRun>
{
    private JsonNode Result => run.Result ?? throw new Xunit.Sdk.XunitException("storage-suite.mjs did not report:\n" + run.Output);

    [Fact]
    public void Uploads_multipart_and_resumable_and_reads_them_back()
    {
        Assert.Equal(1000, Result["uploadedSize"]!.GetValue<int>());
        Assert.Equal("application/octet-stream", Result["uploadedType"]!.GetValue<string>());
        Assert.Equal(262173, Result["resumableSize"]!.GetValue<int>());
        Assert.True(Result["progressSteps"]!.GetValue<int>() >= 2, "the resumable upload went in more than one step");
        Assert.True(Result["smallBack"]!.GetValue<bool>());
        Assert.True(Result["bigBack"]!.GetValue<bool>());
        Assert.Equal(262173, Result["metadataSize"]!.GetValue<int>());
        Assert.Equal("application/octet-stream", Result["metadataType"]!.GetValue<string>());
        Assert.Equal("demo-remotecam.appspot.com", Result["metadataBucket"]!.GetValue<string>());
        Assert.True(Result["byUrl"]!.GetValue<bool>(), "getDownloadURL's URL serves the bytes");
    }

    [Fact]
    public void The_admin_token_bypasses_the_rules()
    {
        Assert.Equal(3 * 1024 * 1024 + 5, Result["adminSize"]!.GetValue<int>());
        Assert.True(Result["adminBack"]!.GetValue<bool>());
        Assert.Single(Result["adminListPrefixes"]!.AsArray());
    }

    [Theory]
    [InlineData("strangerRead")]
    [InlineData("strangerWrite")]
    [InlineData("viewerWrite")]
    [InlineData("viewerWriteOwnPath")]
    [InlineData("overwrite")]
    [InlineData("list")]
    [InlineData("oversize")]
    [InlineData("wrongType")]
    [InlineData("viewerDelete")]
    public void Storage_rules_refuse(string what)
    {
        Assert.Equal("storage/unauthorized", Result["refused"]![what]!.GetValue<string>());
    }

    [Fact]
    public void The_camera_deletes_its_own_clip()
    {
        Assert.Equal("allowed", Result["cameraDelete"]!.GetValue<string>());
        Assert.Equal("storage/object-not-found", Result["afterDelete"]!.GetValue<string>());
    }
}

/// <summary>Where the repository's storage.rules is, from the test's output folder.</summary>
internal static class StorageRules
{
    public static string RepositoryFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "storage.rules");
            if (File.Exists(path) && File.Exists(Path.Combine(dir.FullName, "RemoteCam.sln")))
            {
                return path;
            }
        }

        throw new InvalidOperationException("storage.rules not found above " + AppContext.BaseDirectory);
    }
}
