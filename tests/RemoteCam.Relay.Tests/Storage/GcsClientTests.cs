using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

using Google;
using Google.Apis.Auth.OAuth2;
using Google.Cloud.Storage.V1;

using Bucket = Google.Apis.Storage.v1.Data.Bucket;

namespace RemoteCam.Relay.Tests.Storage;

/// <summary>
/// Google.Cloud.Storage.V1 5.0.0, the official .NET client, as a foreign client of the relay's
/// Cloud Storage JSON API: resumable uploads in one and several chunks, downloads with hash
/// validation, ranges, list paging, delete, and the bucket's lifecycle.
/// </summary>
public sealed class GcsClientTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private const string Bucket = "demo-remotecam.appspot.com";

    private StorageClient Client(string token = "owner") => new StorageClientBuilder
    {
        BaseUri = relay.Relay.Url + "storage/v1/",
        GoogleCredential = GoogleCredential.FromAccessToken(token),
    }.Build();

    private static byte[] RandomBytes(int length) => RandomNumberGenerator.GetBytes(length);

    [Theory]
    [InlineData(1000, 0)]
    [InlineData(600 * 1024, 256 * 1024)]
    [InlineData(12 * 1024 * 1024, 0)]
    public async Task Uploads_and_downloads_with_hash_validation(int size, int chunkSize)
    {
        using var client = Client();
        var name = $"clips/{Guid.NewGuid():N}/0";
        var data = RandomBytes(size);
        var options = chunkSize > 0 ? new UploadObjectOptions { ChunkSize = chunkSize } : null;
        var uploaded = await client.UploadObjectAsync(Bucket, name, "application/octet-stream", new MemoryStream(data), options);
        Assert.Equal((ulong)size, uploaded.Size);
        Assert.Equal(name, uploaded.Name);
        Assert.Equal(Convert.ToBase64String(MD5.HashData(data)), uploaded.Md5Hash);

        using var back = new MemoryStream();
        await client.DownloadObjectAsync(Bucket, name, back, new DownloadObjectOptions { DownloadValidationMode = DownloadValidationMode.Always });
        Assert.Equal(data, back.ToArray());

        var metadata = await client.GetObjectAsync(Bucket, name);
        Assert.Equal(uploaded.Crc32c, metadata.Crc32c);
        Assert.Equal("application/octet-stream", metadata.ContentType);
    }

    [Fact]
    public async Task A_range_download_returns_just_those_bytes()
    {
        using var client = Client();
        var name = $"range/{Guid.NewGuid():N}";
        var data = RandomBytes(5000);
        await client.UploadObjectAsync(Bucket, name, null, new MemoryStream(data));
        using var back = new MemoryStream();
        await client.DownloadObjectAsync(Bucket, name, back, new DownloadObjectOptions { Range = new RangeHeaderValue(100, 199) });
        Assert.Equal(data[100..200], back.ToArray());
    }

    [Fact]
    public async Task Lists_page_by_page_with_prefixes_and_deletes()
    {
        using var client = Client();
        var root = $"list/{Guid.NewGuid():N}/";
        string[] names = [root + "a", root + "b", root + "c/1", root + "c/2", root + "d", root + "e"];
        foreach (var name in names)
        {
            await client.UploadObjectAsync(Bucket, name, "text/plain", new MemoryStream(Encoding.UTF8.GetBytes(name)));
        }

        var pages = client.ListObjectsAsync(Bucket, root, new ListObjectsOptions { PageSize = 2 }).AsRawResponses();
        var listed = new List<string>();
        var pageCount = 0;
        await foreach (var page in pages)
        {
            pageCount++;
            listed.AddRange(page.Items?.Select(i => i.Name) ?? []);
        }

        Assert.Equal(names, listed);
        Assert.Equal(3, pageCount);

        var folded = client.ListObjectsAsync(Bucket, root, new ListObjectsOptions { Delimiter = "/" }).AsRawResponses();
        await foreach (var page in folded)
        {
            Assert.Equal([root + "c/"], page.Prefixes);
            Assert.Equal([root + "a", root + "b", root + "d", root + "e"], page.Items.Select(i => i.Name));
        }

        await client.DeleteObjectAsync(Bucket, root + "a");
        var missing = await Assert.ThrowsAsync<GoogleApiException>(() => client.GetObjectAsync(Bucket, root + "a"));
        Assert.Equal(HttpStatusCode.NotFound, missing.HttpStatusCode);
        var again = await Assert.ThrowsAsync<GoogleApiException>(() => client.DeleteObjectAsync(Bucket, root + "a"));
        Assert.Equal(HttpStatusCode.NotFound, again.HttpStatusCode);
    }

    [Fact]
    public async Task Lifecycle_is_patched_and_read_back()
    {
        using var client = Client();
        var bucket = await client.GetBucketAsync(Bucket);
        Assert.Equal(Bucket, bucket.Name);
        var patched = await client.PatchBucketAsync(new Bucket
        {
            Name = Bucket,
            Lifecycle = new Bucket.LifecycleData
            {
                Rule = [new Bucket.LifecycleData.RuleData
                {
                    Action = new Bucket.LifecycleData.RuleData.ActionData { Type = "Delete" },
                    Condition = new Bucket.LifecycleData.RuleData.ConditionData { Age = 7, MatchesPrefix = ["clips/"] },
                }],
            },
        });
        Assert.Equal(7, patched.Lifecycle.Rule.Single().Condition.Age);
        var read = await client.GetBucketAsync(Bucket);
        Assert.Equal("Delete", read.Lifecycle.Rule.Single().Action.Type);
        Assert.Equal(["clips/"], read.Lifecycle.Rule.Single().Condition.MatchesPrefix);

        var unsupported = await Assert.ThrowsAsync<GoogleApiException>(() => client.PatchBucketAsync(new Bucket
        {
            Name = Bucket,
            Lifecycle = new Bucket.LifecycleData
            {
                Rule = [new Bucket.LifecycleData.RuleData
                {
                    Action = new Bucket.LifecycleData.RuleData.ActionData { Type = "SetStorageClass", StorageClass = "NEARLINE" },
                    Condition = new Bucket.LifecycleData.RuleData.ConditionData { Age = 1 },
                }],
            },
        }));
        Assert.Equal(HttpStatusCode.BadRequest, unsupported.HttpStatusCode);
        Assert.Contains("SetStorageClass", unsupported.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_crc32c_is_refused_and_nothing_is_stored()
    {
        var name = $"hash/{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{relay.Relay.Url}upload/storage/v1/b/{Bucket}/o?uploadType=media&name={Uri.EscapeDataString(name)}")
        {
            Content = new ByteArrayContent(RandomBytes(2000)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "owner");
        request.Headers.TryAddWithoutValidation("x-goog-hash", "crc32c=AAAAAA==");
        using var response = await relay.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("doesn't match calculated CRC32C", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var client = Client();
        var missing = await Assert.ThrowsAsync<GoogleApiException>(() => client.GetObjectAsync(Bucket, name));
        Assert.Equal(HttpStatusCode.NotFound, missing.HttpStatusCode);
    }

    [Fact]
    public async Task Only_the_admin_may_use_the_json_api()
    {
        using var stranger = Client("not-a-key");
        var refused = await Assert.ThrowsAsync<GoogleApiException>(() => stranger.GetBucketAsync(Bucket));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.HttpStatusCode);

        using var admin = Client(relay.Relay.AdminKey);
        Assert.Equal(Bucket, (await admin.GetBucketAsync(Bucket)).Name);

        using var response = await relay.Http.GetAsync($"{relay.Relay.Url}storage/v1/b/{Bucket}/o");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("{\"error\":{\"code\":401,", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
