namespace RemoteCam.Relay.Storage;

/// <summary>
/// The texts of the storage APIs' rejections, in one place. Both APIs answer in Google's shape
/// (<see cref="Http.Responses.WriteGoogleErrorAsync"/>): the Cloud Storage JSON API with an
/// <c>errors[].reason</c>, Firebase Storage with just <c>code</c> and <c>message</c>.
/// </summary>
internal static class StorageErrors
{
    public const string PermissionDenied = "Permission denied.";
    public const string NoRules = "Permission denied. The relay has no storage rules loaded (serve --storage-rules FILE).";
    public const string MetadataNotJson = "Invalid object metadata: not JSON.";
    public const string MetadataNotObject = "Invalid object metadata: not a JSON object.";
    public const string NoBucket = "The specified bucket does not exist.";
    public const string Precondition = "At least one of the pre-conditions you specified did not hold.";
    public const string Anonymous = "Anonymous caller does not have storage.objects access to the Google Cloud Storage object: use Authorization: Bearer owner (from this machine) or the relay's admin key.";
    public const string BadToken = "Invalid Credentials: the token is neither 'owner' nor the relay's admin key.";
    public const string NoSuchUpload = "No such upload session: it is unknown, finished, cancelled or expired (sessions last 7 days).";
    public const string BadMultipart = "Invalid multipart/related body: it needs a JSON metadata part and a media part.";
    public const string BadContentRange = "Invalid Content-Range: use 'bytes A-B/TOTAL', 'bytes */TOTAL' or 'bytes A-B/*'.";
    public const string SizeMismatch = "The upload's bytes do not add up to its declared total size.";
    public const string GzipBody = "Invalid gzip-encoded request body.";
    public const string BadRange = "Requested range not satisfiable.";
    public const string NotImplemented = "Not implemented by the relay: it serves the subset in docs/storage.md.";
    public const string UploadCancelled = "Upload cancelled.";
    public const string BadOffset = "Invalid X-Goog-Upload-Offset: it must be the number of bytes received so far.";
    public const string BadCommand = "Invalid X-Goog-Upload-Command: use start, upload, finalize, 'upload, finalize', query or cancel.";

    public static string NoSuchObject(string bucket, string name) => $"No such object: {bucket}/{name}";

    public static string BadBucketName(string name) => $"Invalid bucket name: '{name}'.";

    public static string BadObjectName(string name) => $"Invalid object name: '{name}' (1 to 1024 bytes of UTF-8, no line breaks).";

    public static string TooBig(long max) => $"The object is larger than this relay's limit of {max} bytes.";

    public static string TooManyUploads(int max) => $"Too many uploads in flight: this relay takes at most {max} at once; retry shortly.";

    public static string TooManySessions(int max) => $"Too many resumable uploads open: this relay keeps at most {max}; finish or cancel some.";

    public static string TooManyBuckets(int max) => $"Too many buckets: this relay keeps at most {max}.";

    public static string HashMismatch(string kind, string provided, string calculated) =>
        $"Provided {kind} \"{provided}\" doesn't match calculated {kind} \"{calculated}\".";

    public static string BadParameter(string name, string value) => $"Invalid value for {name}: '{value}'.";
}
