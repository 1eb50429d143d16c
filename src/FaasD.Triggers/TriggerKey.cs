namespace FaasD.Triggers;

/// <summary>A function, as triggers address it.</summary>
internal readonly record struct TriggerKey(string Namespace, string Name)
{
    public override string ToString() => $"{Name}.{Namespace}";
}
