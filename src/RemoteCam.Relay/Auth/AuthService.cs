using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace RemoteCam.Relay.Auth;

/// <summary>Accounts, tokens, the admin key and the sign-up rate limit of one relay.</summary>
internal sealed class AuthService : IDisposable
{
    private readonly ConcurrentDictionary<IPAddress, SignUpWindow> _signUps = new();
    private readonly int _signUpsPerHour;
    private readonly byte[] _adminKey;

    private const string Folder = ".auth";
    private const string AdminKeyFile = "admin.key";

    public AuthService(string? dataDirectory, string projectId, bool acceptUnsignedTokens, int signUpsPerHourPerAddress)
    {
        var directory = dataDirectory is null ? null : Path.Combine(dataDirectory, Folder);
        Tokens = new TokenService(SecretFiles.LoadOrCreate(directory, "signing.key", 32), projectId, acceptUnsignedTokens);
        _adminKey = SecretFiles.LoadOrCreate(directory, AdminKeyFile, 32);
        Accounts = new AccountStore(directory);
        _signUpsPerHour = signUpsPerHourPerAddress;
    }

    public TokenService Tokens { get; }

    public AccountStore Accounts { get; }

    /// <summary>The admin key as clients send it (hex), for admin access from other machines.</summary>
    public string AdminKey => Convert.ToHexStringLower(_adminKey);

    /// <summary>Where the relay with this data directory keeps its admin key (hex, 0600), made on its first start.</summary>
    public static string AdminKeyPath(string dataDirectory) => Path.Combine(dataDirectory, Folder, AdminKeyFile);

    public bool IsAdminKey(string token) =>
        token.Length == _adminKey.Length * 2
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token), Encoding.ASCII.GetBytes(AdminKey));

    /// <summary>Firebase allows 100 new accounts per hour per IP address; so does the relay, except from loopback.</summary>
    public bool TryCountSignUp(IPAddress? address, long nowMs)
    {
        if (address is null || IPAddress.IsLoopback(address))
        {
            return true;
        }

        var window = _signUps.GetOrAdd(address, _ => new SignUpWindow());
        lock (window)
        {
            if (nowMs - window.StartMs >= 3_600_000)
            {
                window.StartMs = nowMs;
                window.Count = 0;
            }

            if (window.Count >= _signUpsPerHour)
            {
                return false;
            }

            window.Count++;
            return true;
        }
    }

    public void Dispose() => Accounts.Dispose();

    private sealed class SignUpWindow
    {
        public long StartMs { get; set; }

        public int Count { get; set; }
    }
}
