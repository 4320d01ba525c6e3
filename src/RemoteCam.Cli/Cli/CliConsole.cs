using System.Text.Json;
using System.Text.Json.Nodes;

namespace RemoteCam.Cli.Cli;

/// <summary>
/// Where a command writes: normal output, and errors in one voice (<c>remotecam: …</c> on stderr).
/// Injected so tests read what a command printed.
/// </summary>
internal sealed class CliConsole(TextWriter output, TextWriter error)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Reports an error on stderr and returns <paramref name="exitCode"/>, so a command can <c>return console.Fail(…)</c>.</summary>
    public int Fail(string message, int exitCode = ExitCodes.Failure)
    {
        Error.WriteLine($"remotecam: {message}");
        return exitCode;
    }

    /// <summary>Writes one JSON document (the whole output of a command run with <c>--json</c>).</summary>
    public void WriteJson(JsonNode node) => Out.WriteLine(node.ToJsonString(Indented));

    /// <summary>
    /// The end of a successful command: the JSON document with <c>--json</c>, else the text for
    /// people. Returns <see cref="ExitCodes.Ok"/>, so a command can <c>return console.Result(…)</c>.
    /// </summary>
    public int Result(bool json, JsonNode document, Action text)
    {
        if (json)
        {
            WriteJson(document);
        }
        else
        {
            text();
        }

        return ExitCodes.Ok;
    }

    public void WriteLine(string line) => Out.WriteLine(line);
}
