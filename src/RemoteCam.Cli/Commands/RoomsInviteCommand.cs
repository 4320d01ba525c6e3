using System.CommandLine;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Rooms;

namespace RemoteCam.Cli.Commands;

/// <summary><c>remotecam rooms invite ROOM --role camera|viewer [--png FILE] [--svg FILE] [--light]</c>.</summary>
internal static class RoomsInviteCommand
{
    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var room = RoomsCommand.RoomArgument();
        var role = new Option<string>("--role")
        {
            Description = "Who the invitation is for: camera or viewer.",
            Required = true,
        };
        role.AcceptOnlyFromAmong(Pairing.Camera, Pairing.Viewer);
        var png = new Option<string?>("--png") { Description = "Also write the QR code as a PNG image to FILE." };
        var svg = new Option<string?>("--svg") { Description = "Also write the QR code as an SVG image to FILE." };
        var light = LightOption();
        var command = new Command("invite", "Print a room's camera or viewer invitation: its URL and a QR code to scan with the phone.") { room, role, png, svg, light };
        command.SetAction((parse, cancellationToken) => RoomsCommand.RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            var who = parse.GetValue(role)!;
            if (await context.MetaAsync(id, cancellationToken) is null)
            {
                return context.UnknownRoom(id);
            }

            var stored = RoomSecretsFile.Load(context.SecretsFile(id));
            if (stored.Pending is not null)
            {
                return console.Fail($"a rotation of room {id} did not finish, so no invitation is sure to work; "
                    + $"run 'remotecam rooms rotate {id}' to finish it.");
            }

            if (stored.Current is not { } secrets)
            {
                return console.Fail($"this machine has no invitation secrets for room {id} (profile '{context.Backend.Name}'); "
                    + $"run 'remotecam rooms rotate {id}' to make new ones (devices already paired must then pair again).");
            }

            if (context.InvitationBase is not { } baseUrl)
            {
                return console.Fail(RoomsCommand.NoBaseMessage(context.Backend));
            }

            var url = secrets.Invitation(id, who).ToUrl(baseUrl);
            var written = new JsonArray();
            foreach (var (path, write) in new (string?, Action<string>)[]
            {
                (parse.GetValue(png), p => OwnerOnlyFile.WriteBytes(p, QrRendering.Png(url))),
                (parse.GetValue(svg), p => OwnerOnlyFile.WriteBytes(p, System.Text.Encoding.UTF8.GetBytes(QrRendering.Svg(url)))),
            })
            {
                if (path is null)
                {
                    continue;
                }

                try
                {
                    write(path);
                    written.Add(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return console.Fail($"cannot write {path}: {e.Message}");
                }
            }

            return context.Result(new JsonObject { ["room"] = id, ["role"] = who, ["url"] = url, ["files"] = written }, () =>
            {
                console.WriteLine($"{char.ToUpperInvariant(who[0])}{who[1..]} invitation for room {id}:");
                console.WriteLine(url);
                console.WriteLine("");
                console.Out.Write(QrRendering.Terminal(url, IsLight(parse, light, global)));
                console.WriteLine("");
                foreach (var path in written)
                {
                    console.WriteLine($"QR code written to {path}.");
                }

                console.WriteLine(RoomsCommand.KeyWarning);
            });
        }));
        return command;
    }

    /// <summary><c>--light</c>, shared with <c>serve</c>: draw terminal QR codes for dark text on a light background.</summary>
    public static Option<bool> LightOption() => new("--light")
    {
        Description = "Draw the terminal QR code for a light terminal theme (dark text on a light background). "
            + "Default: from COLORFGBG when the terminal sets it, else a dark theme.",
    };

    /// <summary><c>--light</c> when given, else what <c>COLORFGBG</c> says, else dark.</summary>
    public static bool IsLight(ParseResult parse, Option<bool> light, GlobalOptions global) =>
        parse.GetValue(light) || (QrRendering.LightBackground(global.Environment("COLORFGBG")) ?? false);
}
