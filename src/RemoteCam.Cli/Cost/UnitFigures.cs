namespace RemoteCam.Cli.Cost;

/// <summary>
/// What one unit of use costs in bytes downloaded from the database, measured with the real pages
/// against the relay's usage statistics (docs/cost.md "Measured figures", which says how and when).
/// Downloaded means sent by the database to a device: what Firebase bills, headers and TLS included.
/// </summary>
/// <param name="PresencePerCameraDay">A camera online all day and nobody watching: heartbeats, its call inbox's stream, token refreshes.</param>
/// <param name="PerCall">Setting up one call (offer, answer, candidates, the streams that carry them).</param>
/// <param name="PerViewingMinute">A viewer watching one camera, per minute, after the call is set up (its streams' keep-alives and presence events).</param>
/// <param name="ClipKbps">The clip recorder's bit rate (video + audio, kbit/s): the default "medium" quality.</param>
internal sealed record UnitFigures(double PresencePerCameraDay, double PerCall, double PerViewingMinute, double ClipKbps)
{
    /// <summary>When <see cref="Measured"/> was measured (docs/cost.md).</summary>
    public const string MeasuredOn = "2026-12-06";

    /// <summary>The figures measured on <see cref="MeasuredOn"/> (docs/cost.md "Measured figures").</summary>
    public static readonly UnitFigures Measured = new(
        PresencePerCameraDay: 2_530_000,
        PerCall: 33_500,
        PerViewingMinute: 130,
        ClipKbps: 532);

    /// <summary>Clips in the database are sealed chunks stored as base64 text: 4/3 of their bytes, plus 29 bytes per 256 KiB chunk.</summary>
    public double ClipBytesPerMinuteInDatabase => ClipBytesPerMinute * 4 / 3 * (1 + (29.0 / 262_144));

    /// <summary>A minute of clip as recorded (and as stored in a bucket, plus 29 bytes per 256 KiB chunk).</summary>
    public double ClipBytesPerMinute => ClipKbps * 1000 / 8 * 60;
}
