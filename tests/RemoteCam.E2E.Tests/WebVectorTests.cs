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
    public Task The_pages_crypto_matches_the_documented_vectors_and_rejects_tampering() =>
        // Every documented check ran and passed.
        NodeScript.RunAsync("vectors.mjs", "proof test vector, camera", "proof test vector, viewer", "seal: any changed byte is rejected", "verification code");
}
