using System.Buffers;
using System.IO.Pipelines;

using Microsoft.AspNetCore.Connections;

namespace RemoteCam.Relay.Usage;

/// <summary>
/// Kestrel connection middleware, outermost (before TLS): counts every byte each connection
/// reads and writes on the socket into <see cref="UsageMeter"/>, and the connections themselves.
/// </summary>
internal static class CountingConnection
{
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware(UsageMeter meter) => next => async connection =>
    {
        var transport = connection.Transport;
        connection.Transport = new Pipe(new CountingReader(transport.Input, meter), new CountingWriter(transport.Output, meter));
        meter.ConnectionOpened();
        try
        {
            await next(connection);
        }
        finally
        {
            meter.ConnectionClosed();
            connection.Transport = transport;
        }
    };

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>Counts what the reader's user consumed (each byte once, however often it was examined).</summary>
    private sealed class CountingReader(PipeReader inner, UsageMeter meter) : PipeReader
    {
        private ReadOnlySequence<byte> _last;

        public override void AdvanceTo(SequencePosition consumed)
        {
            meter.WireIn(_last.Slice(0, consumed).Length);
            inner.AdvanceTo(consumed);
        }

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            meter.WireIn(_last.Slice(0, consumed).Length);
            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var result = await inner.ReadAsync(cancellationToken);
            _last = result.Buffer;
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result))
            {
                return false;
            }

            _last = result.Buffer;
            return true;
        }
    }

    private sealed class CountingWriter(PipeWriter inner, UsageMeter meter) : PipeWriter
    {
        public override void Advance(int bytes)
        {
            meter.WireOut(bytes);
            inner.Advance(bytes);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
    }
}
