namespace FaasD.Functions;

/// <summary>Identifies one function: its OpenFaaS namespace (a containerd namespace) and its name.</summary>
internal readonly record struct FunctionKey(string Namespace, string Name)
{
    /// <summary>The OpenFaaS spelling, <c>name.namespace</c>, used in messages and logs.</summary>
    public override string ToString() => $"{Name}.{Namespace}";
}
