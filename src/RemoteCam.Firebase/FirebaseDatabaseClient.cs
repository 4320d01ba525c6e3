using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace RemoteCam.Firebase;

/// <summary>
/// A client for the Firebase Realtime Database REST and streaming protocol. Works with production
/// databases (<c>https://&lt;db&gt;.firebaseio.com</c>, <c>https://&lt;db&gt;.&lt;region&gt;.firebasedatabase.app</c>)
/// and with emulator-style servers (<c>http://127.0.0.1:9000/?ns=&lt;db&gt;</c>).
/// </summary>
/// <remarks>
/// Redirects (307) are followed by the client itself so that the credential is kept; .NET's automatic
/// redirect handling drops the <c>Authorization</c> header, so give bearer-token clients an
/// <see cref="HttpClient"/> whose handler has <c>AllowAutoRedirect = false</c>.
/// </remarks>
public sealed class FirebaseDatabaseClient
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };
    private static readonly KeyValuePair<string, string>[] Silent = [new("print", "silent")];

    private readonly HttpClient http;
    private readonly FirebaseUrl url;
    private readonly FirebaseDatabaseClientOptions options;

    /// <summary>Creates a client for the database at <paramref name="databaseUrl"/>.</summary>
    /// <param name="databaseUrl">The database root, optionally with <c>?ns=</c>.</param>
    /// <param name="httpClient">Shared HTTP client; the client never disposes it.</param>
    /// <param name="auth">The credential; <see cref="FirebaseAuth.None"/> when null.</param>
    /// <param name="options">Other settings.</param>
    public FirebaseDatabaseClient(Uri databaseUrl, HttpClient httpClient, FirebaseAuth? auth = null, FirebaseDatabaseClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        url = new FirebaseUrl(databaseUrl);
        DatabaseUrl = databaseUrl;
        http = httpClient;
        Auth = auth ?? FirebaseAuth.None;
        this.options = options ?? new FirebaseDatabaseClientOptions();
    }

    /// <inheritdoc cref="FirebaseDatabaseClient(Uri, HttpClient, FirebaseAuth?, FirebaseDatabaseClientOptions?)"/>
    public FirebaseDatabaseClient(string databaseUrl, HttpClient httpClient, FirebaseAuth? auth = null, FirebaseDatabaseClientOptions? options = null)
        : this(new Uri(databaseUrl ?? throw new ArgumentNullException(nameof(databaseUrl)), UriKind.Absolute), httpClient, auth, options)
    {
    }

    /// <summary>The database URL the client was created with.</summary>
    public Uri DatabaseUrl { get; }

    /// <summary>The <c>ns</c> parameter of <see cref="DatabaseUrl"/>, if any.</summary>
    public string? Namespace => url.Namespace;

    /// <summary>The credential sent with each request.</summary>
    public FirebaseAuth Auth { get; }

    /// <summary>Reads the value at <paramref name="path"/>; JSON null when there is none.</summary>
    public async Task<JsonElement> GetAsync(string path, QueryOptions? query = null, CancellationToken cancellationToken = default)
    {
        string json = await GetJsonAsync(path, query, cancellationToken).ConfigureAwait(false);
        return ParseElement(json);
    }

    /// <summary>Reads the value at <paramref name="path"/> and deserialises it; default when there is none.</summary>
    public async Task<T?> GetAsync<T>(string path, QueryOptions? query = null, CancellationToken cancellationToken = default)
    {
        string json = await GetJsonAsync(path, query, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize<T>(json, options.SerializerOptions);
    }

    /// <summary>Reads the value at <paramref name="path"/> as raw JSON text.</summary>
    public async Task<string> GetJsonAsync(string path, QueryOptions? query = null, CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, path, query?.ToParameters(), null, null, cancellationToken).ConfigureAwait(false);
        return await ReadSuccessAsync(response, HttpMethod.Get, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the value at <paramref name="path"/> with its ETag (<c>X-Firebase-ETag: true</c>).</summary>
    public async Task<ETaggedValue> GetWithETagAsync(string path, CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, path, null, null, RequestETag, cancellationToken).ConfigureAwait(false);
        string json = await ReadSuccessAsync(response, HttpMethod.Get, path, cancellationToken).ConfigureAwait(false);
        return new ETaggedValue(ParseElement(json), ReadETag(response, HttpMethod.Get, path));
    }

    /// <summary>Writes (replaces) the value at <paramref name="path"/> (PUT). Writing null deletes.</summary>
    public async Task SetAsync<T>(string path, T value, CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await SendAsync(
            HttpMethod.Put, path, options.SilentWrites ? Silent : null, Serialize(value), null, cancellationToken).ConfigureAwait(false);
        _ = await ReadSuccessAsync(response, HttpMethod.Put, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the value at <paramref name="path"/> only if its current ETag is <paramref name="etag"/>
    /// (PUT with <c>if-match</c>). A mismatch is not an exception: the result carries the current value and ETag.
    /// </summary>
    public Task<ConditionalWriteResult> SetIfMatchAsync<T>(string path, T value, string etag, CancellationToken cancellationToken = default) =>
        WriteIfMatchAsync(HttpMethod.Put, path, Serialize(value), etag, cancellationToken);

    /// <summary>Deletes the value at <paramref name="path"/> only if its current ETag is <paramref name="etag"/>.</summary>
    public Task<ConditionalWriteResult> DeleteIfMatchAsync(string path, string etag, CancellationToken cancellationToken = default) =>
        WriteIfMatchAsync(HttpMethod.Delete, path, null, etag, cancellationToken);

    /// <summary>Appends <paramref name="value"/> under a new, time-ordered key (POST) and returns that key.</summary>
    public async Task<string> PushAsync<T>(string path, T value, CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Post, path, null, Serialize(value), null, cancellationToken).ConfigureAwait(false);
        string json = await ReadSuccessAsync(response, HttpMethod.Post, path, cancellationToken).ConfigureAwait(false);
        JsonElement result = ParseElement(json);
        return result.ValueKind == JsonValueKind.Object
            && result.TryGetProperty("name", out JsonElement name)
            && name.ValueKind == JsonValueKind.String
            ? name.GetString()!
            : throw new FirebaseException(response.StatusCode, null, json, $"POST {path}: response has no \"name\": {json}");
    }

    /// <summary>
    /// Replaces the named children of <paramref name="path"/> (PATCH). <paramref name="values"/> must serialise to
    /// an object; its keys may be slash paths for a multi-path update, and null values delete.
    /// </summary>
    public async Task UpdateAsync<T>(string path, T values, CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await SendAsync(
            HttpMethod.Patch, path, options.SilentWrites ? Silent : null, Serialize(values), null, cancellationToken).ConfigureAwait(false);
        _ = await ReadSuccessAsync(response, HttpMethod.Patch, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the value at <paramref name="path"/>.</summary>
    public async Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Delete, path, null, null, null, cancellationToken).ConfigureAwait(false);
        _ = await ReadSuccessAsync(response, HttpMethod.Delete, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams changes at <paramref name="path"/> (Server-Sent Events). The first event is a <see cref="PutEvent"/>
    /// at "/" with the whole current value. The sequence ends when the server closes the stream (after a
    /// <see cref="CancelEvent"/> or <see cref="AuthRevokedEvent"/>, or on shutdown); it does not reconnect —
    /// use <see cref="StartListener"/> for that.
    /// </summary>
    /// <exception cref="FirebaseException">The server refused the stream.</exception>
    public async IAsyncEnumerable<DatabaseEvent> ListenAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await SendAsync(
            HttpMethod.Get, path, null, null, static headers => headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream")),
            cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            _ = await ReadSuccessAsync(response, HttpMethod.Get, path, cancellationToken).ConfigureAwait(false);
        }

        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            SseParser<DatabaseEvent?> parser = SseParser.Create(stream, static (type, data) => DatabaseEvent.Parse(type, data));
            await foreach (SseItem<DatabaseEvent?> item in parser.EnumerateAsync(cancellationToken).ConfigureAwait(false))
            {
                if (item.Data is not null)
                {
                    yield return item.Data;
                }
            }
        }
    }

    /// <summary>
    /// Starts a <see cref="DatabaseListener"/> that keeps a local copy of the value at <paramref name="path"/>
    /// up to date and reconnects after errors. Dispose it to stop.
    /// </summary>
    public DatabaseListener StartListener(string path, DatabaseListenerOptions? listenerOptions = null) =>
        DatabaseListener.Start(this, path, listenerOptions ?? new DatabaseListenerOptions());

    private async Task<ConditionalWriteResult> WriteIfMatchAsync(
        HttpMethod method, string path, byte[]? body, string etag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        using HttpResponseMessage response = await SendAsync(
            method, path, null, body, headers => headers.TryAddWithoutValidation("if-match", etag), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            string current = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new ConditionalWriteResult(false, ParseElement(current), ReadETag(response, method, path));
        }

        string json = await ReadSuccessAsync(response, method, path, cancellationToken).ConfigureAwait(false);
        return new ConditionalWriteResult(true, ParseElement(json), ReadETag(response, method, path));
    }

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        string path,
        IEnumerable<KeyValuePair<string, string>>? parameters,
        byte[]? body,
        Action<HttpRequestHeaders>? configureHeaders,
        CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        string? token = await Auth.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        string? queryToken = Auth.Mode == FirebaseAuthMode.QueryParameter ? token : null;
        Uri uri = url.Build(path, parameters, queryToken);
        for (int redirects = 0; ; redirects++)
        {
            var request = new HttpRequestMessage(method, uri);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body) { Headers = { ContentType = JsonMediaType } };
            }

            if (Auth.Mode == FirebaseAuthMode.BearerHeader && token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            configureHeaders?.Invoke(request.Headers);
            HttpResponseMessage response = await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not Uri location || redirects >= options.MaxRedirects)
            {
                return response;
            }

            response.Dispose();
            uri = FirebaseUrl.ResolveRedirect(uri, location, queryToken);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.TemporaryRedirect
        or HttpStatusCode.PermanentRedirect or HttpStatusCode.Moved or HttpStatusCode.Found;

    private static void RequestETag(HttpRequestHeaders headers) => headers.Add("X-Firebase-ETag", "true");

    private static async Task<string> ReadSuccessAsync(HttpResponseMessage response, HttpMethod method, string path, CancellationToken cancellationToken)
    {
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? body
            : throw FirebaseException.FromResponse(method, FirebaseUrl.Normalize(path), response.StatusCode, body);
    }

    private static string ReadETag(HttpResponseMessage response, HttpMethod method, string path) =>
        response.Headers.NonValidated.TryGetValues("ETag", out HeaderStringValues values) && values.Count > 0
            ? values.First()
            : throw new FirebaseException(response.StatusCode, null, null, $"{method} {FirebaseUrl.Normalize(path)}: response has no ETag header");

    // print=silent answers 204 with an empty body; treat it like null.
    private static JsonElement ParseElement(string json) =>
        string.IsNullOrWhiteSpace(json) ? DatabaseEvent.NullElement : JsonSerializer.Deserialize<JsonElement>(json);

    private byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, options.SerializerOptions);
}
