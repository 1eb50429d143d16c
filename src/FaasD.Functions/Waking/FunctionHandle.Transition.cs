namespace FaasD.Functions.Waking;

/// <summary>The shared in-flight operation that concurrent callers join (the single flight of a wake, pause or stop).</summary>
internal sealed partial class FunctionHandle
{
    private enum TransitionKind
    {
        Pause,
        Resume,
        Start,
        Stop,
    }

    private enum TransitionOutcome
    {
        Succeeded,
        Failed,
        /// <summary>The handle was reset or removed while the call ran; waiters re-read the state.</summary>
        Superseded,
    }

    private readonly record struct TransitionResult(TransitionKind Kind, TransitionOutcome Outcome, string? Error);

    /// <summary>One runtime call and everyone waiting for it.</summary>
    private sealed class Transition
    {
        private readonly CancellationTokenSource _cancellation;
        private readonly TaskCompletionSource<TransitionResult> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _abandoned;

        public Transition(TransitionKind kind, long generation, TimeSpan timeout, TimeProvider time, Replica[] targets)
        {
            Kind = kind;
            Targets = targets;
            Generation = generation;
            Timeout = timeout;
            _cancellation = new CancellationTokenSource(timeout, time);
            Token = _cancellation.Token;
        }

        public TransitionKind Kind { get; }

        /// <summary>The replicas a pause freezes (every Ready one) or a resume thaws (one); empty for start and stop.</summary>
        public Replica[] Targets { get; }

        /// <summary>A pause's call per target, so a partly failed pause still records which replicas froze.</summary>
        public Task[]? Calls { get; set; }

        /// <summary>A resume's target whose task turned out to be gone: it is restarted instead.</summary>
        public bool TargetGone { get; set; }

        public long Generation { get; }

        public TimeSpan Timeout { get; }

        public CancellationToken Token { get; }

        /// <summary>Completes when the call ends, or earlier when the transition is abandoned.</summary>
        public Task<TransitionResult> Outcome => _outcome.Task;

        /// <summary>Completes when the runtime call has returned.</summary>
        public Task Finished => _finished.Task;

        public bool IsAbandoned => Volatile.Read(ref _abandoned) != 0;

        /// <summary>Releases waiters now and cancels the call; called outside the handle's lock.</summary>
        public void Abandon()
        {
            Volatile.Write(ref _abandoned, 1);
            _outcome.TrySetResult(new(Kind, TransitionOutcome.Superseded, null));
            try
            {
                _cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The call had already finished.
            }
        }

        public void Complete(TransitionResult result)
        {
            _outcome.TrySetResult(result);
            _cancellation.Dispose();
            _finished.TrySetResult();
        }
    }
}
