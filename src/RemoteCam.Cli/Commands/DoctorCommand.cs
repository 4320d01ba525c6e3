using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Profiles;
using RemoteCam.Relay;

namespace RemoteCam.Cli.Commands;

/// <summary>
/// <c>remotecam doctor</c>: checks everything a working set-up needs, one line each with a fix:
/// configuration, database, clock, rules, anonymous sign-in, pages. Exit 0 when nothing failed.
/// </summary>
internal static class DoctorCommand
{
    /// <summary>Clock skew beyond which ID tokens and Google's token exchange start failing in confusing ways.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromSeconds(30);

    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var rules = new Option<string?>("--rules")
        {
            Description = "The rules file the rules in force should equal (default: database.rules.json in the current folder, when present).",
        };
        var command = new Command("doctor", "Check the set-up: configuration, database, clock, rules, anonymous sign-in and the pages; each failure says how to fix it.") { rules };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var json = parse.GetValue(global.Json);
            var rulesFile = parse.GetValue(rules) ?? (File.Exists("database.rules.json") ? "database.rules.json" : null);
            var store = global.Profiles;
            var checks = new List<Check>();
            string? name = null;
            Profile? profile = null;
            if (!store.TryResolve(parse.GetValue(global.Profile), out var resolvedName, out var resolved, out var error))
            {
                checks.Add(new Check("configuration", false, $"{error} Run 'remotecam init' to make one."));
            }
            else
            {
                (name, profile) = (resolvedName, resolved);
                checks.Add(Configuration(store, name, profile));
                if (!Backend.TryCreate(name, profile, out var backend, out var backendError))
                {
                    checks.Add(new Check("database", false, $"{backendError} Fix it with 'remotecam init'."));
                }
                else
                {
                    using (backend)
                    {
                        await RunChecksAsync(backend!, rulesFile, checks, cancellationToken);
                    }
                }
            }

            var ok = SetupChecks.AllOk(checks);
            if (json)
            {
                console.WriteJson(new JsonObject { ["profile"] = name, ["kind"] = profile?.Kind, ["location"] = profile?.Location, ["ok"] = ok, ["checks"] = SetupChecks.ToJson(checks) });
            }
            else
            {
                console.WriteLine(name is null ? "Checking the set-up:" : $"Checking profile '{name}' ({profile!.Kind}, {profile.Location}):");
                SetupChecks.WriteLines(console, checks);
            }

