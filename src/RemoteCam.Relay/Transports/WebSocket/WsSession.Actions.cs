using System.Text;
using System.Text.Json;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;
using RemoteCam.Relay.Engine;
using RemoteCam.Relay.Http;

namespace RemoteCam.Relay.Transports.WebSocket;

/// <summary>The requests (<c>{"t":"d","d":{"r":N,"a":action,"b":body}}</c>), one handler per action.</summary>
internal sealed partial class WsSession
{
    private const string PriorityKey = ".priority";

    /// <summary>The dispatch table. A request without a number is carried out and not answered.</summary>
    private bool TryRequest(JsonElement data, out string error)
    {
        error = "";
        if (!data.TryGetProperty("a", out var action) || action.ValueKind != JsonValueKind.String)
        {
            error = "Invalid message: a request needs an action (a).";
            return false;
        }

        long? r = data.TryGetProperty("r", out var number) && number.ValueKind == JsonValueKind.Number && number.TryGetInt64(out var n) ? n : null;
        var body = data.TryGetProperty("b", out var b) && b.ValueKind == JsonValueKind.Object ? b : default;
        CheckTokenExpiry();
        switch (action.GetString())
        {
            case "s": Reply(r, WsFrames.Ok); break; // client statistics
            case "auth": Auth(r, body, google: false); break;
            case "gauth": Auth(r, body, google: true); break;
            case "unauth": Unauth(r); break;
            case "q" or "l": Listen(r, body); break;
            case "n": Unlisten(r, body); break;
            case "p": Put(r, body); break;
            case "m": Merge(r, body); break;
            case "o": OnDisconnectPut(r, body); break;
            case "om": OnDisconnectMerge(r, body); break;
            case "oc": OnDisconnectCancel(r, body); break;
            case "g": Get(r, body); break;
            case "appcheck" or "unappeck": Reply(r, WsFrames.Ok); break; // App Check is not enforced
            case var other: Refuse(r, WsStatus.InvalidAction, $"Unknown action \"{other}\"."); break;
        }

        return true;
    }

    private void Reply(long? r, Func<long, byte[]> response)
    {
        if (r is { } request)
        {
            Outbox.TryEnqueue(response(request));
        }
    }

    private void Refuse(long? r, string status, string reason) => Reply(r, n => WsFrames.Refused(n, status, reason));

    /// <summary><c>auth {cred}</c> (an ID token) and <c>gauth {cred}</c> (owner or the admin key, optionally acting as <c>authvar</c>).</summary>
    private void Auth(long? r, JsonElement body, bool google)
    {
        var credential = Text(body, "cred");
        if (credential is null)
        {
            Refuse(r, WsStatus.InvalidToken, Errors.InvalidToken);
            return;
        }

        var who = _context.Authentication.IdentifyToken(credential, _context.OwnerAllowed, out var error);
        if (who is null)
        {
            Refuse(r, error == Errors.ExpiredToken ? WsStatus.ExpiredToken : WsStatus.InvalidToken, error);
            return;
        }

        if (google && who.IsAdmin)
        {
            if (body.TryGetProperty("authvar", out var authvar))
            {
                who = Authentication.ActingAs(authvar);
            }
            else if (body.TryGetProperty("noauth", out var noauth) && noauth.ValueKind == JsonValueKind.True)
            {
                who = Identity.Anonymous;
            }
        }

        ChangeIdentity(who);
        Reply(r, n => WsFrames.Response(n, WsStatus.Ok, w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("auth");
            if (who.Claims is { } claims)
            {
                claims.WriteTo(w);
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteNumber("expires", who.ExpiresAtSeconds);
            w.WriteEndObject();
        }));
    }

    private void Unauth(long? r)
    {
        ChangeIdentity(Identity.Anonymous);
        Reply(r, n => WsFrames.Response(n, WsStatus.Ok, w => w.WriteStringValue("unauthenticated")));
    }

    /// <summary><c>p {p, d, h?}</c>: set (with <c>h</c>, only if the current value's hash is <c>h</c>: a transaction).</summary>
    private void Put(long? r, JsonElement body)
    {
        if (!TryWritePath(r, body, out var path, out var priority) || !TryValue(r, body, path, out var value, out var json))
        {
            return;
        }

        WriteCommand command;
        if (priority)
        {
            using var document = JsonDocument.Parse(json);
            if (!JsonTree.TryPriority(document.RootElement, out var p))
            {
                Refuse(r, WsStatus.InvalidData, "Invalid priority: use a string, a number or null.");
                return;
            }

            command = new SetPriorityCommand(Who, path, p);
        }
        else
        {
            command = new SetCommand(Who, path, value, IfHash: Text(body, "h"));
        }

        _ = AnswerWriteAsync(r, Database.WriteAsync(command));
    }

    /// <summary><c>m {p, d:{relative/path: value, …}}</c>: a multi-path update.</summary>
    private void Merge(long? r, JsonElement body)
    {
        if (!TryWritePath(r, body, out var path, out _) || !TryChildren(r, body, path, out var children))
        {
            return;
        }

        if (children.Count == 0)
        {
            Reply(r, WsFrames.Ok);
            return;
        }

        _ = AnswerWriteAsync(r, Database.WriteAsync(new UpdateCommand(Who, path, children)));
    }

