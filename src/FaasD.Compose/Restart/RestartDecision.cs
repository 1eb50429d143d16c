namespace FaasD.Compose.Restart;

/// <summary>Whether a policy brings a service back after its task exited with <paramref name="exitCode"/>.</summary>
internal static class RestartDecision
{
    public static bool ShouldRestart(RestartPolicy policy, uint exitCode, int restartsSoFar)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Mode switch
        {
            RestartMode.Always or RestartMode.UnlessStopped => true,
            RestartMode.OnFailure => exitCode != 0 && (policy.MaxRetries == 0 || restartsSoFar < policy.MaxRetries),
            _ => false,
        };
    }
}
