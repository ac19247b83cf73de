using System.Net;
using System.Text;
using System.Text.Json;
using RtcBench.Core.Results;
using RtcBench.Server.Ingest;
using RtcBench.Server.Tests.Support;
using RtcBench.Storage.Validation;

namespace RtcBench.Server.Tests;

/// <summary>Mutated and random bodies: every one gets an answer in our words, never an exception or a serializer message.</summary>
public sealed class IngestFuzzTests
{
    private static byte[] Mutate(byte[] document, Random random)
    {
        var bytes = (byte[])document.Clone();
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits; e++)
        {
            int at = random.Next(bytes.Length);
            bytes[at] = random.Next(4) switch
            {
                0 => (byte)random.Next(256),
                1 => (byte)"0123456789-.eE"[random.Next(14)],
                2 => (byte)"{}[],:\""[random.Next(7)],
                _ => (byte)' ',
            };
        }
        return random.Next(10) == 0 ? bytes[..random.Next(bytes.Length)] : bytes;
    }

    [Fact]
    public void ParseAndValidate_TwoThousandMutatedDocuments_NeverThrowAndSpeakOurWords()
    {
        var random = new Random(20261207);
        byte[] document = Encoding.UTF8.GetBytes(ResultJson.Serialize(RunFactory.Create([10, 11, 12, 13], lost: 1), indented: false));
        for (int i = 0; i < 2000; i++)
        {
            byte[] body = Mutate(document, random);
            string? problem = JsonPrecheck.Check(body);
            if (problem is null)
            {
                try
                {
                    var run = JsonSerializer.Deserialize<RunResult>(body, ResultJson.Options);
                    problem = run is null ? "null" : RunDocumentValidator.Validate(run, ServerHarness.Now);
                }
                catch (JsonException e)
                {
                    problem = JsonShapeProblem.Describe(e);
                }
            }
            if (problem is not null)
            {
                Assert.DoesNotContain("System.", problem, StringComparison.Ordinal);
                Assert.DoesNotContain("LineNumber", problem, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Post_MutatedDocuments_Never500()
    {
        await using var harness = await ServerHarness.StartAsync();
        var random = new Random(7);
        byte[] document = Encoding.UTF8.GetBytes(ResultJson.Serialize(RunFactory.Create([10, 11, 12]), indented: false));
        for (int i = 0; i < 60; i++)
        {
            using var content = new ByteArrayContent(Mutate(document, random));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

            using var response = await harness.Client.PostAsync("/api/runs", content, harness.Ct);

            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Conflict,
                $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(harness.Ct)}");
        }
    }
}
