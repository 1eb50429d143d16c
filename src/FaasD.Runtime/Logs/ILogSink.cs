namespace FaasD.Runtime.Logs;

/// <summary>Somewhere a function's output line goes besides our own capture (journald, when it is there).</summary>
public interface ILogSink
{
    /// <summary>Must not block: a sink that cannot keep up drops lines rather than slow the pump.</summary>
    void Write(string @namespace, string function, string instance, string text, bool isError);
}
