using System.CommandLine;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Profiles;
using RemoteCam.Firebase;

namespace RemoteCam.Cli.Commands;

/// <summary>
/// <c>remotecam init</c>: saves a backend profile (a Firebase project or a relay), then verifies
/// access and says what is missing. Without backend options it verifies the current profile.
/// </summary>
internal static class InitCommand
{
    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var databaseUrl = new Option<string?>("--database-url")
        {
            Description = "Firebase Realtime Database URL: https://<db>.firebaseio.com or https://<db>.<region>.firebasedatabase.app.",
        };
        var credentials = new Option<string?>("--credentials")
        {
            Description = "Service-account key file (JSON) of the Firebase project; its path is stored, not the key.",
        };
        var apiKey = new Option<string?>("--api-key") { Description = "The project's Web API key, to check anonymous sign-in." };
        var hostingUrl = new Option<string?>("--hosting-url") { Description = "Where the camera and viewer pages are hosted (https://<project>.web.app)." };
        var relay = new Option<string?>("--relay") { Description = "URL of a relay ('remotecam serve'), e.g. http://192.168.1.20:9000." };
        var adminKey = new Option<string?>("--admin-key")
        {
            Description = "The relay's admin key (the text of <data>/.auth/admin.key on the relay's machine); not needed for a relay on this machine.",
        };
        var data = new Option<string?>("--data") { Description = "Data directory of a relay on this machine, where its admin key is read (default: as 'remotecam serve')." };
        var list = new Option<bool>("--list") { Description = "List the profiles instead (as 'remotecam profiles')." };

        var command = new Command("init", "Save a backend profile and verify access (database, rules, anonymous sign-in); without options, verify the current profile.")
        {
            databaseUrl, credentials, apiKey, hostingUrl, relay, adminKey, data, list,
        };
        command.Validators.Add(result =>
        {
            bool Has(Option option) => result.GetResult(option) is not null;
            if (Has(databaseUrl) && Has(relay))
            {
                result.AddError("Use either --database-url (Firebase) or --relay, not both.");
            }
            else if (Has(databaseUrl) && !Has(credentials))
            {
                result.AddError("--database-url needs --credentials (a service-account key file).");
            }
            else if (!Has(databaseUrl) && (Has(credentials) || Has(apiKey) || Has(hostingUrl)))
            {
                result.AddError("--credentials, --api-key and --hosting-url go with --database-url.");
            }
            else if (!Has(relay) && (Has(adminKey) || Has(data)))
            {
                result.AddError("--admin-key and --data go with --relay.");
            }
            else if (result.GetValue(databaseUrl) is { } url && !DatabaseUrls.TryParseFirebase(url, out _, out var urlError))
            {
                result.AddError(urlError!);
            }
            else if (result.GetValue(relay) is { } relayUrl && !DatabaseUrls.TryParseRelay(relayUrl, out _, out var relayError))
            {
                result.AddError(relayError!);
            }
            else if (result.GetValue(hostingUrl) is { } hosting && !(Uri.TryCreate(hosting, UriKind.Absolute, out var h) && h.Scheme == Uri.UriSchemeHttps))
            {
                result.AddError($"--hosting-url must be an https URL (got \"{hosting}\").");
            }
        });

