namespace RemoteCam.Relay.Tests.Http;

/// <summary>
/// Filtered reads (orderBy with startAt/endAt/equalTo/limitTo*), after the Firebase REST docs'
/// dinosaur-facts examples. Results come back as a JSON object whose order is undefined, so
/// they are compared as sets. No rules are loaded, so no <c>.indexOn</c> is needed.
/// </summary>
public sealed class QueryHttpTests(RelayFixture relay) : IClassFixture<RelayFixture>, IAsyncLifetime
{
    private const string Dinosaurs = """
        {
          "bruhathkayosaurus": {"appeared": -70000000, "height": 25, "length": 44, "order": "saurischia", "vanished": -70000000, "weight": 135000},
          "lambeosaurus": {"appeared": -76000000, "height": 2.1, "length": 12.5, "order": "ornithischia", "vanished": -75000000, "weight": 5000},
          "linhenykus": {"appeared": -85000000, "height": 0.6, "length": 1, "order": "theropoda", "vanished": -75000000, "weight": 3},
          "pterodactyl": {"appeared": -150000000, "height": 0.6, "length": 0.8, "order": "pterosauria", "vanished": -148500000, "weight": 2},
          "stegosaurus": {"appeared": -155000000, "height": 4, "length": 9, "order": "ornithischia", "vanished": -150000000, "weight": 2500},
          "triceratops": {"appeared": -68000000, "height": 3, "length": 8, "order": "ornithischia", "vanished": -66000000, "weight": 11000}
        }
        """;

    private const string Scores = """
        {"bruhathkayosaurus": 55, "lambeosaurus": 21, "linhenykus": 80, "pterodactyl": 93, "stegosaurus": 5, "triceratops": 22}
        """;

    private readonly string _root = RelayFixture.NewPath();

    public async Task InitializeAsync()
    {
        await relay.SetAsync(_root + "/dinosaurs", Dinosaurs);
        await relay.SetAsync(_root + "/scores", Scores);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Query (already URL-encoded), and the keys of the children expected back.</summary>
    public static TheoryData<string, string, string[]> DinosaurQueries => new()
    {
        // "orderBy="height"&startAt=3": dinosaurs at least three meters tall.
        { "dinosaurs", "orderBy=%22height%22&startAt=3", ["bruhathkayosaurus", "stegosaurus", "triceratops"] },
        { "dinosaurs", "orderBy=%22height%22&endAt=2.1", ["lambeosaurus", "linhenykus", "pterodactyl"] },
        { "dinosaurs", "orderBy=%22height%22&startAt=2&endAt=4", ["lambeosaurus", "stegosaurus", "triceratops"] },
        { "dinosaurs", "orderBy=%22height%22&equalTo=0.6", ["linhenykus", "pterodactyl"] },
        { "dinosaurs", "orderBy=%22height%22&limitToFirst=2", ["linhenykus", "pterodactyl"] },
        { "dinosaurs", "orderBy=%22weight%22&limitToLast=2", ["bruhathkayosaurus", "triceratops"] },
        { "dinosaurs", "orderBy=%22order%22&equalTo=%22ornithischia%22", ["lambeosaurus", "stegosaurus", "triceratops"] },
        { "dinosaurs", "orderBy=%22height%22&startAt=3&limitToFirst=1", ["triceratops"] },
        // "orderBy="$key"&startAt="a"&endAt="m"": names in the first half of the alphabet.
        { "dinosaurs", "orderBy=%22%24key%22&startAt=%22a%22&endAt=%22m%22", ["bruhathkayosaurus", "lambeosaurus", "linhenykus"] },
        { "dinosaurs", "orderBy=%22%24key%22&limitToFirst=2", ["bruhathkayosaurus", "lambeosaurus"] },
        { "dinosaurs", "orderBy=%22%24key%22&limitToLast=1", ["triceratops"] },
        { "dinosaurs", "orderBy=%22%24key%22&equalTo=%22pterodactyl%22", ["pterodactyl"] },
        // "scores.json?orderBy="$value"&startAt=50": scores of at least 50.
        { "scores", "orderBy=%22%24value%22&startAt=50", ["bruhathkayosaurus", "linhenykus", "pterodactyl"] },
        { "scores", "orderBy=%22%24value%22&limitToLast=3", ["bruhathkayosaurus", "linhenykus", "pterodactyl"] },
        { "scores", "orderBy=%22%24value%22&limitToFirst=2", ["stegosaurus", "lambeosaurus"] },
        { "scores", "orderBy=%22%24value%22&startAt=21&endAt=22", ["lambeosaurus", "triceratops"] },
        { "scores", "orderBy=%22%24priority%22&limitToFirst=6", ["bruhathkayosaurus", "lambeosaurus", "linhenykus", "pterodactyl", "stegosaurus", "triceratops"] },
    };

    [Theory]
    [MemberData(nameof(DinosaurQueries))]
    public async Task Dinosaur_queries_return_the_matching_children(string location, string query, string[] expectedKeys)
    {
        var response = await relay.GetAsync(_root + "/" + location, query);

        Assert.True(response.Status == 200, $"GET {location}.json?{query} → {response}");
        var all = (await relay.GetAsync(_root + "/" + location)).Json;
        var expected = "{" + string.Join(',', expectedKeys.Select(k => "\"" + k + "\":" + all.GetProperty(k).GetRawText())) + "}";
        JsonAssert.Equal(expected, response.Body);
    }

    [Fact]
    public async Task A_query_matching_nothing_returns_no_children()
    {
        var response = await relay.GetAsync(_root + "/dinosaurs", "orderBy=%22%24key%22&startAt=%22zzz%22");

        Assert.Equal(200, response.Status);
        Assert.True(response.Body.Trim() is "null" or "{}", $"expected null or {{}}, got {response}");
    }

    [Fact]
    public async Task A_query_combines_with_print_pretty()
    {
        var response = await relay.GetAsync(_root + "/scores", "orderBy=%22%24value%22&limitToLast=1&print=pretty");

        Assert.Equal(200, response.Status);
        JsonAssert.Equal("{\"pterodactyl\":93}", response.Body);
    }

    [Theory]
    [InlineData("orderBy=height")]
    [InlineData("orderBy=%22height%22&limitToFirst=abc")]
    [InlineData("orderBy=%22height%22&limitToFirst=-1")]
    [InlineData("orderBy=%22height%22&startAt=%7B")]
    [InlineData("startAt=3")]
    [InlineData("limitToFirst=1")]
    public async Task Malformed_queries_are_rejected(string query)
    {
        JsonAssert.IsBadRequest(await relay.GetAsync(_root + "/dinosaurs", query));
    }
}
