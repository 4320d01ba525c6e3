using System.Diagnostics;

using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// The pages' own crypto, run by Node on the pages' TypeScript modules (web/test/vectors.mjs):
/// the pairing proofs of docs/pairing.md's test vectors, invitation parsing, the sealed envelope
/// (round trip; a moved, altered or foreign message does not open) and the verification code.
/// </summary>
public sealed class WebVectorTests
{
    [Fact]
    public async Task The_pages_crypto_matches_the_documented_vectors_and_rejects_tampering()
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryRoot.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine("web", "test", "vectors.mjs"));
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start: install Node.js 20 (it builds the pages too)");
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        var text = await output + await errors;
        Assert.True(node.ExitCode == 0, text);
        // Every documented check ran and passed.
        foreach (var check in new[] { "proof test vector, camera", "proof test vector, viewer", "seal: any changed byte is rejected", "verification code" })
        {
            Assert.Contains("ok   " + check, text, StringComparison.Ordinal);
        }
    }
}
