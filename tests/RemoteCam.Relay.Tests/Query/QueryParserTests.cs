using RemoteCam.Relay.Data;

using static RemoteCam.Relay.Tests.Query.QueryTestHelpers;

namespace RemoteCam.Relay.Tests.Query;

public sealed class QueryParserTests
{
    public static TheoryData<string, string> Accepted => new()
    {
        { "orderBy=\"$key\"", "Key" },
        { "orderBy=\"$value\"", "Value" },
        { "orderBy=\"$priority\"", "Priority" },
        { "orderBy=\"height\"", "Child(/height)" },
        { "orderBy=\"dimensions/height\"", "Child(/dimensions/height)" },
        { "orderBy=%22dimensions%2Fheight%22&startAt=3", "Child(/dimensions/height) startAt=3" },
        { "orderBy=\"height\"&startAt=3", "Child(/height) startAt=3" },
        { "orderBy=\"$key\"&startAt=\"a\"&endAt=\"m\"", "Key startAt='a' endAt='m'" },
        { "orderBy=\"$key\"&startAfter=\"a\"&endBefore=\"m\"", "Key startAfter='a' endBefore='m'" },
        { "orderBy=\"weight\"&limitToLast=2", "Child(/weight) limitToLast=2" },
        { "orderBy=\"weight\"&limitToFirst=10", "Child(/weight) limitToFirst=10" },
        { "orderBy=\"height\"&equalTo=25", "Child(/height) equalTo=25" },
        { "orderBy=\"height\"&equalTo=25,\"stegosaurus\"", "Child(/height) equalTo=25,'stegosaurus'" },
        { "orderBy=\"$value\"&startAt=null", "Value startAt=null" },
        { "orderBy=\"$value\"&equalTo=true", "Value equalTo=true" },
        { "orderBy=\"$value\"&endAt=-1.5e3", "Value endAt=-1500" },
        { "orderBy=\"$value\"&startAt=\"a,b\",\"k\"", "Value startAt='a,b','k'" },
        { "orderBy=\"$value\"&startAt=\"x\",\"a\"&endAt=\"y\"", "Value startAt='x','a' endAt='y'" },
        { "orderBy=\"$priority\"&startAt=1&endAt=\"z\"", "Priority startAt=1 endAt='z'" },
        { "orderBy=\"$priority\"&equalTo=null", "Priority equalTo=null" },
        // The JS SDK's REST client sends startAfter/endBefore with its MAX_NAME/MIN_NAME sentinels.
        { "orderBy=\"age\"&startAfter=3,\"[MAX_NAME]\"", "Child(/age) startAfter=3,'[MAX_NAME]'" },
        { "orderBy=\"age\"&endBefore=3,\"[MIN_NAME]\"", "Child(/age) endBefore=3,'[MIN_NAME]'" },
        { "orderBy=\"$value\"&startAt= \"a\" , \"k\" ", "Value startAt='a','k'" },
        { "orderBy=\"$value\"&endAt=\"a\\\",b\",\"k,\"", "Value endAt='a\",b','k,'" },
        { "orderBy=\"$key\"&print=pretty&auth=token", "Key" },
    };

