using System.Net;
using System.Text;
using System.Text.Json;

using RemoteCam.Cli.Commands;
using RemoteCam.Cli.Profiles;

namespace RemoteCam.Cli.Tests;

/// <summary>
/// What init says when anonymous sign-in is refused as Firebase refuses it when the provider is
/// disabled (the relay always allows it, so the sign-up answer is replaced on the way back).
/// </summary>
public sealed class SignInCheckTests
{
    [Theory]
    [InlineData("OPERATION_NOT_ALLOWED", "anonymous sign-in is disabled: enable it in the Firebase console → Authentication → Sign-in method.")]
    [InlineData("API key not valid. Please pass a valid API key.", "the API key was refused")]
    public async Task A_refused_sign_up_says_what_to_do(string googleMessage, string expected)
    {
        await using var cli = await CliHarness.StartAsync();
        var profile = new Profile { Kind = ProfileKinds.Relay, Url = cli.Relay!.Url.ToString(), AdminKey = cli.Relay.AdminKey };
        Assert.True(Backend.TryCreate("test", profile, out var backend, out var error, new RefuseSignUp(googleMessage)), error);
        using (backend)
        {
            var checks = await InitCommand.VerifyAsync(backend!, CancellationToken.None);
            Assert.True(checks[0].Ok);
            Assert.True(checks[1].Ok);
            Assert.False(checks[2].Ok);
            Assert.StartsWith(expected, checks[2].Detail);
        }
    }

    private sealed class RefuseSignUp(string message) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("accounts:signUp", StringComparison.Ordinal))
            {
                var body = "{\"error\":{\"code\":400,\"message\":" + JsonSerializer.Serialize(message) + ",\"status\":\"INVALID_ARGUMENT\"}}";
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest)
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                });
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
