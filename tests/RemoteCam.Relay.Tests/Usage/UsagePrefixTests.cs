using RemoteCam.Relay.Usage;

namespace RemoteCam.Relay.Tests.Usage;

/// <summary>How usage is grouped: the top two levels, room ids folded to {room} and one level below them.</summary>
public sealed class UsagePrefixTests
{
    [Theory]
    [InlineData("", "/")]
    [InlineData("rooms", "/rooms")]
    [InlineData("rooms/abc", "/rooms/{room}")]
    [InlineData("rooms/abc/calls", "/rooms/{room}/calls")]
    [InlineData("rooms/abc/calls/cam/call1/v/0", "/rooms/{room}/calls")]
    [InlineData("rooms/xyz/cameras/cam", "/rooms/{room}/cameras")]
    [InlineData("pairing/abc/camera", "/pairing/{room}/camera")]
    [InlineData("users", "/users")]
    [InlineData("users/u1/profile/name", "/users/u1")]
    [InlineData("(realtime protocol)", "/(realtime protocol)")]
    public void Paths_are_grouped_like_the_profiler(string path, string prefix) =>
        Assert.Equal(prefix, UsagePrefix.Of(path.Split('/', StringSplitOptions.RemoveEmptyEntries)));
}
