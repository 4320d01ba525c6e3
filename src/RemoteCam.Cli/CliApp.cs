using System.CommandLine;

using RemoteCam.Cli.Commands;

namespace RemoteCam.Cli;

/// <summary>Composes the commands; <c>Main</c> only calls this, and tests call it with their own writers.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("RemoteCam: turn old phones into home security cameras.")
        {
            ServeCommand.Create(output, error),
        };

        var parse = root.Parse(args);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }
}