namespace FaasD.Network.Cni;

/// <summary>How far an ADD through a list got: the last result a plugin returned, null before the first one answered.</summary>
internal sealed class CniAddProgress
{
    public CniResult? Result { get; private set; }

    internal void Record(CniResult result) => Result = result;
}