            return ok ? ExitCodes.Ok : console.Fail("some checks failed: fix what is marked ✗, then run 'remotecam doctor' again.");
        });
        return command;
    }

    private static async Task RunChecksAsync(Backend backend, string? rulesFile, List<Check> checks, CancellationToken cancellationToken)
    {
        var unreachable = false;
        try
        {
            var (server, local) = await backend.GetClocksAsync(cancellationToken);
            checks.Add(SetupChecks.DatabaseAnswered(backend));
            checks.Add(Clock(server, local));
            checks.Add(await RulesAsync(backend, rulesFile, cancellationToken));
        }
        catch (Exception e) when (SetupChecks.IsExpected(e))
        {
            unreachable = SetupChecks.IsUnreachable(e);
            checks.Add(SetupChecks.DatabaseFailed(backend, e, "Check the profile with 'remotecam init'."));
            checks.Add(SetupChecks.Skipped("clock", "the database did not answer."));
            checks.Add(SetupChecks.Skipped("rules", "the database did not answer."));
        }

        checks.Add(await SetupChecks.SignInAsync(backend, unreachable, cancellationToken));
        checks.Add(await PagesAsync(backend, cancellationToken));
    }

    /// <summary>The profile, and that the files holding keys or secrets are readable and owner-only.</summary>
    private static Check Configuration(ProfileStore store, string name, Profile profile)
    {
        var problems = new List<string>();
        var notes = new List<string> { $"profile '{name}' ({profile.Kind}, {profile.Location})" };
        void OwnerOnly(string path, string what)
        {
            if (OperatingSystem.IsWindows() || !Path.Exists(path))
            {
                return;
            }

            var mode = File.GetUnixFileMode(path);
            if ((mode & GroupOrOther) != 0)
            {
                problems.Add($"{what} {path} can be read by other users: run 'chmod {(Directory.Exists(path) ? "700" : "600")} {path}'");
            }
        }

        if (File.Exists(store.FilePath))
        {
            notes.Add($"config {store.FilePath}");
            OwnerOnly(store.FilePath, "the config file");
        }
        else
        {
            notes.Add("no config file (the built-in local relay)");
        }

        var secrets = Path.Combine(store.Directory, "rooms");
        if (Directory.Exists(secrets))
        {
            OwnerOnly(store.Directory, "the config folder");
            var files = Directory.EnumerateFiles(secrets, "*.json", SearchOption.AllDirectories).ToList();
            foreach (var folder in Directory.EnumerateDirectories(secrets).Prepend(secrets))
            {
                OwnerOnly(folder, "the room secrets folder");
            }

            foreach (var file in files)
            {
                OwnerOnly(file, "the room secrets file");
                try
                {
                    using var stream = File.OpenRead(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    problems.Add($"cannot read {file} ({e.Message})");
                }
            }

            notes.Add($"{files.Count} room secrets file{(files.Count == 1 ? "" : "s")}");
        }

        if (profile.Kind == ProfileKinds.Firebase && profile.Credentials is { } credentials)
        {
            if (!ServiceAccount.TryValidate(credentials, out _, out var error))
            {
                problems.Add(error!);
            }

            OwnerOnly(credentials, "the service-account key");
        }

        if (profile.Kind == ProfileKinds.Relay && profile.AdminKey is null && profile.DataDirectory is { } data)
        {
            var key = RelayServer.AdminKeyPath(data);
            if (!File.Exists(key))
            {
                notes.Add($"no admin key at {key} yet (the relay makes it at its first start; the loopback owner token is used meanwhile)");
            }
        }

        return problems.Count == 0
            ? new Check("configuration", true, string.Join("; ", notes) + "; files holding keys are owner-only.")
            : new Check("configuration", false, string.Join("; ", problems) + ".");
    }

    /// <summary>Whether this machine's clock is within <see cref="MaxSkew"/> of the server's.</summary>
    internal static Check Clock(DateTimeOffset server, DateTimeOffset local)
    {
        var skew = local - server;
        var seconds = Math.Abs(skew.TotalSeconds);
        var direction = skew > TimeSpan.Zero ? "ahead of" : "behind";
        return skew.Duration() <= MaxSkew
            ? new Check("clock", true, $"this machine's clock is within {Math.Ceiling(seconds):0} s of the server's.")
            : new Check("clock", false, $"this machine's clock is {seconds:0} s {direction} the server's (more than {MaxSkew.TotalSeconds:0} s): "
                + "sign-in tokens and credentials may be refused. Turn on network time (e.g. 'timedatectl set-ntp true').");
    }

    private static async Task<Check> RulesAsync(Backend backend, string? rulesFile, CancellationToken cancellationToken)
    {
        if (rulesFile is null)
        {
            return new Check("rules", null, "not compared: no database.rules.json here; give the file with --rules.");
        }

        JsonDocument local;
        try
        {
            local = JsonDocument.Parse(await File.ReadAllTextAsync(rulesFile, cancellationToken), Lenient);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return new Check("rules", false, $"cannot read {rulesFile}: {e.Message} Check it with 'remotecam rules check {rulesFile}'.");
        }

        using (local)
        {
            try
            {
                using var inForce = JsonDocument.Parse(await backend.GetRulesAsync(cancellationToken), Lenient);
                return JsonElement.DeepEquals(local.RootElement, inForce.RootElement)
                    ? new Check("rules", true, $"the rules in force are those of {rulesFile}.")
                    : new Check("rules", false, $"the rules in force differ from {rulesFile}: deploy it with 'remotecam rules deploy {rulesFile}'.");
            }
            catch (JsonException e)
            {
                return new Check("rules", false, $"the rules in force are not JSON ({e.Message}): deploy yours with 'remotecam rules deploy {rulesFile}'.");
            }
            catch (Exception e) when (SetupChecks.IsExpected(e))
            {
                return new Check("rules", false, $"cannot read the rules in force: {Backend.Describe(e, backend.DatabaseUrl)}");
            }
        }
    }

    /// <summary>The pages: <c>/</c> and <c>/__/firebase/init.json</c> answer at the hosting (or relay) URL, and init.json names this database.</summary>
    private static async Task<Check> PagesAsync(Backend backend, CancellationToken cancellationToken)
    {
        var baseText = backend.Profile.Kind == ProfileKinds.Relay ? backend.Profile.Url : backend.Profile.HostingUrl;
        if (baseText is not { Length: > 0 } || !Uri.TryCreate(baseText.EndsWith('/') ? baseText : baseText + "/", UriKind.Absolute, out var pages))
        {
            return new Check("pages", null, "not checked: the profile has no hosting URL; run 'remotecam init' again with --hosting-url.");
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var fix = backend.Profile.Kind == ProfileKinds.Relay
            ? "make the relay serve them (see 'remotecam serve --help')"
            : "deploy them with 'firebase deploy --only hosting'";
        try
        {
            using (var index = await http.GetAsync(pages, cancellationToken))
            {
                if (!index.IsSuccessStatusCode)
                {
                    return new Check("pages", false, $"{pages} answers {(int)index.StatusCode} {index.StatusCode}: the pages are not served there; {fix}.");
                }
            }

            var initUrl = new Uri(pages, "__/firebase/init.json");
            using var init = await http.GetAsync(initUrl, cancellationToken);
            if (!init.IsSuccessStatusCode)
            {
                return new Check("pages", false, $"{initUrl} answers {(int)init.StatusCode} {init.StatusCode}: the pages cannot find their backend; {fix}.");
            }

            using var document = JsonDocument.Parse(await init.Content.ReadAsStringAsync(cancellationToken));
            var databaseUrl = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("databaseURL", out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return SameDatabase(databaseUrl, backend.DatabaseUrl)
                ? new Check("pages", true, $"{pages} serves the pages, and its init.json names this database.")
                : new Check("pages", false, $"{initUrl} names the database {databaseUrl ?? "(none)"}, not {backend.DatabaseUrl}: "
                    + "the pages would use another database; deploy the hosting of this project, or fix --hosting-url with 'remotecam init'.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Check("pages", false, $"{Backend.Describe(e, pages)} {fix}.");
        }
        catch (JsonException)
        {
            return new Check("pages", false, $"{pages}__/firebase/init.json is not JSON; {fix}.");
        }
    }

    /// <summary>Same scheme, host, port and path, ignoring the query (<c>?ns=</c>) and a trailing slash.</summary>
    private static bool SameDatabase(string? url, Uri database) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && string.Equals(uri.GetLeftPart(UriPartial.Path).TrimEnd('/'), database.GetLeftPart(UriPartial.Path).TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
