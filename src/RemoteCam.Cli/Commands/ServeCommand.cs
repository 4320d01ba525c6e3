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
        var host = new Option<string>("--host") { Description = "Address to listen on (0.0.0.0 for every interface).", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port (0 picks a free one).", DefaultValueFactory = _ => 9000 };
        var data = new Option<string>("--data") { Description = "Data directory (created if missing).", DefaultValueFactory = _ => DefaultDataDirectory() };
        var rules = new Option<string?>("--rules")
        {
            Description = "Security rules file, reloaded when it changes (default: database.rules.json in the current folder, when present).",
        };
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
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                r.AddError("--port must be between 0 and 65535.");
            }
        });

        var command = new Command("serve", "Run the embedded relay (Firebase Realtime Database protocol) until Ctrl+C.") { host, port, data, rules, acceptUnsigned, snapshotAfter };
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

            var options = new RelayOptions
            {
                RulesFile = rulesFile,
                AcceptUnsignedTokens = parse.GetValue(acceptUnsigned),
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                DataDirectory = parse.GetValue(data),
                SnapshotAfterBytes = parse.GetValue(snapshotAfter),
                Log = output,
            };
            RelayServer relay;
            try
            {
                relay = await RelayServer.StartAsync(options, cancellationToken);
            }
            catch (IOException e) when (e.InnerException is SocketException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                return console.Fail($"cannot listen on {options.Host}:{options.Port}: the port is in use. Pick another with --port.");
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
                return console.Fail($"--host must be an IP address, localhost or 0.0.0.0 (got \"{options.Host}\").", ExitCodes.Usage);
            }

            await using (relay)
            {
                await output.WriteLineAsync($"Data directory: {Path.GetFullPath(options.DataDirectory!)}");
                if (options.AcceptUnsignedTokens)
                {
                    await output.WriteLineAsync("Warning: unsigned ID tokens are accepted (--accept-unsigned-tokens): any client can claim any user id.");
                }

                await output.WriteLineAsync(rulesFile is null
                    ? "No rules file: every client may read and write everything (as the Firebase emulator without rules)."
                    : $"Security rules: {Path.GetFullPath(rulesFile)} (reloaded when it changes)");
                // Invitations point where phones open the pages: the relay itself for now (LAN HTTPS swaps in its URL here).
                var pagesUrl = relay.Url;
                await ServeRoom.ShowAsync(parse, room, relay, pagesUrl, options.DataDirectory!, global, console, cancellationToken);
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