    public static TheoryData<string, string> Rejected => new()
    {
        { "orderBy=$key", QueryParser.OrderByNotJson },
        { "orderBy=height", QueryParser.OrderByNotJson },
        { "orderBy=3", QueryParser.OrderByNotJson },
        { "orderBy=\"\"", QueryParser.OrderByNotJson + ": the path is empty; use \"$value\" to order by value" },
        { "orderBy=\"$foo\"", QueryParser.OrderByNotJson + ": Invalid path \"/$foo\": keys cannot contain \"$\" (keys cannot contain . $ # [ ] / or control characters)." },
        { "orderBy=\"a.b\"", QueryParser.OrderByNotJson + ": Invalid path \"/a.b\": keys cannot contain \".\" (keys cannot contain . $ # [ ] / or control characters)." },
        { "startAt=3", QueryParser.OrderByMissing },
        { "limitToFirst=3", QueryParser.OrderByMissing },
        { "equalTo=\"a\"", QueryParser.OrderByMissing },
        { "orderBy=\"height\"&startAt=a", "Constraint index field must be a JSON primitive (startAt)" },
        { "orderBy=\"height\"&endAt={\"a\":1}", "Constraint index field must be a JSON primitive (endAt)" },
        { "orderBy=\"height\"&equalTo=[1]", "Constraint index field must be a JSON primitive (equalTo)" },
        { "orderBy=\"height\"&startAt=1,", "Constraint index field must be a JSON primitive (startAt)" },
        { "orderBy=\"height\"&startAt=1,\"a\",\"b\"", "Constraint index field must be a JSON primitive (startAt)" },
        { "orderBy=\"height\"&startAt=[1],\"a\"", "Constraint index field must be a JSON primitive (startAt)" },
        { "orderBy=\"height\"&startAt=1,2", "startAt: the key name after the comma must be a JSON string" },
        { "orderBy=\"height\"&startAt=1,\"a/b\"", "startAt: invalid key name \"a/b\": keys cannot contain \"/\" (keys cannot contain . $ # [ ] / or control characters)." },
        { "orderBy=\"$key\"&startAt=3", QueryParser.KeyOrderNotString },
        { "orderBy=\"$key\"&endAt=null", QueryParser.KeyOrderNotString },
        { "orderBy=\"$key\"&equalTo=true", QueryParser.KeyOrderNotString },
        { "orderBy=\"$key\"&startAt=\"a\",\"b\"", QueryParser.KeyOrderOneArgument },
        { "orderBy=\"$priority\"&startAt=true", QueryParser.PriorityOrderValue },
        { "orderBy=\"$key\"&limitToFirst=0", "limitToFirst must be a positive integer" },
        { "orderBy=\"$key\"&limitToLast=-1", "limitToLast must be a positive integer" },
        { "orderBy=\"$key\"&limitToLast=1.5", "limitToLast must be a positive integer" },
        { "orderBy=\"$key\"&limitToLast=abc", "limitToLast must be a positive integer" },
        { "orderBy=\"$key\"&limitToFirst=99999999999", "limitToFirst must be a positive integer" },
        { "orderBy=\"$key\"&limitToFirst=1&limitToLast=1", "limitToFirst and limitToLast cannot be combined" },
        { "orderBy=\"$value\"&equalTo=1&startAt=1", "equalTo cannot be combined with startAt, startAfter, endAt or endBefore" },
        { "orderBy=\"$value\"&equalTo=1&endAt=1", "equalTo cannot be combined with startAt, startAfter, endAt or endBefore" },
        { "orderBy=\"$value\"&equalTo=1&endBefore=1", "equalTo cannot be combined with startAt, startAfter, endAt or endBefore" },
        { "orderBy=\"$value\"&startAt=1&startAfter=1", "startAt and startAfter cannot be combined" },
        { "orderBy=\"$value\"&endAt=1&endBefore=1", "endAt and endBefore cannot be combined" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void AcceptsQueries(string query, string expected)
    {
        Assert.True(QueryParser.TryParse(Parameters(query), out var spec, out var error), error);
        Assert.NotNull(spec);
        Assert.Equal(expected, Describe(spec));
    }

    [Theory]
    [MemberData(nameof(Rejected))]
    public void RejectsQueries(string query, string expected)
    {
        Assert.False(QueryParser.TryParse(Parameters(query), out var spec, out var error));
        Assert.Null(spec);
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("print=pretty&auth=abc&shallow=true")]
    public void NoQueryParametersGiveNoSpec(string query)
    {
        Assert.True(QueryParser.TryParse(Parameters(query), out var spec, out var error), error);
        Assert.Null(spec);
    }
}
