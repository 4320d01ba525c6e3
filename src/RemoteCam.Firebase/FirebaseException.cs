using System.Net;
using System.Text.Json;

namespace RemoteCam.Firebase;

/// <summary>A request to the database was answered with a non-success status.</summary>
public sealed class FirebaseException : Exception
{
    /// <summary>Creates an exception for a failed request.</summary>
    public FirebaseException(HttpStatusCode statusCode, string? serverMessage, string? responseBody, string? message = null)
        : base(message ?? $"Firebase request failed with {(int)statusCode} {statusCode}: {serverMessage ?? "(no error message)"}")
    {
        StatusCode = statusCode;
        ServerMessage = serverMessage;
        ResponseBody = responseBody;
    }

    /// <summary>The HTTP status of the response (200 for a <c>cancel</c> or <c>auth_revoked</c> event inside an open stream).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The <c>error</c> field of the server's <c>{"error": "..."}</c> body, when present.</summary>
    public string? ServerMessage { get; }

    /// <summary>The raw response body.</summary>
    public string? ResponseBody { get; }

    internal static FirebaseException FromResponse(HttpMethod method, string path, HttpStatusCode status, string body)
    {
        string? serverMessage = TryReadError(body);
        return new FirebaseException(
            status,
            serverMessage,
            body,
            $"{method} {path} failed with {(int)status} {status}: {serverMessage ?? Describe(body)}");
    }

    private static string Describe(string body) =>
        body.Length == 0 ? "(empty body)" : body.Length <= 200 ? body : string.Concat(body.AsSpan(0, 200), "…");

    private static string? TryReadError(string body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out JsonElement error)
                && error.ValueKind == JsonValueKind.String
                ? error.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
