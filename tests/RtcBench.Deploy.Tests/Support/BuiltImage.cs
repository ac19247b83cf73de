using System.Diagnostics;
using System.Text.Json;
using RtcBench.Storage.Tests;

namespace RtcBench.Deploy.Tests.Support;

/// <summary>
/// The container image as a user builds it (<c>scripts/build-image.sh</c>: buildah from scratch, written as an OCI
/// archive), read back from that archive: its manifest and config, and its layers unpacked into a root filesystem.
/// Podman cannot run a container on the machines this project is tested on, so <see cref="Run"/> runs a command in
/// that root the way a runtime would (run-in-rootfs.sh: own mount, PID and network namespaces; the image's entrypoint,
/// user, working directory and environment, taken from its config).
/// </summary>
public sealed class BuiltImage : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();

    public string Archive => _dir.File("rtcbench-image.tar");

    public string RootFs => _dir.File("rootfs");

    /// <summary>The OCI image config (architecture, os, config, rootfs, history).</summary>
    public JsonElement ImageConfig { get; private set; }

    /// <summary>The image config's <c>config</c> object: Entrypoint, Cmd, User, Env, WorkingDir, ExposedPorts, Labels.</summary>
    public JsonElement Config => ImageConfig.GetProperty("config");

    public int LayerCount { get; private set; }

    public IReadOnlyList<string> Entrypoint => [.. Config.GetProperty(nameof(Entrypoint)).EnumerateArray().Select(e => e.GetString()!)];

    public IReadOnlyList<string> Env => [.. Config.GetProperty(nameof(Env)).EnumerateArray().Select(e => e.GetString()!)];

    public string User => Config.GetProperty(nameof(User)).GetString()!;

    public string WorkingDir => Config.GetProperty(nameof(WorkingDir)).GetString()!;

    /// <summary>A path inside the image's root filesystem.</summary>
    public string PathInImage(string absolute) => Path.Combine(RootFs, absolute.TrimStart('/'));

    public async Task InitializeAsync()
    {
        Tool.Result build;
        await DotnetBuilds.Gate.WaitAsync();
        try
        {
            build = await Tool.RunAsync(Tool.Find("bash"),
                [Repo.Path("scripts", "build-image.sh"), "--output", Archive, "--storage", _dir.File("storage"), "--tag", "localhost/rtcbench-test:" + Guid.NewGuid().ToString("N")[..12]]);
        }
        finally
        {
            DotnetBuilds.Gate.Release();
        }
        Assert.True(build.ExitCode == 0 && File.Exists(Archive), "scripts/build-image.sh: " + build);

        string layout = _dir.File("oci");
        Directory.CreateDirectory(layout);
        await TarAsync("-xf", Archive, "-C", layout);
        using var index = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "index.json")));
        var manifestRef = Assert.Single(index.RootElement.GetProperty("manifests").EnumerateArray());
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Blob(layout, manifestRef)));
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Blob(layout, manifest.RootElement.GetProperty("config"))));
        ImageConfig = config.RootElement.Clone();

        Directory.CreateDirectory(RootFs);
        foreach (var layer in manifest.RootElement.GetProperty("layers").EnumerateArray())
        {
            // As root, GNU tar keeps the layer's owners and modes (--same-owner is its default then).
            await TarAsync("-xf", Blob(layout, layer), "-C", RootFs, "--numeric-owner", "--same-owner", "--same-permissions");
            LayerCount++;
        }
        // One layer from scratch: no whiteouts to apply.
        Assert.Empty(Directory.EnumerateFiles(RootFs, ".wh.*", SearchOption.AllDirectories));
    }

    /// <summary>Runs the image's entrypoint with <paramref name="args"/> in the image's root, to its end.</summary>
    internal Task<Tool.Result> RunAsync(IEnumerable<string> args, string? netns = null) =>
        Tool.RunAsync(Tool.Find("bash"), RunArguments(args, netns));

    /// <summary>Starts the image's entrypoint with <paramref name="args"/> in the image's root, stdout and stderr redirected.</summary>
    public Process Start(IEnumerable<string> args, string? netns = null)
    {
        var start = new ProcessStartInfo(Tool.Find("bash"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        foreach (var a in RunArguments(args, netns))
        {
            start.ArgumentList.Add(a);
        }
        return Process.Start(start) ?? throw new InvalidOperationException("cannot start run-in-rootfs.sh");
    }

    private List<string> RunArguments(IEnumerable<string> args, string? netns)
    {
        List<string> all = [Repo.Path("tests", "RtcBench.Deploy.Tests", "Support", "run-in-rootfs.sh"),
            "--rootfs", RootFs, "--user", User, "--workdir", WorkingDir];
        if (netns is not null)
        {
            all.AddRange(["--netns", netns]);
        }
        foreach (var e in Env)
        {
            all.AddRange(["--env", e]);
        }
        all.Add("--");
        all.AddRange(Entrypoint);
        all.AddRange(args);
        return all;
    }

    private static string Blob(string layout, JsonElement descriptor)
    {
        string[] digest = descriptor.GetProperty("digest").GetString()!.Split(':', 2);
        return Path.Combine(layout, "blobs", digest[0], digest[1]);
    }

    private static async Task TarAsync(params string[] args)
    {
        var result = await Tool.RunAsync(Tool.Find("tar"), args);
        Assert.True(result.ExitCode == 0, "tar: " + result);
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>The tests that share one built image (publishing and building take a few minutes).</summary>
[CollectionDefinition(Name)]
public sealed class BuiltImageCollection : ICollectionFixture<BuiltImage>
{
    public const string Name = "built image";
}
