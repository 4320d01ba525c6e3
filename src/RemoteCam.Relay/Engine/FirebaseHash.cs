using System.Globalization;
using System.Security.Cryptography;
using System.Text;

using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Engine;

/// <summary>
/// The hash the SDKs send with a transaction's put (<c>h</c>): base64 SHA-1 of the JS SDK's
/// LeafNode.hash / ChildrenNode.hash text (packages/database/src/core/snap/LeafNode.ts,
/// ChildrenNode.ts). A leaf hashes <c>[priority:&lt;p&gt;:]type:value</c> with numbers as
/// IEEE-754 hex; an object hashes <c>[priority:&lt;p&gt;:]</c> then <c>:key:childHash</c> for
/// each child in priority order. The empty node's hash is the empty string.
/// </summary>
internal static class FirebaseHash
{
    public static string Of(Node? node) => node switch
    {
        null => "",
        LeafNode leaf => Sha1(PriorityText(leaf.Priority) + LeafText(leaf)),
        ObjectNode obj => OfObject(obj),
        _ => throw new ArgumentOutOfRangeException(nameof(node), "Server values have no hash."),
    };

    private static string OfObject(ObjectNode obj)
    {
        var text = new StringBuilder(PriorityText(obj.Priority));
        foreach (var (key, child) in ByPriority(obj))
        {
            var hash = Of(child);
            if (hash.Length > 0)
            {
                text.Append(':').Append(key).Append(':').Append(hash);
            }
        }

        return text.Length == 0 ? "" : Sha1(text.ToString());
    }

    /// <summary>PRIORITY_INDEX order: no priority, then numbers, then strings; ties by key name.</summary>
    private static IEnumerable<KeyValuePair<string, Node>> ByPriority(ObjectNode obj)
    {
        if (obj.Children.Values.All(c => c.Priority.IsNone))
        {
            return obj.Children; // already in key order
        }

        return obj.Children.OrderBy(c => new QueryPost(c.Value.Priority.Value, c.Key), Comparer<QueryPost>.Create(Ordering.Compare));
    }

    private static string PriorityText(Priority priority) => priority.Value switch
    {
        double d => "priority:number:" + DoubleToIeee754String(d) + ":",
        string s => "priority:string:" + s + ":",
        _ => "",
    };

    private static string LeafText(LeafNode leaf) => leaf.Value switch
    {
        double d => "number:" + DoubleToIeee754String(d),
        bool b => "boolean:" + (b ? "true" : "false"),
        string s => "string:" + s,
        _ => throw new InvalidOperationException("Unknown leaf value."),
    };

    private static string Sha1(string text) => Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// The SDK's doubleToIEEE754String, step for step (core/util/util.ts), so that the rare values
    /// where its <c>Math.log</c> estimate of the exponent is off give the same text as the SDK.
    /// </summary>
    internal static string DoubleToIeee754String(double v)
    {
        const int ebits = 11, fbits = 52;
        const int bias = (1 << (ebits - 1)) - 1;
        double e, f;
        bool s;
        if (v == 0)
        {
            e = 0;
            f = 0;
            s = double.IsNegative(v);
        }
        else
        {
            s = v < 0;
            v = Math.Abs(v);
            if (v >= Math.Pow(2, 1 - bias))
            {
                var ln = Math.Min(Math.Floor(Math.Log(v) / Math.Log(2)), bias);
                e = ln + bias;
                f = JsRound((v * Math.Pow(2, fbits - ln)) - Math.Pow(2, fbits));
            }
            else
            {
                e = 0;
                f = JsRound(v / Math.Pow(2, 1 - bias - fbits));
            }
        }

        var bits = new List<char>(64);
        for (var i = fbits; i > 0; i--)
        {
            bits.Add(f % 2 != 0 ? '1' : '0');
            f = Math.Floor(f / 2);
        }

        for (var i = ebits; i > 0; i--)
        {
            bits.Add(e % 2 != 0 ? '1' : '0');
            e = Math.Floor(e / 2);
        }

        bits.Add(s ? '1' : '0');
        bits.Reverse();
        var text = new StringBuilder(16);
        for (var i = 0; i < 64; i += 8)
        {
            var value = Convert.ToInt32(new string([.. bits.GetRange(i, 8)]), 2);
            text.Append(value.ToString("x2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>JavaScript's Math.round: halves go up.</summary>
    private static double JsRound(double x) => Math.Floor(x + 0.5);
}
