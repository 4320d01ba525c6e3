using RemoteCam.Relay.Data;

using static RemoteCam.Relay.Tests.Query.QueryTestHelpers;

namespace RemoteCam.Relay.Tests.Query;

public sealed class QueryEngineTests
{
    /// <summary>The Firebase REST docs' dinosaur facts ("Retrieving Data", "Filtering Data"), trimmed.</summary>
    private const string Dinosaurs = """
        {
          "bruhathkayosaurus": {"height": 25, "weight": 135000},
          "lambeosaurus": {"height": 2.1, "weight": 5000},
          "linhenykus": {"height": 0.6, "weight": 3},
          "pterodactyl": {"height": 0.6, "weight": 2},
          "stegosaurus": {"height": 4, "weight": 2500},
          "triceratops": {"height": 3, "weight": 11000}
        }
        """;

    private const string Scores = """
        {"bruhathkayosaurus": 55, "lambeosaurus": 21, "linhenykus": 80, "pterodactyl": 93, "stegosaurus": 5, "triceratops": 22}
        """;

    private const string Nested = """
        {
          "gallimimus": {"dimensions": {"height": 2}},
          "stegosaurus": {"dimensions": {"height": 4}},
          "nodims": {"name": "x"},
          "leaf": 7,
          "objdims": {"dimensions": {"height": {"m": 1}}}
        }
        """;

    private const string Priorities = """
        {"a": {".priority": 2, "v": 1}, "b": {".value": "x", ".priority": "z"}, "c": {".value": 1, ".priority": 1}, "d": 5, "e": {".value": true, ".priority": "a"}}
        """;

    private const string Bruh = "\"bruhathkayosaurus\":{\"height\":25,\"weight\":135000}";
    private const string Lambeo = "\"lambeosaurus\":{\"height\":2.1,\"weight\":5000}";
    private const string Linhen = "\"linhenykus\":{\"height\":0.6,\"weight\":3}";
    private const string Ptero = "\"pterodactyl\":{\"height\":0.6,\"weight\":2}";
    private const string Stego = "\"stegosaurus\":{\"height\":4,\"weight\":2500}";
    private const string Trice = "\"triceratops\":{\"height\":3,\"weight\":11000}";

