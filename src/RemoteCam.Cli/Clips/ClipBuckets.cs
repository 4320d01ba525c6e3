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
            return new StorageClientBuilder { BaseUri = relay.ToString(), UnauthenticatedAccess = true }.Build();
        }

        var credential = CredentialFactory.FromFile<ServiceAccountCredential>(backend.Profile.Credentials!).ToGoogleCredential();
        return new StorageClientBuilder { GoogleCredential = credential }.Build();
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
