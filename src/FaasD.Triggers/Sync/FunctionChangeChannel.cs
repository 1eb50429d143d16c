using System.Threading.Channels;

namespace FaasD.Triggers.Sync;

/// <summary>The platform's change notifications, queued for the reconciler (never blocks the deploy that raised them).</summary>
internal sealed class FunctionChangeChannel : IFunctionChangeObserver
{
    private readonly Channel<FunctionChange> _channel = Channel.CreateUnbounded<FunctionChange>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<FunctionChange> Reader => _channel.Reader;

    public void OnFunctionChanged(FunctionChange change) => _channel.Writer.TryWrite(change);
}
