using System.Net;
using System.Net.Http.Headers;

namespace RemoteCam.Cli.Tests;

/// <summary>The owner's path on one machine: a real <c>remotecam serve</c>, then init and deploy against it.</summary>
public sealed class ServeAndInitTests
{
    [Fact]
    public async Task Init_and_deploy_against_a_served_relay_use_the_key_in_its_data_directory()
    {
        await using var cli = await CliHarness.StartAsync(withRelay: false);
        await using var relay = await RelayProcess.StartWithConfigAsync(cli.ConfigDirectory, cli.RelayData, "--no-room");

        var init = await cli.RunAsync("init", "--relay", relay.Url.ToString(), "--data", cli.RelayData);
        Assert.True(init.ExitCode == 0, init.Out + init.Err);
        Assert.Equal(3, init.Out.Split('\n').Count(line => line.TrimStart().StartsWith('✓')));

        var rules = cli.WriteFile("database.rules.json", """{ "rules": { ".read": false, ".write": false } }""");
        var deploy = await cli.RunAsync("rules", "deploy", rules);
        Assert.True(deploy.ExitCode == 0, deploy.Err);

        using var http = new HttpClient { BaseAddress = relay.Url };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("anything.json")).StatusCode);
        var adminKey = (await File.ReadAllTextAsync(Path.Combine(cli.RelayData, ".auth", "admin.key"))).Trim();
        using var request = new HttpRequestMessage(HttpMethod.Get, ".settings/rules.json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var response = await http.SendAsync(request);
        Assert.Equal(await File.ReadAllTextAsync(rules), await response.Content.ReadAsStringAsync());
    }
}
