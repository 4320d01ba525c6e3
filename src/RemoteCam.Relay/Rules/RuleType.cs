namespace RemoteCam.Relay.Rules;

/// <summary>
/// The static types the load-time checker tracks. A set of flags: an expression whose possible
/// types do not meet what an operator or method needs is refused when the rules are saved, as
/// Firebase does ("Security Rules reference": rules must be boolean; methods have typed arguments).
/// </summary>
[Flags]
internal enum RuleType
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Number = 4,
    String = 8,
    Snapshot = 16,
    Map = 32,
    Regex = 64,
    Array = 128,

    /// <summary>A value from data or auth: a primitive, null or a map.</summary>
    Any = Null | Boolean | Number | String | Map | Array,
}
