using System.CommandLine;
using System.Net.Sockets;

using RemoteCam.Cli.Cli;
using RemoteCam.Relay;

namespace RemoteCam.Cli.Commands;

/// <summary><c>remotecam serve</c>: runs the embedded relay until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var output = console.Out;
        var host = new Option<string>("--host") { Description = "Address to listen on (0.0.0.0 for every IPv4 interface, * for every interface).", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int?>("--port") { Description = $"TCP port (default {ServeNetwork.DefaultPort}, {ServeNetwork.DefaultLanPort} with --lan; 0 picks a free one)." };
        var web = new Option<string?>("--web") { Description = "Folder of built pages to serve (default: the pages installed with remotecam)." };
        var lan = new Option<bool>("--lan")
        {
            Description = "Serve the phones on this network: HTTPS on every interface with a local certificate authority kept in DATA/.tls; plain HTTP stays on 127.0.0.1 (--local-port) for this machine's tools.",
        };
        var renewCa = new Option<bool>("--renew-ca")
        {
            Description = "With --lan: replace the local certificate authority in DATA/.tls by a new one (phones must then install the new CA and remove the old one).",
        };
        var localPort = new Option<int?>("--local-port") { Description = $"With --lan: the plain-HTTP port on 127.0.0.1 (default {ServeNetwork.DefaultPort}; 0 picks a free one)." };
        var data = new Option<string>("--data") { Description = "Data directory (created if missing).", DefaultValueFactory = _ => DefaultDataDirectory() };
        var rules = new Option<string?>("--rules")
        {
            Description = "Security rules file, reloaded when it changes (default: database.rules.json in the current folder, when present).",
        };
        var storageRules = new Option<string?>("--storage-rules")
        {
            Description = "Storage rules file for clips kept on the relay, reloaded when it changes (default: storage.rules in the current folder, when present; without one, only the admin may use storage).",
        };
        var storageBucket = new Option<string>("--storage-bucket")
        {
            Description = "The bucket the pages are told to use for clips kept on the relay.",
            DefaultValueFactory = _ => "demo-remotecam.appspot.com",
        };
        storageBucket.Validators.Add(r =>
        {
            if (!RelayServer.IsValidBucketName(r.GetValueOrDefault<string>() ?? ""))
            {
                r.AddError("--storage-bucket must be a bucket name: 3 to 63 lowercase letters, digits, dots, dashes and underscores.");
            }
        });
        var acceptUnsigned = new Option<bool>("--accept-unsigned-tokens")
        {
            Description = "Emulator compatibility: accept unsigned (alg: none) ID tokens, as Firebase's emulators do. Anyone who can reach the relay can then claim any user id: for tools and tests only.",
        };
        var snapshotAfter = new Option<long>("--snapshot-after")
        {
            Description = "Journal bytes after which a snapshot is taken (bounds restart time).",
            DefaultValueFactory = _ => 64L * 1024 * 1024,
            Hidden = true,
        };
        snapshotAfter.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() < 1)
            {
                r.AddError("--snapshot-after must be a positive number of bytes.");
            }
        });
        foreach (var option in new[] { port, localPort })
        {
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int?>() is < 0 or > 65535)
                {
                    r.AddError($"{r.Option.Name} must be between 0 and 65535.");
                }
            });
        }

        var command = new Command("serve", "Run the embedded relay (Firebase Realtime Database protocol) and the pages until Ctrl+C.")
        {
            host, port, data, rules, storageRules, storageBucket, acceptUnsigned, snapshotAfter, web, lan, localPort, renewCa,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(lan) && r.GetResult(host) is { Implicit: false })
            {
                r.AddError("--lan listens on every interface; leave out --host.");
            }

            if (!r.GetValue(lan) && r.GetResult(localPort) is { Implicit: false })
            {
                r.AddError("--local-port only applies with --lan.");
            }

            if (!r.GetValue(lan) && r.GetValue(renewCa))
            {
                r.AddError("--renew-ca only applies with --lan.");
            }

            if (r.GetValue(lan) && r.GetValue(port) is { } p && p != 0 && p == (r.GetValue(localPort) ?? ServeNetwork.DefaultPort))
            {
                r.AddError("--port and --local-port must differ.");
            }
        });

        var room = ServeRoom.AddOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var rulesFile = parse.GetValue(rules);
            if (rulesFile is null && File.Exists("database.rules.json"))
            {
                rulesFile = "database.rules.json";
            }
            else if (rulesFile is not null && !File.Exists(rulesFile))
            {
                return console.Fail($"the rules file {rulesFile} does not exist.");
            }

            var storageRulesFile = parse.GetValue(storageRules);
            if (storageRulesFile is null && File.Exists("storage.rules"))
            {
                storageRulesFile = "storage.rules";
            }
            else if (storageRulesFile is not null && !File.Exists(storageRulesFile))
            {
                return console.Fail($"the storage rules file {storageRulesFile} does not exist.");
            }

            var webRoot = parse.GetValue(web) ?? ServeNetwork.InstalledPages();
            if (webRoot is not null && !Directory.Exists(webRoot))
            {
                return console.Fail($"the pages folder {webRoot} does not exist.");
            }

            var onLan = parse.GetValue(lan);
            var dataDirectory = parse.GetValue(data)!;
            Relay.Tls.LanCertificates.Result? tls = null;
            if (onLan)
            {
                try
                {
                    tls = ServeNetwork.Certificates(dataDirectory, parse.GetValue(renewCa));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
                {
                    return console.Fail($"cannot prepare the HTTPS certificate in {ServeNetwork.TlsDirectory(dataDirectory)}: {e.Message}");
                }
            }

            var options = new RelayOptions
            {
                RulesFile = rulesFile,
                StorageRulesFile = storageRulesFile,
                StorageBucket = parse.GetValue(storageBucket)!,
                AcceptUnsignedTokens = parse.GetValue(acceptUnsigned),
                Host = onLan ? "*" : parse.GetValue(host)!,
                Port = parse.GetValue(port) ?? (onLan ? ServeNetwork.DefaultLanPort : ServeNetwork.DefaultPort),
                DataDirectory = dataDirectory,
                SnapshotAfterBytes = parse.GetValue(snapshotAfter),
                WebRoot = webRoot,
                Certificate = tls?.Server,
                CertificateAuthority = tls?.Authority,
                LoopbackHttpPort = onLan ? parse.GetValue(localPort) ?? ServeNetwork.DefaultPort : null,
                Log = output,
            };
            RelayServer relay;
            try
            {
                relay = await RelayServer.StartAsync(options, cancellationToken);
            }
            catch (IOException e) when (e.InnerException is SocketException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                return console.Fail(options.LoopbackHttpPort is { } local
                    ? $"cannot listen on port {options.Port} or on 127.0.0.1:{local}: a port is in use. Pick others with --port and --local-port."
                    : $"cannot listen on {options.Host}:{options.Port}: the port is in use. Pick another with --port.");
            }
            catch (IOException e)
            {
                return console.Fail(e.Message);
            }
            catch (InvalidDataException e)
            {
                return console.Fail(e.Message);
            }
            catch (FormatException)
            {
                return console.Fail($"--host must be an IP address, localhost, 0.0.0.0 or * (got \"{options.Host}\").", ExitCodes.Usage);
            }

            await using (relay)
            {
                await output.WriteLineAsync($"Data directory: {Path.GetFullPath(options.DataDirectory!)}");
                await ServeNetwork.PrintAsync(output, relay, options, tls);
                if (options.AcceptUnsignedTokens)
                {
                    await output.WriteLineAsync("Warning: unsigned ID tokens are accepted (--accept-unsigned-tokens): any client can claim any user id.");
                }

                await output.WriteLineAsync(rulesFile is null
                    ? "No rules file: every client may read and write everything (as the Firebase emulator without rules)."
                    : $"Security rules: {Path.GetFullPath(rulesFile)} (reloaded when it changes)");
                await output.WriteLineAsync(storageRulesFile is null
                    ? "No storage rules file: only the admin may store or read clips on the relay (pass --storage-rules storage.rules)."
                    : $"Storage rules: {Path.GetFullPath(storageRulesFile)} (reloaded when it changes)");
                if (rulesFile is null && onLan)
                {
                    await output.WriteLineAsync("Warning: no rules file and --lan: every device on this network may read and write everything.");
                }

                // Invitations point where phones open the pages: the LAN HTTPS address under --lan.
                var pagesUrl = relay.PublicUrl;
                await ServeRoom.ShowAsync(parse, room, relay, pagesUrl, options.DataDirectory!, global, console, cancellationToken);
                if (pagesUrl.IsLoopback)
                {
                    await output.WriteLineAsync("These addresses work in browsers on this machine only. For phones on your network, run 'remotecam serve --lan' (HTTPS; see docs/lan.md).");
                }

                await output.WriteLineAsync("Press Ctrl+C to stop.");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    await output.WriteLineAsync("Stopping…");
                }
            }

            await output.WriteLineAsync("Stopped.");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Per-user data folder (XDG on Linux), so the relay keeps its data across runs.</summary>
    internal static string DefaultDataDirectory() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "remotecam", "relay");
}
