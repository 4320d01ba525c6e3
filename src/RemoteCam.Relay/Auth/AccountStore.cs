using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Relay.Auth;

/// <summary>
/// Anonymous accounts and their refresh tokens. Only a hash of each refresh token is kept. Kept
/// in an append-only JSON-lines file (fsynced per sign-up) so devices stay signed in across
/// relay restarts; in memory when the relay has no data directory.
/// </summary>
internal sealed class AccountStore : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Account> _byUid = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _uidByRefreshHash = new(StringComparer.Ordinal);
    private readonly FileStream? _file;

    public AccountStore(string? directory)
    {
        if (directory is null)
        {
            return;
        }

        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "accounts.jsonl");
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        _file = new FileStream(path, options);
        Load();
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byUid.Count;
            }
        }
    }

    public (Account Account, string RefreshToken) CreateAnonymous(long nowMs)
    {
        var uid = NewUid();
        var refresh = TokenService.Base64Url(RandomNumberGenerator.GetBytes(48));
        var account = new Account(uid, "anonymous", nowMs);
        lock (_gate)
        {
            Append(new Line(uid, "anonymous", nowMs, Hash(refresh)));
            _byUid[uid] = account;
            _uidByRefreshHash[Hash(refresh)] = uid;
        }

        return (account, refresh);
    }

    public Account? FindByRefreshToken(string refreshToken)
    {
        lock (_gate)
        {
            return _uidByRefreshHash.TryGetValue(Hash(refreshToken), out var uid) && _byUid.TryGetValue(uid, out var account) ? account : null;
        }
    }

    public Account? FindByUid(string uid)
    {
        lock (_gate)
        {
            return _byUid.GetValueOrDefault(uid);
        }
    }

    /// <summary>Deletes an account (<c>accounts:delete</c>): its refresh tokens stop working; false if there was none.</summary>
    public bool Delete(string uid)
    {
        lock (_gate)
        {
            if (!_byUid.TryGetValue(uid, out var account))
            {
                return false;
            }

            Append(new Line(uid, account.Provider, account.CreatedMs, "", Deleted: true));
            Forget(uid);
            return true;
        }
    }

    public bool RefreshTokenExists(string refreshToken)
    {
        lock (_gate)
        {
            return _uidByRefreshHash.ContainsKey(Hash(refreshToken));
        }
    }

    /// <summary>28 characters from the same alphabet as Firebase uids.</summary>
    private static string NewUid()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return RandomNumberGenerator.GetString(alphabet, 28);
    }

    private static string Hash(string refreshToken) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));

    private void Load()
    {
        using var reader = new StreamReader(_file!, Encoding.UTF8, leaveOpen: true);
        var goodLength = 0L;
        while (reader.ReadLine() is { } text)
        {
            try
            {
                var line = JsonSerializer.Deserialize<Line>(text);
                if (line is null)
                {
                    break;
                }

                if (line.Deleted)
                {
                    Forget(line.Uid);
                }
                else
                {
                    _byUid[line.Uid] = new Account(line.Uid, line.Provider, line.Created);
                    _uidByRefreshHash[line.RefreshHash] = line.Uid;
                }

                goodLength += Encoding.UTF8.GetByteCount(text) + 1;
            }
            catch (JsonException)
            {
                // A torn last line from a crash: that sign-up was never acknowledged.
                break;
            }
        }

        _file!.SetLength(goodLength);
        _file.Position = goodLength;
    }

    private void Forget(string uid)
    {
        _byUid.Remove(uid);
        foreach (var hash in _uidByRefreshHash.Where(p => p.Value == uid).Select(p => p.Key).ToList())
        {
            _uidByRefreshHash.Remove(hash);
        }
    }

    private void Append(Line line)
    {
        if (_file is null)
        {
            return;
        }

        _file.Write(JsonSerializer.SerializeToUtf8Bytes(line));
        _file.WriteByte((byte)'\n');
        _file.Flush(flushToDisk: true);
    }

    public void Dispose() => _file?.Dispose();

    private sealed record Line(string Uid, string Provider, long Created, string RefreshHash, bool Deleted = false);
}

internal sealed record Account(string Uid, string Provider, long CreatedMs);
