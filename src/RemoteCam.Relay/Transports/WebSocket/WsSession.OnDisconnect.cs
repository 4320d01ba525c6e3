using System.Text;
using System.Text.Json;

using RemoteCam.Relay.Data;
using RemoteCam.Relay.Engine;
using RemoteCam.Relay.Http;

namespace RemoteCam.Relay.Transports.WebSocket;

/// <summary>
/// onDisconnect (<c>o</c>, <c>om</c>, <c>oc</c>): operations the relay runs when the connection
/// ends (closed, dropped, silent past the ping timeout, or replaced by a reconnect naming it in
/// <c>ls</c>). As in Firebase, the rules are checked when an operation is queued and again when it
/// runs; each runs with the rights the session had when it was queued.
/// </summary>
internal sealed partial class WsSession
{
    private void OnDisconnectPut(long? r, JsonElement body)
    {
        if (!TryWritePath(r, body, out var path, out var priority) || !TryValue(r, body, path, out var value, out var json))
        {
            return;
        }

        if (priority)
        {
            Refuse(r, WsStatus.InvalidData, "onDisconnect cannot set a priority alone; set the value with its .priority.");
            return;
        }

        Queue(r, new OnDisconnectOp(OnDisconnectKind.Set, path, json, Who), new SetCommand(Who, path, value));
    }

    private void OnDisconnectMerge(long? r, JsonElement body)
    {
        if (!TryWritePath(r, body, out var path, out _) || !TryChildren(r, body, path, out var children))
        {
            return;
        }

        Queue(r, new OnDisconnectOp(OnDisconnectKind.Merge, path, body.GetProperty("d").GetRawText(), Who), new UpdateCommand(Who, path, children));
    }

    /// <summary><c>oc {p}</c>: drops the operations queued at this location and below it.</summary>
    private void OnDisconnectCancel(long? r, JsonElement body)
    {
        if (!TryWritePath(r, body, out var path, out _))
        {
            return;
        }

        _context.OnDisconnect.Cancel(Id, path);
        Reply(r, WsFrames.Ok);
    }

    /// <summary>Checks the operation against the data and rules now, then stores it durably before answering.</summary>
    private void Queue(long? r, OnDisconnectOp op, WriteCommand asNow)
    {
        var outcome = Database.Try(asNow);
        if (outcome.Status == WriteStatus.PermissionDenied)
        {
            Refuse(r, WsStatus.PermissionDenied, WsStatus.PermissionDeniedText);
            return;
        }

        try
        {
            _context.OnDisconnect.Add(Id, op);
        }
        catch (IOException e)
        {
            Refuse(r, WsStatus.Unavailable, "The operation could not be made durable: " + e.Message);
            return;
        }

        Reply(r, WsFrames.Ok);
    }

    private async Task RunOnDisconnectAsync()
    {
        var ops = _context.OnDisconnect.Take(Id);
        await RunAsync(Database, ops);
        if (ops.Count > 0)
        {
            _context.OnDisconnect.Done(Id);
        }
    }

    /// <summary>
    /// Runs operations in the order they were queued, server values resolved now, each with its
    /// queuer's rights checked again; one the rules now refuse is skipped. Completes when all are
    /// durable.
    /// </summary>
    public static async Task RunAsync(Database database, IReadOnlyList<OnDisconnectOp> ops)
    {
        var writes = new List<Task<WriteOutcome>>(ops.Count);
        foreach (var op in ops)
        {
            if (ToCommand(op) is { } command)
            {
                writes.Add(database.WriteAsync(command));
            }
        }

        await Task.WhenAll(writes);
    }

    private static WriteCommand? ToCommand(OnDisconnectOp op)
    {
        if (op.Kind == OnDisconnectKind.Merge)
        {
            return PatchBody.TryParse(Encoding.UTF8.GetBytes(op.Json), op.Path, out var children, out _) && children.Count > 0
                ? new UpdateCommand(op.Who, op.Path, children)
                : null;
        }

        return JsonTree.TryParse(Encoding.UTF8.GetBytes(op.Json), op.Path.Count, out var value, out _)
            ? new SetCommand(op.Who, op.Path, value)
            : null;
    }
}
