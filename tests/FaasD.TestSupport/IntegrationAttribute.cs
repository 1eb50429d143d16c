using NUnit.Framework;

namespace FaasD.TestSupport;

/// <summary>Marks tests that talk to real daemons (containerd, CNI, registry). Unit runs filter them out.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class IntegrationAttribute : CategoryAttribute
{
    public IntegrationAttribute() : base("Integration") { }
}
