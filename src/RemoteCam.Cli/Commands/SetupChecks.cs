using System.Net;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Profiles;
using RemoteCam.Firebase;

namespace RemoteCam.Cli.Commands;

/// <summary>One verification: passed, failed (with what to do), or not run (null).</summary>
internal sealed record Check(string Name, bool? Ok, string Detail);

/// <summary>
/// The checks <c>init</c> and <c>doctor</c> both make, worded once: the database answering the
/// admin credentials, reading the rules, anonymous sign-in; and how a list of checks is printed.
/// </summary>
internal static class SetupChecks
{
    /// <summary>The failures a check reports as a line instead of an error.</summary>
    public static bool IsExpected(Exception e) =>
        e is HttpRequestException or FirebaseException or TaskCanceledException or CredentialException;

    /// <summary>The server did not answer at all (as opposed to answering with a refusal).</summary>
    public static bool IsUnreachable(Exception e) => e is HttpRequestException or TaskCanceledException;

    public static Check DatabaseAnswered(Backend backend) =>
        new("database", true, $"{backend.Profile.Location} answers to the admin credentials.");

    /// <summary>Why the admin read failed, and what to do; <paramref name="otherwise"/> when nothing more specific applies.</summary>
    public static Check DatabaseFailed(Backend backend, Exception e, string otherwise = "") =>
        new("database", false, $"{Backend.Describe(e, backend.DatabaseUrl)} {DatabaseAdvice(backend, e) ?? otherwise}".TrimEnd());

    public static Check Skipped(string name, string why) => new(name, null, $"not checked: {why}");

    /// <summary>The rules in force can be read with the admin credentials.</summary>
    public static async Task<Check> RulesReadableAsync(Backend backend, CancellationToken cancellationToken)
    {
        try
        {
            var rules = await backend.GetRulesAsync(cancellationToken);
            return new Check("rules", true, $"the rules in force are readable ({rules.Length} characters); deploy yours with 'remotecam rules deploy'.");
        }
        catch (Exception e) when (IsExpected(e))
        {
            return new Check("rules", false, $"cannot read /.settings/rules.json: {Backend.Describe(e, backend.DatabaseUrl)}");
        }
    }

    /// <summary>Anonymous sign-in, unless the relay itself did not answer (then there is nothing to learn from trying).</summary>
    public static Task<Check> SignInAsync(Backend backend, bool databaseUnreachable, CancellationToken cancellationToken) =>
        databaseUnreachable && backend.Profile.Kind == ProfileKinds.Relay
            ? Task.FromResult(Skipped("anonymous sign-in", "the relay is unreachable."))
            : SignInAsync(backend, cancellationToken);

    /// <summary>Anonymous sign-up as a page does it; not run (null) for a Firebase profile without an API key.</summary>
    public static async Task<Check> SignInAsync(Backend backend, CancellationToken cancellationToken)
    {
        if (backend.SignUpUrl is not { } signUp)
        {
            return Skipped("anonymous sign-in", "give --api-key (Firebase console → Project settings → General → Web API key).");
        }

        try
        {
            await backend.SignUpAnonymouslyAsync(signUp, cancellationToken);
            return new Check("anonymous sign-in", true, "devices can sign in anonymously.");
        }
        catch (FirebaseException e) when (e.ServerMessage is { } message
            && (message.StartsWith("OPERATION_NOT_ALLOWED", StringComparison.Ordinal) || message.StartsWith("ADMIN_ONLY_OPERATION", StringComparison.Ordinal)))
        {
            return new Check("anonymous sign-in", false, "anonymous sign-in is disabled: enable it in the Firebase console → Authentication → Sign-in method.");
        }
        catch (FirebaseException e) when (e.ServerMessage is { } message && message.Contains("API key not valid", StringComparison.OrdinalIgnoreCase))
        {
            return new Check("anonymous sign-in", false, "the API key was refused: copy the Web API key from the Firebase console → Project settings → General.");
        }
        catch (Exception e) when (IsExpected(e))
        {
            return new Check("anonymous sign-in", false, $"sign-up failed: {Backend.Describe(e, signUp)}");
        }
    }

    /// <summary>No check failed (not run is not a failure).</summary>
    public static bool AllOk(IEnumerable<Check> checks) => checks.All(c => c.Ok != false);

    /// <summary>One line per check for people: <c>  ✓ name: detail</c> (✗ failed, - not run).</summary>
    public static void WriteLines(CliConsole console, IEnumerable<Check> checks)
    {
        foreach (var check in checks)
        {
            console.WriteLine($"  {check.Ok switch { true => "✓", false => "✗", null => "-" }} {check.Name}: {check.Detail}");
        }
    }

    /// <summary>The checks for <c>--json</c>: <c>[{"name", "ok", "detail"}]</c>.</summary>
    public static JsonArray ToJson(IEnumerable<Check> checks)
    {
        var array = new JsonArray();
        foreach (var check in checks)
        {
            array.Add(new JsonObject { ["name"] = check.Name, ["ok"] = check.Ok, ["detail"] = check.Detail });
        }

        return array;
    }

    private static string? DatabaseAdvice(Backend backend, Exception e) => (backend.Profile.Kind, e) switch
    {
        (ProfileKinds.Relay, HttpRequestException or TaskCanceledException) when backend.DatabaseUrl.IsLoopback =>
            "Start it with 'remotecam serve'.",
        (ProfileKinds.Relay, FirebaseException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden }) =>
            "Give the relay's admin key with 'remotecam init --relay URL --admin-key KEY' (the text of .auth/admin.key in the relay's data directory).",
        (ProfileKinds.Firebase, FirebaseException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden }) =>
            "Use a service-account key of this database's project (Firebase console → Project settings → Service accounts).",
        _ => null,
    };
}