    /// <summary><c>g {p, q}</c>: a one-time read, with the query applied.</summary>
    private void Get(long? r, JsonElement body)
    {
        if (InfoPath(Text(body, "p")) is { } info)
        {
            // The SDKs keep /.info themselves, but get() asks the server: answered as REST answers /.info.json.
            var infoValue = Tree.Get(JsonTree.Parse($"{{\"connected\":true,\"serverTimeOffset\":0,\"database\":\"{Database.Name}\"}}"), info);
            Reply(r, n => WsFrames.Response(n, WsStatus.Ok, w => JsonTree.Write(w, infoValue, export: true)));
            return;
        }

        if (!TryReadPath(r, body, out var path) || !TryQuery(r, body, out var query, out _))
        {
            return;
        }

        var root = Database.Root;
        if (!Database.CanRead(Who, path, root, query))
        {
            Refuse(r, WsStatus.PermissionDenied, WsStatus.PermissionDeniedText);
            return;
        }

        var value = Tree.Get(root, path);
        if (query is not null)
        {
            value = QueryEngine.Apply(value, query);
        }

        Reply(r, n => WsFrames.Response(n, WsStatus.Ok, w => JsonTree.Write(w, value, export: true)));
    }

    /// <summary>Answers a write once it is durable; its listeners on this connection heard it before, as the SDKs expect.</summary>
    private async Task AnswerWriteAsync(long? r, Task<WriteOutcome> write)
    {
        var outcome = await write;
        switch (outcome.Status)
        {
            case WriteStatus.Ok:
                Reply(r, WsFrames.Ok);
                break;
            case WriteStatus.PermissionDenied:
                Refuse(r, WsStatus.PermissionDenied, WsStatus.PermissionDeniedText);
                break;
            case WriteStatus.PreconditionFailed:
                Refuse(r, WsStatus.DataStale, "The transaction's data is out of date (hash mismatch).");
                break;
            case WriteStatus.Invalid:
                Refuse(r, WsStatus.InvalidData, outcome.Error ?? Errors.InvalidJson);
                break;
            default:
                Refuse(r, WsStatus.Unavailable, outcome.Error ?? "The database is temporarily unavailable.");
                break;
        }
    }

    /// <summary>A readable path (<c>p</c>); <c>/.info</c> lives in the SDK, never on the server.</summary>
    private bool TryReadPath(long? r, JsonElement body, out DataPath path)
    {
        if (!DataPath.TryParse(Text(body, "p") ?? "", out path, out var error))
        {
            Refuse(r, WsStatus.InvalidData, error);
            return false;
        }

        return true;
    }

    /// <summary>A writable path; a last key <c>.priority</c> (the SDK's setPriority) sets the priority of its parent.</summary>
    private bool TryWritePath(long? r, JsonElement body, out DataPath path, out bool priority)
    {
        var text = (Text(body, "p") ?? "").TrimEnd('/');
        priority = text == PriorityKey || text.EndsWith("/" + PriorityKey, StringComparison.Ordinal);
        if (priority)
        {
            text = text[..^PriorityKey.Length];
        }

        if (!DataPath.TryParse(text, out path, out var error))
        {
            Refuse(r, WsStatus.InvalidData, error);
            return false;
        }

        if (path.Keys.Count > 0 && path.Keys[0] == ".info")
        {
            Refuse(r, WsStatus.InvalidData, Errors.InfoReadOnly);
            return false;
        }

        return true;
    }

    /// <summary>The data (<c>d</c>) of a set, checked as REST checks a PUT body.</summary>
    private bool TryValue(long? r, JsonElement body, DataPath path, out Node? value, out string json)
    {
        value = null;
        json = "null";
        if (!body.TryGetProperty("d", out var d))
        {
            Refuse(r, WsStatus.InvalidData, Errors.NoData);
            return false;
        }

        json = d.GetRawText();
        if (!JsonTree.TryConvert(d, path.Count, "", out value, out var error))
        {
            Refuse(r, WsStatus.InvalidData, error);
            return false;
        }

        return true;
    }

    /// <summary>The children (<c>d</c>) of a merge, checked as REST checks a PATCH body.</summary>
    private bool TryChildren(long? r, JsonElement body, DataPath path, out List<KeyValuePair<DataPath, Node?>> children)
    {
        children = [];
        if (!body.TryGetProperty("d", out var d) || d.ValueKind != JsonValueKind.Object)
        {
            Refuse(r, WsStatus.InvalidData, "Invalid data; a merge (m) needs an object of paths and values.");
            return false;
        }

        if (!PatchBody.TryParse(Encoding.UTF8.GetBytes(d.GetRawText()), path, out children, out var error))
        {
            Refuse(r, WsStatus.InvalidData, error);
            return false;
        }

        return true;
    }

    private bool TryQuery(long? r, JsonElement body, out QuerySpec? query, out string? queryJson)
    {
        JsonElement? q = body.TryGetProperty("q", out var element) ? element : null;
        queryJson = q is { ValueKind: JsonValueKind.Object or JsonValueKind.Array } raw ? raw.GetRawText() : null;
        if (!WsQuery.TryParse(q, out query, out var error))
        {
            Refuse(r, WsStatus.InvalidQuery, error);
            return false;
        }

        return true;
    }

    /// <summary>The path below <c>/.info</c>, or null when <paramref name="text"/> is not under it.</summary>
    private static DataPath? InfoPath(string? text)
    {
        var trimmed = (text ?? "").Trim('/');
        if (trimmed != ".info" && !trimmed.StartsWith(".info/", StringComparison.Ordinal))
        {
            return null;
        }

        return DataPath.TryParse(trimmed[".info".Length..], out var path, out _) ? path : DataPath.Root;
    }

    private static string? Text(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