    /// <summary>(data, query, keys in query order, Apply's JSON).</summary>
    public static TheoryData<string, string, string, string> Cases => new()
    {
        // REST docs: orderBy="height"&startAt=3.
        { Dinosaurs, "orderBy=\"height\"&startAt=3", "triceratops,stegosaurus,bruhathkayosaurus", $"{{{Bruh},{Stego},{Trice}}}" },
        // REST docs: orderBy="$key"&startAt="a"&endAt="m".
        { Dinosaurs, "orderBy=\"$key\"&startAt=\"a\"&endAt=\"m\"", "bruhathkayosaurus,lambeosaurus,linhenykus", $"{{{Bruh},{Lambeo},{Linhen}}}" },
        // REST docs: limitToFirst / limitToLast on a child.
        { Dinosaurs, "orderBy=\"weight\"&limitToFirst=2", "pterodactyl,linhenykus", $"{{{Linhen},{Ptero}}}" },
        { Dinosaurs, "orderBy=\"weight\"&limitToLast=2", "triceratops,bruhathkayosaurus", $"{{{Bruh},{Trice}}}" },
        { Dinosaurs, "orderBy=\"$key\"&limitToLast=1", "triceratops", $"{{{Trice}}}" },
        { Dinosaurs, "orderBy=\"$key\"&limitToFirst=100", "bruhathkayosaurus,lambeosaurus,linhenykus,pterodactyl,stegosaurus,triceratops", $"{{{Bruh},{Lambeo},{Linhen},{Ptero},{Stego},{Trice}}}" },
        // REST docs: equalTo; equal values come in key order.
        { Dinosaurs, "orderBy=\"height\"&equalTo=0.6", "linhenykus,pterodactyl", $"{{{Linhen},{Ptero}}}" },
        { Dinosaurs, "orderBy=\"height\"&equalTo=0.6,\"pterodactyl\"", "pterodactyl", $"{{{Ptero}}}" },
        { Dinosaurs, "orderBy=\"$key\"&equalTo=\"stegosaurus\"", "stegosaurus", $"{{{Stego}}}" },
        { Dinosaurs, "orderBy=\"height\"&equalTo=\"0.6\"", "", "null" },
        // Range and limit together: the range first, then the limit (LimitedFilter wraps RangedFilter).
        { Dinosaurs, "orderBy=\"height\"&endAt=4&limitToLast=2", "triceratops,stegosaurus", $"{{{Stego},{Trice}}}" },
        { Dinosaurs, "orderBy=\"height\"&startAt=3&endAt=3.5", "triceratops", $"{{{Trice}}}" },
        { Dinosaurs, "orderBy=\"height\"&startAt=30", "", "null" },
        { Dinosaurs, "orderBy=\"height\"&startAt=4&endAt=3", "", "null" },
        // Compound start/end: the key breaks the tie among equal values.
        { Dinosaurs, "orderBy=\"height\"&startAt=0.6,\"pterodactyl\"&limitToFirst=2", "pterodactyl,lambeosaurus", $"{{{Lambeo},{Ptero}}}" },
        { Dinosaurs, "orderBy=\"height\"&endAt=4,\"a\"", "linhenykus,pterodactyl,lambeosaurus,triceratops", $"{{{Lambeo},{Linhen},{Ptero},{Trice}}}" },
        // startAfter / endBefore are exclusive; without a key they skip every child with that value.
        { Dinosaurs, "orderBy=\"height\"&startAfter=0.6", "lambeosaurus,triceratops,stegosaurus,bruhathkayosaurus", $"{{{Bruh},{Lambeo},{Stego},{Trice}}}" },
        { Dinosaurs, "orderBy=\"height\"&startAfter=0.6,\"[MAX_NAME]\"&limitToFirst=1", "lambeosaurus", $"{{{Lambeo}}}" },
        { Dinosaurs, "orderBy=\"height\"&startAfter=0.6,\"linhenykus\"&limitToFirst=2", "pterodactyl,lambeosaurus", $"{{{Lambeo},{Ptero}}}" },
        { Dinosaurs, "orderBy=\"height\"&endBefore=3", "linhenykus,pterodactyl,lambeosaurus", $"{{{Lambeo},{Linhen},{Ptero}}}" },
        { Dinosaurs, "orderBy=\"height\"&endBefore=0.6,\"pterodactyl\"", "linhenykus", $"{{{Linhen}}}" },
        { Dinosaurs, "orderBy=\"$key\"&startAfter=\"lambeosaurus\"&endBefore=\"stegosaurus\"", "linhenykus,pterodactyl", $"{{{Linhen},{Ptero}}}" },
        // A bare orderBy returns the whole value.
        { Dinosaurs, "orderBy=\"height\"", "linhenykus,pterodactyl,lambeosaurus,triceratops,stegosaurus,bruhathkayosaurus", $"{{{Bruh},{Lambeo},{Linhen},{Ptero},{Stego},{Trice}}}" },
        // REST docs: orderBy="$value" on scores.
        { Scores, "orderBy=\"$value\"&limitToLast=3", "bruhathkayosaurus,linhenykus,pterodactyl", """{"bruhathkayosaurus":55,"linhenykus":80,"pterodactyl":93}""" },
        { Scores, "orderBy=\"$value\"&startAt=21&endAt=55", "lambeosaurus,triceratops,bruhathkayosaurus", """{"bruhathkayosaurus":55,"lambeosaurus":21,"triceratops":22}""" },
        { Scores, "orderBy=\"$value\"&startAt=\"0\"", "", "null" },
        // REST docs: nested child path; objects at the path sort after numbers, missing ones first.
        { Nested, "orderBy=\"dimensions/height\"&startAt=3", "stegosaurus,objdims", """{"objdims":{"dimensions":{"height":{"m":1}}},"stegosaurus":{"dimensions":{"height":4}}}""" },
        { Nested, "orderBy=\"dimensions/height\"&endAt=null", "leaf,nodims", """{"leaf":7,"nodims":{"name":"x"}}""" },
        { Nested, "orderBy=\"dimensions/height\"&startAfter=null&endAt=\"\"", "gallimimus,stegosaurus", """{"gallimimus":{"dimensions":{"height":2}},"stegosaurus":{"dimensions":{"height":4}}}""" },
        // REST docs: orderBy="$priority".
        { Priorities, "orderBy=\"$priority\"&startAt=2&endAt=\"m\"", "a,e", """{"a":{"v":1},"e":true}""" },
        { Priorities, "orderBy=\"$priority\"&equalTo=null", "d", """{"d":5}""" },
        { Priorities, "orderBy=\"$priority\"&limitToFirst=2", "d,c", """{"c":1,"d":5}""" },
        { Priorities, "orderBy=\"$priority\"&startAt=\"a\"", "e,b", """{"b":"x","e":true}""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AppliesQueries(string json, string query, string expectedOrder, string expectedJson)
    {
        var spec = Spec(query);
        var value = JsonTree.Parse(json);
        Assert.Equal(expectedJson, JsonTree.ToJson(QueryEngine.Apply(value, spec)));
        Assert.Equal(expectedOrder, string.Join(',', QueryEngine.Ordered(value, spec).Select(c => c.Key)));
    }

    [Theory]
    [InlineData("orderBy=\"$key\"", "7")]
    [InlineData("orderBy=\"$value\"&startAt=1", "null")]
    [InlineData("orderBy=\"$key\"&limitToFirst=1", "null")]
    public void LeavesGiveThemselvesOnlyWithoutFilters(string query, string expected)
    {
        var spec = Spec(query);
        Assert.Equal(expected, JsonTree.ToJson(QueryEngine.Apply(JsonTree.Parse("7"), spec)));
        Assert.Empty(QueryEngine.Ordered(JsonTree.Parse("7"), spec));
        Assert.Null(QueryEngine.Apply(null, spec));
    }

    [Fact]
    public void FilteredResultsDropThePriority()
    {
        var value = JsonTree.Parse("""{".priority": 1, "a": 1, "b": 2}""");
        Assert.Equal("""{"a":1,"b":2,".priority":1}""", JsonTree.ToJson(QueryEngine.Apply(value, Spec("orderBy=\"$key\"")), export: true));
        Assert.Equal("""{"a":1,"b":2}""", JsonTree.ToJson(QueryEngine.Apply(value, Spec("orderBy=\"$key\"&limitToFirst=5")), export: true));
        Assert.Equal("""{"a":1}""", JsonTree.ToJson(QueryEngine.Apply(value, Spec("orderBy=\"$key\"&limitToFirst=1")), export: true));
    }

    [Fact]
    public void KeepsUnselectedChildrenOutOfLargeObjects()
    {
        var builder = JsonTree.NewChildren();
        for (var i = 0; i < 10_000; i++)
        {
            builder[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = LeafNode.Of(i % 100);
        }

        var value = new ObjectNode(builder.ToImmutable());
        var ordered = QueryEngine.Ordered(value, Spec("orderBy=\"$value\"&equalTo=99&limitToLast=3"));
        // Integer keys break ties numerically (KeyOrder), not as strings.
        Assert.Equal(["9799", "9899", "9999"], ordered.Select(c => c.Key));
    }
}
