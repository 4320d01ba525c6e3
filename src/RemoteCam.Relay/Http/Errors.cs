namespace RemoteCam.Relay.Http;

/// <summary>
/// The texts of the Realtime Database's rejections (and of the pages, discovery and the CA, which
/// answer in the same shape), in one place; <see cref="Responses.WriteErrorAsync"/> writes them as
/// <c>{"error": "…"}</c>. Sign-in and storage answer in Google's shape, with their own texts.
/// </summary>
internal static class Errors
{
    public const string PermissionDenied = "Permission denied";
    public const string InvalidJson = Data.JsonTree.InvalidJson;
    public const string NoData = "No data supplied.";
    public const string ShallowMixed = "Mixing 'shallow' with other query parameters is not supported.";
    public const string ETagOnPatch = "ETags are not supported for PATCH requests.";
    public const string IfMatchOnGet = "if-match is not supported on GET requests; it applies to PUT and DELETE only..";
    public const string ShallowNotGet = "shallow=true is only supported on GET requests.";
    public const string ExportNotGet = "format=export is only supported on GET requests.";
    public const string SilentOnDelete = "print=silent is not supported on DELETE requests.";
    public const string WriteTooBig = "WRITE_TOO_BIG: Data to write exceeds the maximum size that can be modified with a single request.";
    public const string InfoReadOnly = "/.info is read-only.";
    public const string NotFound = "Not found.";
    public const string BadPriority = "Invalid priority: use a string, a number or null.";
    public const string Unavailable = "The database is temporarily unavailable.";
    public const string StreamNotSupported = "Streaming is not supported for /.info or .priority locations.";
    public const string ExpiredToken = "Auth token is expired";
    public const string InvalidToken = "Could not parse auth token.";
    public const string PatchNotObject = "Invalid data; a PATCH body must be a JSON object.";
    public const string BadHost = "Invalid Host header: use a host name, an IPv4 address or a bracketed IPv6 address, optionally with :port.";

    public static string UnknownParameter(string name) => $"Invalid parameter \"{name}\": it is not a supported query parameter.";

    public static string BadPrint(string value) => $"Invalid value for print: \"{value}\" (use pretty or silent).";

    public static string BadFormat(string value) => $"Invalid value for format: \"{value}\" (use export).";

    public static string BadShallow(string value) => $"Invalid value for shallow: \"{value}\" (use true or false).";

    public static string BadTimeout(string value) =>
        $"Invalid timeout \"{value}\": use a positive number followed by ms, s or min, at most 15min.";

    public static string BadWriteSizeLimit(string value) =>
        $"Invalid writeSizeLimit \"{value}\": use tiny, small, medium, large or unlimited.";

    public static string BadNamespace(string value) =>
        $"Invalid database name \"{value}\": use 1 to 63 letters, digits and dashes.";

    public static string BadMethod(string method) => $"Unsupported method {method}.";

    public static string MethodNotAllowed(string method) => $"Method {method} is not allowed here: use GET or HEAD.";

    public static string BadCallback(string value) => $"Invalid callback name \"{value}\".";

    public static string TooManyDatabases(int max) => $"Too many databases: this relay serves at most {max}.";

    public static string RulesTooBig(int maxBytes) => $"Rules files can be at most {maxBytes / 1024} KiB.";

    public static string PatchBadKey(string key) => $"Invalid data; invalid key \"{key}\" in a PATCH body.";

    public static string PatchTooDeep(string key, int maxLevels) => $"Invalid data; \"{key}\" is nested more than {maxLevels} levels deep.";

    public static string PatchAncestor(string ancestor, string path) => $"Invalid data; path \"{ancestor}\" is an ancestor of \"{path}\" in the same update.";
}
