using Google;
using Google.Apis.Auth.OAuth2;
using Google.Cloud.Storage.V1;

using RemoteCam.Cli.Profiles;

namespace RemoteCam.Cli.Clips;

/// <summary>Cloud Storage buckets for clips (Google.Cloud.Storage.V1): with the profile's service account, or the relay's storage API.</summary>
internal static class ClipBuckets
{
    public const string BlazeNote = "Cloud Storage for Firebase needs the pay-as-you-go Blaze plan (since October 2024); on the free Spark plan choose --target database.";

    /// <summary>A client for the profile: a Firebase profile's service account, or the relay (its admin key) through <c>BaseUri</c>.</summary>
    public static StorageClient Client(Backend backend)
    {
        if (backend.Profile.Kind == ProfileKinds.Relay)
        {
            var relay = new Uri(backend.DatabaseUrl, "storage/v1/");
            return new StorageClientBuilder { BaseUri = relay.ToString(), GoogleCredential = GoogleCredential.FromAccessToken(backend.Profile.AdminKey ?? "owner") }.Build();
        }

        var credential = CredentialFactory.FromFile<ServiceAccountCredential>(backend.Profile.Credentials!).ToGoogleCredential();
        return new StorageClientBuilder { GoogleCredential = credential }.Build();
    }

    /// <summary>The relay's own bucket, as its init.json names it (<c>storageBucket</c>).</summary>
    public static async Task<string> RelayBucketAsync(Backend backend, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var init = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri(backend.DatabaseUrl, "__/firebase/init.json"), cancellationToken));
        return init.RootElement.TryGetProperty("storageBucket", out var bucket) && bucket.GetString() is { Length: > 0 } name
            ? name
            : throw new InvalidOperationException("the relay's init.json names no storageBucket");
    }

    /// <summary>An object's bytes, or null when it does not exist.</summary>
    public static async Task<byte[]?> DownloadAsync(StorageClient client, string bucket, string name, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        try
        {
            await client.DownloadObjectAsync(bucket, name, buffer, new DownloadObjectOptions { DownloadValidationMode = DownloadValidationMode.Always }, cancellationToken);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        return buffer.ToArray();
    }

    /// <summary>Deletes every object under <paramref name="prefix"/>.</summary>
    public static async Task DeletePrefixAsync(StorageClient client, string bucket, string prefix, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var o in client.ListObjectsAsync(bucket, prefix).WithCancellation(cancellationToken))
        {
            names.Add(o.Name);
        }

        foreach (var name in names)
        {
            try
            {
                await client.DeleteObjectAsync(bucket, name, cancellationToken: cancellationToken);
            }
            catch (GoogleApiException e) when (e.HttpStatusCode == System.Net.HttpStatusCode.NotFound)
            {
            }
        }
    }

    /// <summary>Sets the bucket's lifecycle: objects under clips/ are deleted <paramref name="days"/> days after upload.</summary>
    public static async Task SetRetentionAsync(StorageClient client, string bucket, int days, CancellationToken cancellationToken)
    {
        var current = await client.GetBucketAsync(bucket, cancellationToken: cancellationToken);
        var rules = (current.Lifecycle?.Rule ?? []).Where(r => !(r.Action?.Type == "Delete" && (r.Condition?.MatchesPrefix?.Contains("clips/") ?? false))).ToList();
        rules.Add(new Google.Apis.Storage.v1.Data.Bucket.LifecycleData.RuleData
        {
            Action = new Google.Apis.Storage.v1.Data.Bucket.LifecycleData.RuleData.ActionData { Type = "Delete" },
            Condition = new Google.Apis.Storage.v1.Data.Bucket.LifecycleData.RuleData.ConditionData { Age = days, MatchesPrefix = ["clips/"] },
        });
        await client.PatchBucketAsync(new Google.Apis.Storage.v1.Data.Bucket { Name = bucket, Lifecycle = new Google.Apis.Storage.v1.Data.Bucket.LifecycleData { Rule = rules } }, cancellationToken: cancellationToken);
    }

    /// <summary>Null when the bucket answers; else what went wrong, in words.</summary>
    public static async Task<string?> CheckAsync(Backend backend, string bucket, CancellationToken cancellationToken)
    {
        try
        {
            using var client = Client(backend);
            await client.GetBucketAsync(bucket, cancellationToken: cancellationToken);
            return null;
        }
        catch (GoogleApiException e)
        {
            return $"{(int)e.HttpStatusCode} {e.Error?.Message ?? e.Message}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or IOException)
        {
            return e.Message;
        }
    }
}
