using System.Reflection;
using System.Runtime.CompilerServices;

namespace RtcBench.Core.Timing;

/// <summary>
/// Compiles the methods a send waits in before the run's schedule starts (the runner's pacer and ping driver, the udp
/// channel's receive path). They are marked
/// <see cref="MethodImplOptions.AggressiveOptimization"/>: compiled once, fully optimised, at their first call, and never
/// again. Without it a method with a loop starts as unoptimised code and is recompiled on the thread that runs the loop
/// (on-stack replacement) after about a thousand iterations: the pacer's spin reaches that within the first pings and
/// its send waited for the compiler (quickstart's first two warm-up pings went out 0.3–9 ms late,
/// bench/results/runner-cpu.md). A first call that compiles can fall between a wake-up and its send too (the oversleep window's first sample, the first spin step),
/// so they are compiled ahead, on the driver thread before the first send: <see cref="Prepare"/> for methods that
/// are not virtual (<see cref="RuntimeHelpers.PrepareMethod(RuntimeMethodHandle)"/> compiles nothing for the interface
/// implementations: those are called once, harmlessly, instead). <c>HotPathTests</c> checks that a prepared wait
/// compiles nothing.
/// </summary>
public static class HotPath
{
    /// <summary>Compiles the named methods of <paramref name="type"/> (public or not, instance or static) now, and their
    /// local functions (a <c>LibraryImport</c>'s inner P/Invoke).</summary>
    public static void Prepare(Type type, params string[] methods)
    {
        foreach (string name in methods)
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                bool named = method.Name == name || method.Name.StartsWith("<" + name + ">", StringComparison.Ordinal);
                if (named && !method.IsAbstract && !method.ContainsGenericParameters)
                {
                    RuntimeHelpers.PrepareMethod(method.MethodHandle);
                }
            }
        }
    }
}
