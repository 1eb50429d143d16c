using FaasD.Functions.Abstractions;
using FaasD.Functions.Validation;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Validation;

public class QuantityTests
{
    [TestCase("128Mi", 134217728L)]
    [TestCase("1Gi", 1073741824L)]
    [TestCase("1G", 1000000000L)]
    [TestCase("512Ki", 524288L)]
    [TestCase("1000", 1000L)]
    [TestCase("0.5Gi", 536870912L)]
    public void Memory_quantities(string text, long bytes) =>
        Assert.That(Quantity.ParseMemoryBytes(text), Is.EqualTo(bytes));

    [TestCase("100m", 100L)]
    [TestCase("1", 1000L)]
    [TestCase("0.5", 500L)]
    [TestCase("2.25", 2250L)]
    public void Cpu_quantities(string text, long millis) =>
        Assert.That(Quantity.ParseCpuMillis(text), Is.EqualTo(millis));

    [TestCase("lots")]
    [TestCase("-1Mi")]
    [TestCase("12Xi")]
    [TestCase("0")]
    [TestCase("79228162514264337593543950335Ti")]
    [TestCase("9999999999999999999999Gi")]
    [TestCase("99999999999999999999999999999999999")]
    public void Bad_memory_is_invalid(string text)
    {
        var ex = Assert.Throws<FunctionPlatformException>(() => Quantity.ParseMemoryBytes(text));
        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.Invalid));
        Assert.That(ex.Message, Does.Contain(text));
    }

    [TestCase("79228162514264337593543950335")]
    [TestCase("9999999999999999999m")]
    [TestCase("-1")]
    public void Bad_cpu_is_invalid_not_an_overflow(string text)
    {
        var ex = Assert.Throws<FunctionPlatformException>(() => Quantity.ParseCpuMillis(text));
        Assert.That(ex!.Kind, Is.EqualTo(FunctionErrorKind.Invalid));
    }

    [TestCase(134217728L, "128Mi")]
    [TestCase(1073741824L, "1Gi")]
    [TestCase(1000000000L, "1000000000")]
    [TestCase(1536L, "1536")]
    public void Memory_renders_as_binary_si(long bytes, string text) =>
        Assert.That(Quantity.FormatMemory(bytes), Is.EqualTo(text));
}
