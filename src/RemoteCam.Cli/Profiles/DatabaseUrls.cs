using System.Text.RegularExpressions;

namespace RemoteCam.Cli.Profiles;

/// <summary>Checks the URLs a user gives to <c>remotecam init</c>.</summary>
internal static partial class DatabaseUrls
{
    /// <summary>
    /// A production Realtime Database URL: <c>https://&lt;db&gt;.firebaseio.com</c> or
    /// <c>https://&lt;db&gt;.&lt;region&gt;.firebasedatabase.app</c>, with no path or query.
    /// </summary>
    public static bool TryParseFirebase(string text, out Uri? url, out string? error)
    {
        url = null;
        error = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttps
            || parsed.AbsolutePath != "/" || parsed.Query.Length > 0 || !parsed.IsDefaultPort
            || !(FirebaseIo().IsMatch(parsed.Host) || FirebaseDatabaseApp().IsMatch(parsed.Host)))
        {
            error = $"--database-url must be https://<database>.firebaseio.com or https://<database>.<region>.firebasedatabase.app (got \"{text}\"); "
                + "find it in the Firebase console → Realtime Database.";
            return false;
        }

        url = new Uri($"https://{parsed.Host}/");
        return true;
    }

    /// <summary>A relay URL: absolute http(s); the path is kept (a relay behind a reverse proxy).</summary>
    public static bool TryParseRelay(string text, out Uri? url, out string? error)
    {
        url = null;
        error = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            error = $"--relay must be an http(s) URL such as http://192.168.1.20:9000 (got \"{text}\").";
            return false;
        }

        url = parsed.AbsolutePath.EndsWith('/') ? parsed : new Uri(parsed.GetLeftPart(UriPartial.Path) + "/" + parsed.Query);
        return true;
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*\.firebaseio\.com$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FirebaseIo();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*\.firebasedatabase\.app$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FirebaseDatabaseApp();
}
