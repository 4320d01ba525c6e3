using RemoteCam.Relay.Data;

using static RemoteCam.Relay.Tests.Query.QueryTestHelpers;

namespace RemoteCam.Relay.Tests.Query;

public sealed class OrderingTests
{
    /// <summary>(data, query, the children's keys in query order).</summary>
    public static TheoryData<string, string, string> Orders => new()
    {
        // $value: false, true, numbers, strings (UTF-16 code units), objects (all equal, so by key).
        {
            """{"obj2":{"x":1},"obj1":{"y":2},"str":"b","strA":"A","num2":2,"numNeg":-1,"t":true,"f":false,"big":10,"frac":1.5}""",
            "orderBy=\"$value\"",
            "f,t,numNeg,frac,num2,big,strA,str,obj1,obj2"
        },
        // Equal values tie by key order: integer keys numerically, then strings.
        { """{"b":1,"10":1,"2":1,"a":1,"1":1}""", "orderBy=\"$value\"", "1,2,10,a,b" },
        // -0 equals 0 (JS ===), so the key decides.
        { """{"b":0,"a":-0}""", "orderBy=\"$value\"", "a,b" },
        // JS < compares UTF-16 code units: U+1F600 (D83D DE00) sorts before U+FF61, and "Z" before "a".
        { """{"k1":"\uff61","k2":"\ud83d\ude00","k3":"a","k4":"Z","k5":"\u00e9"}""", "orderBy=\"$value\"", "k4,k3,k5,k2,k1" },
        // $key: 32-bit integer keys first (numerically, shorter spelling first), then code-unit order.
        {
            """{"b":1,"a":1,"10":1,"2":1,"-1":1,"01":1,"1":1,"A":1,"2147483648":1,"-2147483648":1}""",
            "orderBy=\"$key\"",
            "-2147483648,-1,1,01,2,10,2147483648,A,a,b"
        },
        // $priority: none first, then numbers, then strings; ties by key.
        {
            """{"a":{".priority":2,"v":1},"b":{".value":"x",".priority":"z"},"c":{".value":1,".priority":1},"d":5,"e":{".value":true,".priority":"a"},"0":9}""",
            "orderBy=\"$priority\"",
            "0,d,c,a,e,b"
        },
        // Child order: missing child or a leaf parent (null) first, then values, then objects.
        {
            """{"gallimimus":{"dimensions":{"height":2}},"stegosaurus":{"dimensions":{"height":4}},"nodims":{"name":"x"},"leaf":7,"objdims":{"dimensions":{"height":{"m":1}}},"flag":{"dimensions":{"height":true}},"named":{"dimensions":{"height":"tall"}}}""",
            "orderBy=\"dimensions/height\"",
            "leaf,nodims,flag,gallimimus,stegosaurus,named,objdims"
        },
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public void OrdersChildren(string json, string query, string expected)
    {
        var spec = Spec(query);
        var ordered = QueryEngine.Ordered(JsonTree.Parse(json), spec);
        Assert.Equal(expected, string.Join(',', ordered.Select(c => c.Key)));

        // The public comparer agrees with the engine's order.
        var sorted = ((ObjectNode)JsonTree.Parse(json)!).Children.ToList();
        sorted.Sort(Ordering.For(spec));
        Assert.Equal(expected, string.Join(',', sorted.Select(c => c.Key)));
    }

    public static TheoryData<object?, object?, int> Values => new()
    {
        { null, false, -1 },
        { false, true, -1 },
        { true, -1e300, -1 },
        { 2.0, 10.0, -1 },
        { 10.0, "1", -1 },
        { "a", "b", -1 },
        { "B", "a", -1 },
        { "b", "ab", 1 },
        { -0.0, 0.0, 0 },
        { "x", "x", 0 },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void ComparesIndexValues(object? x, object? y, int expected)
    {
        Assert.Equal(expected, Math.Sign(Ordering.CompareValues(x, y)));
        Assert.Equal(-expected, Math.Sign(Ordering.CompareValues(y, x)));
    }

    [Fact]
    public void ObjectsSortLastAndEqual()
    {
        Assert.Equal(0, Ordering.CompareValues(Ordering.ObjectValue, Ordering.ObjectValue));
        Assert.True(Ordering.CompareValues("\uffff", Ordering.ObjectValue) < 0);
    }

    [Theory]
    [InlineData("[MIN_NAME]", "-2147483648", -1)]
    [InlineData("zzz", "[MAX_NAME]", -1)]
    [InlineData("[MIN_NAME]", "[MAX_NAME]", -1)]
    [InlineData("9", "10", -1)]
    [InlineData("1", "01", -1)]
    [InlineData("10", "a", -1)]
    public void ComparesNamesWithSentinels(string x, string y, int expected)
    {
        Assert.Equal(expected, Math.Sign(Ordering.CompareNames(x, y)));
        Assert.Equal(-expected, Math.Sign(Ordering.CompareNames(y, x)));
    }
}