        command.SetAction(async (parse, cancellationToken) =>
        {
            var json = parse.GetValue(global.Json);
            if (parse.GetValue(list))
            {
                return ProfilesCommand.List(console, global, json);
            }

            Profile? profile = null;
            if (parse.GetValue(databaseUrl) is { } url)
            {
                DatabaseUrls.TryParseFirebase(url, out var parsed, out _);
                var path = Path.GetFullPath(parse.GetValue(credentials)!);
                if (!ServiceAccount.TryValidate(path, out _, out var credentialsError)
                    || !ServiceAccount.TryCreateTokenSource(path, out _, out credentialsError))
                {
                    return console.Fail(credentialsError!);
                }

                profile = new Profile
                {
                    Kind = ProfileKinds.Firebase,
                    DatabaseUrl = parsed!.ToString(),
                    Credentials = path,
                    ApiKey = parse.GetValue(apiKey),
                    HostingUrl = parse.GetValue(hostingUrl),
                };
            }
            else if (parse.GetValue(relay) is { } relayText)
            {
                DatabaseUrls.TryParseRelay(relayText, out var parsed, out _);
                var key = parse.GetValue(adminKey);
                var local = parsed!.IsLoopback;
                profile = new Profile
                {
                    Kind = ProfileKinds.Relay,
                    Url = parsed.ToString(),
                    AdminKey = key,
                    DataDirectory = key is null && local ? Path.GetFullPath(parse.GetValue(data) ?? ServeCommand.DefaultDataDirectory()) : null,
                };
            }

            var store = global.Profiles;
            string name;
            if (profile is not null)
            {
                name = parse.GetValue(global.Profile) ?? ProfileStore.DefaultName;
                if (!store.TryLoad(out var config, out var loadError))
                {
                    return console.Fail(loadError!);
                }

                config.Profiles[name] = profile;
                config.Current = name;
                try
                {
                    store.Save(config);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return console.Fail($"cannot save the profile in {store.FilePath}: {e.Message}");
                }

                if (!json)
                {
                    console.WriteLine($"Saved profile '{name}' ({profile.Kind}, {profile.Location}) in {store.FilePath}; it is now the current profile.");
                }
            }
            else if (!store.TryResolve(parse.GetValue(global.Profile), out name, out profile, out var resolveError))
            {
                return console.Fail(resolveError!);
            }

            if (!Backend.TryCreate(name, profile, out var backend, out var backendError))
            {
                return console.Fail(backendError!);
            }

            using (backend)
            {
                if (!json)
                {
                    console.WriteLine($"Checking profile '{name}' ({profile.Kind}, {profile.Location}):");
                }

                var checks = await VerifyAsync(backend!, cancellationToken);
                var ok = SetupChecks.AllOk(checks);
                if (json)
                {
                    console.WriteJson(new JsonObject
                    {
                        ["profile"] = name,
                        ["kind"] = profile.Kind,
                        ["location"] = profile.Location,
                        ["saved"] = parse.GetValue(databaseUrl) is not null || parse.GetValue(relay) is not null,
                        ["configFile"] = store.FilePath,
                        ["ok"] = ok,
                        ["checks"] = SetupChecks.ToJson(checks),
                    });
                }
                else
                {
                    SetupChecks.WriteLines(console, checks);
                }

                return ok ? ExitCodes.Ok : console.Fail($"profile '{name}' is not usable yet: fix what is marked ✗, then run 'remotecam init' again.");
            }
        });
        return command;
    }

    /// <summary>The database answers the admin credentials, the rules in force are readable, devices can sign in.</summary>
    internal static async Task<List<Check>> VerifyAsync(Backend backend, CancellationToken cancellationToken)
    {
        var checks = new List<Check>();
        try
        {
            await backend.Database.GetJsonAsync("/", new QueryOptions { Shallow = true }, cancellationToken);
            checks.Add(SetupChecks.DatabaseAnswered(backend));
            checks.Add(await SetupChecks.RulesReadableAsync(backend, cancellationToken));
            checks.Add(await SetupChecks.SignInAsync(backend, cancellationToken));
        }
        catch (Exception e) when (SetupChecks.IsExpected(e))
        {
            checks.Add(SetupChecks.DatabaseFailed(backend, e));
            checks.Add(SetupChecks.Skipped("rules", "the database check failed."));
            // Anonymous sign-in does not need the admin credentials; on a relay it needs the relay to answer.
            checks.Add(await SetupChecks.SignInAsync(backend, SetupChecks.IsUnreachable(e), cancellationToken));
        }

        return checks;
    }
}
