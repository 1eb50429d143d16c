using System.Text.Json;
using FaasD.Functions.Abstractions;
using FaasD.Gateway.Functions;
using FaasD.Gateway.Json;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Json;

internal sealed class WireFormatTests
{
    [TestCase(0, 0, "0001-01-01T00:00:00Z")]
    [TestCase(1, 0, "2024-05-01T10:00:00Z")]
    [TestCase(1, 1_234_500, "2024-05-01T10:00:00.12345Z")]
    [TestCase(1, 1, "2024-05-01T10:00:00.0000001Z")]
    public void Times_AreRfc3339Nano_WithoutTrailingZeros(int useDate, long extraTicks, string expected)
    {
        var time = useDate == 0 ? default : new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(extraTicks);
        var status = new FunctionStatusDto { Name = "f", Image = "i", CreatedAt = time };

        var json = JsonSerializer.Serialize(status, GatewayJsonContext.Default.FunctionStatusDto);

        Assert.That(json, Is.EqualTo($$"""{"name":"f","image":"i","createdAt":"{{expected}}"}"""));
    }

    [Test]
    public void Times_AreWrittenInUtc()
    {
        var status = new FunctionStatusDto { Name = "f", Image = "", CreatedAt = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.FromHours(2)) };

        var json = JsonSerializer.Serialize(status, GatewayJsonContext.Default.FunctionStatusDto);

        Assert.That(json, Is.EqualTo("""{"name":"f","image":"","createdAt":"2024-05-01T10:00:00Z"}"""));
    }

    [Test]
    public void Status_WritesEverySetField_WithGoNames()
    {
        var info = new FunctionInfo
        {
            Spec = new FunctionSpec
            {
                Name = "f",
                Namespace = "openfaas-fn",
                Image = "i",
                EnvProcess = "cat",
                EnvVars = new Dictionary<string, string> { ["A"] = "1" },
                Secrets = ["s"],
                Labels = new Dictionary<string, string> { ["l"] = "v" },
                Annotations = new Dictionary<string, string> { ["a"] = "v" },
                Limits = new FunctionResources("128Mi", null),
                ReadOnlyRootFilesystem = true,
            },
            Replicas = 1,
            AvailableReplicas = 1,
        };

        var json = JsonSerializer.Serialize(FunctionMapping.ToStatus(info, withAvailableReplicas: true, invocationCount: 3), GatewayJsonContext.Default.FunctionStatusDto);

        const string Expected =
            """{"name":"f","image":"i","namespace":"openfaas-fn","envProcess":"cat","envVars":{"A":"1"},"secrets":["s"],"labels":{"l":"v"},"annotations":{"a":"v"},"limits":{"memory":"128Mi"},"readOnlyRootFilesystem":true,"invocationCount":3,"replicas":1,"availableReplicas":1,"createdAt":"0001-01-01T00:00:00Z"}""";
        Assert.That(json, Is.EqualTo(Expected));
    }
}
