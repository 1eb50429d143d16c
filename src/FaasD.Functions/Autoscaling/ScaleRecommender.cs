namespace FaasD.Functions.Autoscaling;

/// <summary>
/// The replica count for a measured load: enough replicas that each carries at most target × target-proportion,
/// within [min, max]. Scaling up follows at once; scaling down follows the highest recommendation of the
/// stabilisation window, so a short lull does not remove replicas that the next burst needs again.
/// </summary>
internal static class ScaleRecommender
{
    /// <summary>Replicas for <paramref name="load"/> (total over the function: requests/s, in-flight or millicores).</summary>
    public static int Recommend(double load, ScalingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!(load > 0))
        {
            return settings.Min;
        }

        var perReplica = settings.Target * settings.TargetProportion;
        var wanted = Math.Ceiling(load / perReplica);
        return wanted >= settings.Max ? settings.Max : Math.Max(settings.Min, (int)wanted);
    }

    /// <summary>
    /// The count to move to now from <paramref name="current"/>: up at once to <paramref name="recommended"/>; down only
    /// to the highest of <paramref name="windowRecommendations"/> (which include the current one).
    /// </summary>
    public static int Next(int current, int recommended, IEnumerable<int> windowRecommendations)
    {
        ArgumentNullException.ThrowIfNull(windowRecommendations);
        if (recommended >= current)
        {
            return recommended;
        }

        var stabilised = windowRecommendations.DefaultIfEmpty(recommended).Max();
        return Math.Min(current, Math.Max(recommended, stabilised));
    }
}
