using System.CommandLine;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Rooms;

namespace RemoteCam.Cli.Commands;

/// <summary>
/// <c>remotecam rooms invite ROOM --role camera|viewer [--name N] [--expires 10m] [--uses 1] [--room-wide] [--png FILE] [--svg FILE] [--light]</c>:
/// a new invitation of its own (docs/pairing.md "Invitations one by one"), or with <c>--room-wide</c> the room's standing one.
/// </summary>
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
        var name = new Option<string?>("--name") { Description = "A label for the invitation (e.g. who it is for, 1-40 characters), shown by 'rooms invitations'." };
        var expires = new Option<string?>("--expires")
        {
            Description = "How long the invitation can be used to join: a number and s, m, h or d (e.g. 10m, 24h, 7d; 1 min to 30 days). "
                + "Default: 24h for a viewer, 1h for a camera.",
        };
        var uses = new Option<int?>("--uses") { Description = $"How many devices can join with it (1-{RoomInvitations.MaxUses}). Default: 1." };
        var roomWide = new Option<bool>("--room-wide")
        {
            Description = "Print the room's standing invitation instead: it never expires, any number of devices can use it, "
                + "and only 'rooms rotate' cancels it (which makes every device pair again).",
        };
        var png = new Option<string?>("--png") { Description = "Also write the QR code as a PNG image to FILE." };
        var svg = new Option<string?>("--svg") { Description = "Also write the QR code as an SVG image to FILE." };
        var light = LightOption();
        var command = new Command(
            "invite",
            "Make an invitation for a camera or viewer: its URL and a QR code to scan with the phone. Each invitation is its own: "
            + "by default it lets one device join, within 24 h for a viewer and 1 h for a camera, and 'rooms invitations revoke' cancels it without rotating the room.")
        {
            room, role, name, expires, uses, roomWide, png, svg, light,
        };
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

            var wide = parse.GetValue(roomWide);
            var label = parse.GetValue(name);
            var lifetime = RoomInvitations.DefaultLifetime(who);
            if (parse.GetValue(expires) is { } text
                && (!RoomInvitations.TryParseLifetime(text, out lifetime) || lifetime < RoomInvitations.MinLifetime || lifetime > RoomInvitations.MaxLifetime))
            {
                return console.Fail($"--expires '{text}' is not a lifetime from 1 minute to 30 days: write a number and s, m, h or d (e.g. 10m, 24h, 7d).", ExitCodes.Usage);
            }

            var count = parse.GetValue(uses) ?? RoomInvitations.DefaultUses;
            if (count is < 1 or > RoomInvitations.MaxUses)
            {
                return console.Fail($"--uses {count}: an invitation lets 1 to {RoomInvitations.MaxUses} devices join.", ExitCodes.Usage);
            }

            if (label is not null && (label.Trim().Length == 0 || label.Length > 40))
            {
                return console.Fail("--name: a label of 1 to 40 characters.", ExitCodes.Usage);
            }

            if (wide && (label is not null || parse.GetValue(expires) is not null || parse.GetValue(uses) is not null))
            {
                return console.Fail("--room-wide prints the room's standing invitation, which has no name, expiry or use count.", ExitCodes.Usage);
            }

            var invitation = wide
                ? secrets.Invitation(id, who)
                : await RoomInvitations.CreateAsync(context.Database, id, secrets, who, lifetime, count, label, cancellationToken);
            var until = DateTimeOffset.UtcNow + lifetime;
            var url = invitation.ToUrl(baseUrl);
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

            var document = new JsonObject { ["room"] = id, ["role"] = who, ["url"] = url, ["files"] = written };
            if (!wide)
            {
                document["id"] = invitation.InviteId;
                document["name"] = label;
                document["uses"] = count;
                document["expires"] = until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            }

            return context.Result(document, () =>
            {
                var title = $"{char.ToUpperInvariant(who[0])}{who[1..]}";
                console.WriteLine(wide
                    ? $"{title} invitation for room {id} (room-wide: any number of devices, no expiry; 'rooms rotate {id}' cancels it):"
                    : $"{title} invitation {invitation.InviteId}{(label is null ? "" : $" ('{label}')")} for room {id}: "
                        + $"{(count == 1 ? "one device" : $"{count} devices")} can join with it within {RoomInvitations.Words(lifetime)} (until {document["expires"]}); "
                        + $"'remotecam rooms invitations revoke {id} {invitation.InviteId}' cancels it:");
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
